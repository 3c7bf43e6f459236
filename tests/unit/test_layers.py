"""The UI layers import only downward: pages, components and state reach the
store and Sarbacane only through services, and components need no services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sms_hub"
UI_LAYERS = ("pages", "components", "state")
BELOW_SERVICES = ("sms_hub.store", "sms_hub.sarbacane")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _violations(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for path in _files(layer)
        for module in sorted(_imported_modules(path))
        if _within(module, forbidden)
    ]


@pytest.mark.parametrize("layer", UI_LAYERS)
def test_ui_layer_reaches_store_and_sarbacane_only_through_services(layer):
    assert _files(layer), f"no module found under sms_hub/{layer}"
    assert _violations(layer, BELOW_SERVICES) == []


def test_components_import_no_services():
    assert _violations("components", ("sms_hub.services", *BELOW_SERVICES)) == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "page.py"
    module.write_text(
        "from sms_hub.store.campaign_queries import CampaignSort\n"
        "import sms_hub.sarbacane.client\n"
        "from sms_hub import store\n"
    )
    modules = _imported_modules(module)
    assert [m for m in sorted(modules) if _within(m, BELOW_SERVICES)] == [
        "sms_hub.sarbacane.client",
        "sms_hub.store",
        "sms_hub.store.campaign_queries",
        "sms_hub.store.campaign_queries.CampaignSort",
    ]
