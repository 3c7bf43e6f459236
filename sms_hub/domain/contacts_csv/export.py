"""CSV exports: ``;``-separated UTF-8 with a BOM (French Excel opens it with
the accents right), every cell passed through :func:`safe_cell` so that no
cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

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
