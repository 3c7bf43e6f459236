"""ARCHITECTURE.md names every module of sms_hub/, so the map stays true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sms_hub"
#: Numbered migrations are named by their folder, not one by one.
MIGRATIONS = "store/migrations/versions/"


def _blocks() -> list[str]:
    """The page's paragraphs, table rows and list items (a module's mention
    and its folder's stand in one of them)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.lstrip().startswith("|"):
            blocks += paragraph.splitlines()
        else:
            blocks.append(paragraph)
    return blocks


def _named(module: str, blocks: list[str]) -> bool:
    """``domain/phone.py`` is named by that path (with or without ``.py``), or
    by ``phone.py`` or `` `phone` `` in a block that names its folder
    (``domain/``, as in ``domain/sms_text.py``)."""
    folder, _, name = module.rpartition("/")
    stem = name.removesuffix(".py")
    for block in blocks:
        if module in block or f"{folder}/{stem}`" in block:
            return True
        in_folder = not folder or f"{folder}/" in block
        if in_folder and (
            re.search(rf"(?<![\w/]){re.escape(name)}\b", block) or f"`{stem}`" in block
        ):
            return True
    return False


def _modules() -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
    )


def test_every_module_of_the_app_is_named_in_the_architecture_map():
    blocks = _blocks()
    missing = [
        module
        for module in _modules()
        if not (
            _named(module, blocks)
            or (module.startswith(MIGRATIONS) and any(MIGRATIONS in b for b in blocks))
        )
    ]
    assert not missing, "ARCHITECTURE.md does not name: " + ", ".join(missing)


def test_a_module_is_named_only_beside_its_folder():
    blocks = ["| `domain/` | `phone.py`, `sms_text` |", "| `store/` | `db.py` |"]
    assert _named("domain/phone.py", blocks)
    assert _named("domain/sms_text.py", blocks)
    assert _named("store/db.py", blocks)
    assert not _named("services/phone.py", blocks)
    assert not _named("domain/db.py", blocks)
