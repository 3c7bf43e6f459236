"""The production layout names only settings the app reads (no drifting docs)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Read by the database, Redis and Caddy containers, not by the app.
NOT_THE_APPS = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "SMS_HUB_HOST"}


def _names_the_app_reads() -> set[str]:
    sources = [ROOT / "rxconfig.py", *sorted((ROOT / "sms_hub").glob("*.py"))]
    text = "\n".join(path.read_text() for path in sources)
    return (
        set(re.findall(r'_?env\w*\(\s*"([A-Z_]+)"', text))
        | set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z_]+)"', text))
        | set(re.findall(r'environ\["([A-Z_]+)"\]', text))
    )


def test_every_app_setting_in_compose_is_read_by_the_app():
    compose = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
    app_env = set(compose["services"]["app"]["environment"])
    unknown = app_env - _names_the_app_reads() - NOT_THE_APPS
    assert unknown == set()
    assert {"DATABASE_URL", "REDIS_URL", "WORKERS", "SECRETS_KEY"} <= app_env


def test_the_readme_of_deploy_lists_every_app_setting_of_compose():
    compose = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
    readme = (ROOT / "deploy/README.md").read_text()
    wanted = set(compose["services"]["app"]["environment"]) - {
        "DATABASE_URL",
        "REDIS_URL",
        "DEPLOY_URL",
    }
    assert {name for name in wanted if f"`{name}`" not in readme} == set()
