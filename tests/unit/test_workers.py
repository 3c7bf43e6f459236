"""WORKERS: how many backend processes start, and when several are refused."""

from __future__ import annotations

import importlib
import os
import sys

import pytest
from cryptography.fernet import Fernet

from sms_hub.settings import load_settings, runs_several_workers
from sms_hub.startup import configuration_problems

POSTGRES = "postgresql+psycopg://hub@db/sms_hub"
REDIS = "redis://redis:6379/0"
_NAMES = (
    "DEMO_MODE",
    "SARBACANE_API_URL",
    "PORTAL_SIGNING_KEY",
    "PORTAL_PUBLIC_KEY",
    "SECRETS_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "WORKERS",
    "GRANIAN_WORKERS",
    "REFLEX_USE_GRANIAN",
)


@pytest.fixture
def env(monkeypatch):
    for name in _NAMES:
        monkeypatch.setenv(name, "")  # recorded, so rxconfig's exports are undone
        monkeypatch.delenv(name)

    def apply(**values: str):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return load_settings()

    return apply


def _production(**values: str) -> dict[str, str]:
    return {
        "SARBACANE_API_URL": "https://api.sarbacane.com/v1",
        "SECRETS_KEY": Fernet.generate_key().decode(),
        "PORTAL_SIGNING_KEY": "k" * 32,
        **values,
    }


def _text(settings) -> str:
    return "\n".join(configuration_problems(settings))


def test_one_worker_by_default_without_redis(env):
    settings = env()
    assert settings.workers is None
    assert not runs_several_workers(settings)


def test_with_redis_and_no_workers_setting_reflex_starts_several(env):
    assert runs_several_workers(env(REDIS_URL=REDIS))


def test_workers_decides_when_set(env):
    assert runs_several_workers(env(WORKERS="4"))
    assert not runs_several_workers(env(REDIS_URL=REDIS, WORKERS="1"))


def test_granian_workers_counts_when_workers_is_unset(env):
    assert env(GRANIAN_WORKERS="3").workers == 3
    assert env(GRANIAN_WORKERS="3", WORKERS="2").workers == 2


def test_several_workers_on_postgresql_with_redis_start(env):
    settings = env(**_production(DATABASE_URL=POSTGRES, REDIS_URL=REDIS, WORKERS="4"))
    assert configuration_problems(settings) == []


def test_redis_default_workers_on_postgresql_start(env):
    settings = env(**_production(DATABASE_URL=POSTGRES, REDIS_URL=REDIS))
    assert configuration_problems(settings) == []


def test_several_workers_without_redis_are_refused(env):
    problems = _text(env(**_production(DATABASE_URL=POSTGRES, WORKERS="2")))
    assert "WORKERS=2 without REDIS_URL" in problems
    assert "Reflex state" in problems
    assert "SQLite" not in problems


def test_several_workers_on_sqlite_are_refused(env):
    problems = _text(env(**_production(REDIS_URL=REDIS, WORKERS="2")))
    assert "WORKERS=2 on SQLite (DATABASE_URL)" in problems
    assert "poller's lease" in problems
    assert "REDIS_URL" not in problems.split("SQLite")[0]


def test_redis_with_reflex_default_workers_on_sqlite_is_refused(env):
    problems = _text(env(**_production(REDIS_URL=REDIS)))
    assert "REDIS_URL without WORKERS" in problems
    assert "on SQLite" in problems


def test_redis_with_one_worker_on_sqlite_starts(env):
    settings = env(**_production(REDIS_URL=REDIS, WORKERS="1"))
    assert configuration_problems(settings) == []


def test_several_workers_on_sqlite_without_redis_name_both(env):
    problems = configuration_problems(env(**_production(WORKERS="3")))
    assert len(problems) == 2
    assert "REDIS_URL" in problems[0]
    assert "SQLite" in problems[1]


def test_the_demo_is_refused_several_workers_too(env):
    problems = _text(env(DEMO_MODE="1", WORKERS="2"))
    assert "WORKERS=2 without REDIS_URL" in problems
    assert "on SQLite" in problems


def test_the_demo_with_one_worker_starts(env):
    assert configuration_problems(env(DEMO_MODE="1", WORKERS="1")) == []


def test_zero_workers_is_refused(env):
    assert "WORKERS=0: it must be at least 1." in _text(env(DEMO_MODE="1", WORKERS="0"))


def test_a_non_integer_is_an_error(env):
    with pytest.raises(ValueError):
        env(WORKERS="many")


def _load_rxconfig():
    from sms_hub.settings import get_settings

    get_settings.cache_clear()
    sys.modules.pop("rxconfig", None)
    try:
        return importlib.import_module("rxconfig")
    finally:
        get_settings.cache_clear()
        sys.modules.pop("rxconfig", None)


def test_rxconfig_hands_workers_to_reflex(env):
    env(DEMO_MODE="1", REDIS_URL=REDIS, DATABASE_URL=POSTGRES, WORKERS="3")
    module = _load_rxconfig()
    assert os.environ["GRANIAN_WORKERS"] == "3"
    assert os.environ["REFLEX_USE_GRANIAN"] == "true"
    assert module.config.redis_url == REDIS


def test_rxconfig_leaves_reflex_default_alone_without_workers(env):
    env(DEMO_MODE="1")
    module = _load_rxconfig()
    assert "GRANIAN_WORKERS" not in os.environ
    assert module.config.redis_url is None
