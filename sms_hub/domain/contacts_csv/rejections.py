"""The rows left out of an import: counted, the first ones kept for the page
(each number as written cut to :data:`SHOWN_CHARS`), all of them written
down, whole, for the downloadable report, which :meth:`RejectionLog.csv_chunks`
writes a chunk at a time.

Where all of them are written down is the caller's choice
(:class:`RejectedRowStore`): in memory by default (:class:`RowsInMemory`,
for tests and small files), in a temporary file for the imports of the
application (``sms_hub.services.csv_spool``), so that memory does not grow
with the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Protocol

from sms_hub.domain.contacts_csv.export import csv_lines
from sms_hub.domain.phone import REJECTION_LABELS, Rejection

#: Rows left out kept in memory for the report shown on screen (the page
#: shows 100); all of them go to the :class:`RejectedRowStore`.
REJECTED_ROWS_KEPT = 100
#: Characters of a number as written shown on screen; a longer one is cut
#: and ends with « … » (the report has it whole).
SHOWN_CHARS = 100


def shown_cell(value: str) -> str:
    """``value`` as the page shows it: at most :data:`SHOWN_CHARS` characters,
    the last one « … » when it was cut."""
    if len(value) <= SHOWN_CHARS:
        return value
    return value[: SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not imported: its line, why, and the number as written."""

    line: int
    reason: Rejection
    value: str
    detail: str = ""

    @property
    def label(self) -> str:
        return REJECTION_LABELS[self.reason]


#: A row left out, as the reading pass notes it: (line, reason, number as
#: written, detail).
Rejected = tuple[int, Rejection, str, str]


class RejectedRowStore(Protocol):
    """Where every row left out is written down, a batch at a time."""

    def write(self, rows: list[Rejected]) -> None:
        """Add rows, in file order, after those written before."""

    def read(self) -> Iterator[Rejected]:
        """Every row written so far, in order; may be read again."""

    def close(self) -> None:
        """Free what holds the rows."""


class RowsInMemory:
    """A :class:`RejectedRowStore` in a list: memory grows with the rows."""

    def __init__(self) -> None:
        self._batches: list[list[Rejected]] = []

    def write(self, rows: list[Rejected]) -> None:
        self._batches.append(rows)

    def read(self) -> Iterator[Rejected]:
        for batch in list(self._batches):
            yield from batch

    def close(self) -> None:
        self._batches = []


_REASON = itemgetter(1)


class RejectionLog:
    """The rows left out of an import: counted, the first ones kept (their
    number cut by :func:`shown_cell`), all written down in ``store``, from
    which :meth:`csv_chunks` writes the report."""

    def __init__(
        self, keep: int = REJECTED_ROWS_KEPT, store: RejectedRowStore | None = None
    ) -> None:
        self.first: list[RejectedRow] = []
        self.counts: dict[Rejection, int] = dict.fromkeys(Rejection, 0)
        self.total = 0
        self._keep = keep
        self._store: RejectedRowStore = RowsInMemory() if store is None else store

    def add(self, rows: list[Rejected]) -> None:
        """Note rows left out, in file order."""
        if not rows:
            return
        counts = self.counts
        for reason, count in Counter(map(_REASON, rows)).items():
            counts[reason] += count
        room = self._keep - len(self.first)
        if room > 0:
            self.first.extend(
                RejectedRow(line, reason, shown_cell(value.strip()), detail)
                for line, reason, value, detail in rows[:room]
            )
        self._store.write(rows)
        self.total += len(rows)

    def rows(self) -> Iterator[RejectedRow]:
        """Every row noted, in file order, read back from the store."""
        for line, reason, value, detail in self._store.read():
            yield RejectedRow(line, reason, value.strip(), detail)

    def csv_chunks(self, header: Sequence[str]) -> Iterator[str]:
        """Every row noted as (line, label, number as written, detail), under
        ``header``: the CSV of :func:`~.export.csv_lines`, a chunk at a time
        (the report is never held whole in memory)."""
        return csv_lines(
            ((r.line, r.label, r.value, r.detail) for r in self.rows()), header
        )

    def close(self) -> None:
        """Drop the store (the counts and first rows remain)."""
        self._store.close()
