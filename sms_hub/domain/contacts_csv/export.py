"""CSV exports: ``;``-separated UTF-8 with a BOM (French Excel opens it with
the accents right), every cell passed through :func:`safe_cell` so that no
cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value`` made inert for a spreadsheet: no cell may start a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
    prefixed with an apostrophe (OWASP's advice against CSV injection).
    """
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """A CSV export: ``;``-separated, UTF-8 with BOM, every cell made safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])
    return out.getvalue()


def csv_lines(
    rows: Iterable[Sequence[object]], header: Sequence[str], *, per_chunk: int = 500
) -> Iterator[str]:
    """The same CSV as :func:`write_csv`, produced a chunk of rows at a time
    (for a streamed download: the whole file is never held in memory)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow([safe_cell(str(h)) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])
        if count % per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
