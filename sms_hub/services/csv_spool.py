"""The temporary file holding the rows left out of a contacts import.

An import of a million rows may leave out most of them; they are needed only
if the user downloads the report. They go to a temporary file, pickled a
batch at a time (cheap to write while importing), that stays in memory up to
:data:`REPORT_SPOOL_BYTES` then goes to disk, unnamed; it goes away when the
spool is closed or dropped.
"""

from __future__ import annotations

import pickle
import tempfile
import threading
from collections.abc import Iterator

from sms_hub.domain.contacts_csv import Rejected

#: Size of the report's temporary file kept in memory before it goes to disk.
REPORT_SPOOL_BYTES = 1024 * 1024


class RejectionSpool:
    """A :class:`~sms_hub.domain.contacts_csv.RejectedRowStore` in a temporary
    file. The import writes from its worker thread while a report may be read
    from another, hence the lock."""

    def __init__(self) -> None:
        # Lives as long as the spool: closed by close(), or when it is dropped.
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=REPORT_SPOOL_BYTES
        )
        self._lock = threading.Lock()

    def write(self, rows: list[Rejected]) -> None:
        with self._lock:
            pickle.dump(rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def read(self) -> Iterator[Rejected]:
        with self._lock:
            spool = self._file
            end = spool.tell()
            spool.seek(0)
            try:
                while spool.tell() < end:
                    yield from pickle.load(spool)
            finally:
                spool.seek(end)

    def close(self) -> None:
        with self._lock:
            self._file.close()
