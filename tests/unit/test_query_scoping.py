"""Every named query takes the centre it works for, or says why it need not.

A query of ``sms_hub/store/*_queries.py`` has a parameter ``tenant_id``, or a
docstring line starting "Not scoped:" giving the reason it cannot read or
write another centre's rows.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "sms_hub" / "store"


def _queries() -> list[tuple[str, object]]:
    found = []
    for path in sorted(STORE.glob("*_queries.py")):
        module = importlib.import_module(f"sms_hub.store.{path.stem}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.append((f"{path.stem}.{name}", function))
    return found


def _says_why_unscoped(function: object) -> bool:
    doc = inspect.getdoc(function) or ""
    return any(line.strip().startswith("Not scoped:") for line in doc.splitlines())


def test_the_store_has_query_modules():
    assert len({name.split(".")[0] for name, _ in _queries()}) >= 10


def test_every_query_takes_the_centre_or_says_why_not():
    unscoped = [
        name
        for name, function in _queries()
        if "tenant_id" not in inspect.signature(function).parameters
        and not _says_why_unscoped(function)
    ]
    assert unscoped == []
