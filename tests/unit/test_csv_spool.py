"""The temporary file of the rows left out of an import."""

from __future__ import annotations

import io
import threading

from sms_hub.domain.contacts_csv import ContactsCsv
from sms_hub.domain.phone import Rejection
from sms_hub.services import csv_spool
from sms_hub.services.csv_spool import RejectionSpool


def test_a_long_report_goes_to_disk_and_reads_back(monkeypatch):
    monkeypatch.setattr(csv_spool, "REPORT_SPOOL_BYTES", 1_000)
    spool = RejectionSpool()
    data = "Mobile\n" + "01 23 45 67 89\n" * 5_000
    contacts = ContactsCsv(io.BytesIO(data.encode()), rejected_rows=spool)
    assert list(contacts.batches(100)) == []
    assert spool._file._rolled
    assert len(contacts.rejected) == 100
    rows = [(r.line, r.reason) for r in contacts.rejections.rows()]
    assert rows == [(line, Rejection.LANDLINE) for line in range(2, 5_002)]
    # Read twice: the report can be downloaded again.
    assert len(list(contacts.rejections.rows())) == 5_000


def test_rows_written_after_a_read_come_after_the_earlier_ones():
    spool = RejectionSpool()
    spool.write([(2, Rejection.INVALID, "x", "")])
    assert [row[0] for row in spool.read()] == [2]
    spool.write([(3, Rejection.MISSING, "", "")])
    assert [row[0] for row in spool.read()] == [2, 3]


def test_reading_holds_the_spool_until_done():
    spool = RejectionSpool()
    spool.write([(2, Rejection.INVALID, "x", "")])
    reading = spool.read()
    next(reading)
    writer = threading.Thread(
        target=spool.write, args=([(3, Rejection.INVALID, "y", "")],)
    )
    writer.start()
    writer.join(0.05)
    assert writer.is_alive()
    assert list(reading) == []
    writer.join()
    assert [row[0] for row in spool.read()] == [2, 3]
