"""The rows left out of an import: counted, the first ones kept for the page,
all of them written down for the downloadable report.

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

from sms_hub.domain.contacts_csv.export import write_csv
from sms_hub.domain.phone import REJECTION_LABELS, Rejection

#: Rows left out kept in memory for the report shown on screen (the page
#: shows 100); all of them go to the :class:`RejectedRowStore`.
REJECTED_ROWS_KEPT = 100


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
    """The rows left out of an import: counted, the first ones kept, all
    written down in ``store``, from which :meth:`to_csv` writes the report."""

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
                RejectedRow(line, reason, value.strip(), detail)
                for line, reason, value, detail in rows[:room]
            )
        self._store.write(rows)
        self.total += len(rows)

    def rows(self) -> Iterator[RejectedRow]:
        """Every row noted, in file order, read back from the store."""
        for line, reason, value, detail in self._store.read():
            yield RejectedRow(line, reason, value.strip(), detail)

    def to_csv(self, header: Sequence[str]) -> str:
        """Every row noted as (line, label, number as written, detail), under
        ``header``, by :func:`write_csv`."""
        return write_csv(
            ((r.line, r.label, r.value, r.detail) for r in self.rows()), header
        )

    def close(self) -> None:
        """Drop the store (the counts and first rows remain)."""
        self._store.close()
