"""Imports of files made of rows left out: flat memory, the full report
streamed to its file, and the cap on rows per import."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from sms_hub.domain.audit import AuditOutcome
from sms_hub.services import contact_lists as service
from sms_hub.services import downloads
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download
from sms_hub.services.errors import InvalidFile
from sms_hub.settings import get_settings
from sms_hub.store import contact_queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import AuditEvent
from tests.support.factories import add_centre, contact_list_state

ROWS = 300_000
#: Peak of Python allocations allowed for importing ROWS rows left out and
#: writing their report: the reading pass holds a 4 MiB filter and a 1 MiB
#: read buffer; holding the rows, or the report as one string, takes far more.
PEAK_BOUND_MB = 25
INVALID = "voir le dossier du stagiaire au secrétariat"


@pytest.fixture
def actor(database: str) -> Actor:
    return add_centre("horizon")


def _all_invalid(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Nom;Prénom;Téléphone\n")
        out.writelines(f"Dupont;Éloïse;{INVALID}\n" for _ in range(rows))


def _all_duplicate(path: Path, rows: int) -> None:
    """1,000 numbers, each repeated through the file."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Nom;Prénom;Téléphone\n")
        out.writelines(
            f"Dupont;Éloïse;06 12 30 {i % 1_000:03d}0\n" for i in range(rows)
        )


def _report_rows(actor: Actor, report_id: str) -> Iterator[list[str]]:
    """The kept report file, as a user's spreadsheet reads it."""
    link = downloads.DownloadLink(Download.IMPORT_REPORT, actor, report_id, "r.csv")
    with downloads._report_path(link).open(encoding="utf-8", newline="") as source:
        assert source.read(1) == "\ufeff"
        yield from csv.reader(source, delimiter=";")


@pytest.mark.parametrize("kind", ["all-invalid", "all-duplicate"])
async def test_many_rows_left_out_keep_memory_flat_and_the_report_complete(
    actor: Actor, database: str, tmp_path: Path, kind: str
):
    row = await service.create_contact_list(actor, "Stagiaires")
    path = tmp_path / "contacts.csv"
    (_all_invalid if kind == "all-invalid" else _all_duplicate)(path, ROWS)
    imported = 0 if kind == "all-invalid" else 1_000
    tracemalloc.start()
    try:
        report = service.import_csv_blocking(actor, row.id, path)
        report_id = downloads.keep_report(actor, service.report_chunks(report))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.imported == imported
    assert report.rejected_count == ROWS - imported
    assert peak < PEAK_BOUND_MB * 1e6, f"peak {peak / 1e6:.1f} MB"
    assert contact_list_state(row.id)[1] == imported
    rows = _report_rows(actor, report_id)
    assert next(rows) == ["Ligne", "Motif", "Numéro lu", "Détail"]
    count = 0
    for count, (line, label, value, detail) in enumerate(rows, start=1):
        if kind == "all-invalid":
            expected = [str(count + 1), "Numéro invalide", INVALID, ""]
        else:
            number = count - 1 + imported
            expected = [
                str(number + 2),
                "Doublon",
                f"06 12 30 {number % 1_000:03d}0",
                "déjà présent plus haut dans le fichier",
            ]
        assert [line, label, value, detail] == expected
    assert count == ROWS - imported


async def test_a_long_cell_is_cut_on_screen_and_whole_in_the_report(actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    long_value = "06 " + "9" * 20_000
    data = f"Nom;Mobile\nDupont;{long_value}\nMartin;06 12 34 56 78\n"
    report = await service.import_csv(actor, row.id, io.BytesIO(data.encode()))
    assert report.imported == 1
    assert report.rejected[0].value == long_value[:99] + "…"
    report_id = downloads.keep_report(actor, service.report_chunks(report))
    assert list(_report_rows(actor, report_id))[1] == [
        "2",
        "Numéro invalide",
        long_value,
        "",
    ]


def test_row_cap_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CSV_MAX_ROWS", raising=False)
    get_settings.cache_clear()
    try:
        assert service.csv_max_rows() == 1_000_000
        monkeypatch.setenv("CSV_MAX_ROWS", "250000")
        get_settings.cache_clear()
        assert service.csv_max_rows() == 250_000
    finally:
        get_settings.cache_clear()


async def test_a_file_over_the_row_cap_is_refused_and_the_list_unchanged(
    actor: Actor, database: str, monkeypatch: pytest.MonkeyPatch
):
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(
        actor, row.id, io.BytesIO(b"Mobile\n06 99 99 99 01\n06 99 99 99 02\n")
    )
    before = contact_list_state(row.id)
    assert before == (["+33699999901", "+33699999902"], 2)
    monkeypatch.setenv("CSV_MAX_ROWS", "10")
    get_settings.cache_clear()
    # Batches of 4: two of them are written before the cap is crossed.
    monkeypatch.setattr(contact_queries, "INSERT_CHUNK", 4)
    monkeypatch.setattr(service, "INSERT_CHUNK", 4)
    written: list[int] = []
    insert = contact_queries.insert_contacts
    monkeypatch.setattr(
        contact_queries,
        "insert_contacts",
        lambda session, list_id, batch: (
            written.append(len(batch)),
            insert(session, list_id, batch),
        ),
    )
    numbers = "".join(f"07 81 00 00 {i:02d}\n" for i in range(11))
    with pytest.raises(InvalidFile) as error:
        await service.import_csv(
            actor, row.id, io.BytesIO(("Mobile\n" + numbers).encode())
        )
    assert error.value.user_message == (
        "Le fichier dépasse le nombre maximal de lignes autorisé (10 lignes). "
        "Découpez-le en plusieurs fichiers. Aucun contact n'a été importé."
    )
    assert written == [4, 4]
    assert contact_list_state(row.id) == before
    with session_scope(database) as session:
        failed = session.exec(
            select(AuditEvent).where(AuditEvent.outcome == AuditOutcome.FAILED)
        ).all()
    assert [event.detail for event in failed] == [
        f"Liste n° {row.id} : {error.value.user_message}"
    ]
    # At the cap, the file goes in.
    report = await service.import_csv(
        actor, row.id, io.BytesIO(("Mobile\n" + numbers[15:]).encode())
    )
    assert report.rows_read == 10
    assert contact_list_state(row.id)[1] == 12
