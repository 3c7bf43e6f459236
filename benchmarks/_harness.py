"""What the service benchmarks share: a temporary app database, one tenant,
and the Sarbacane simulator served on a free loopback port from a thread.

Everything lives in a temporary directory removed on exit; the environment
variables the services read are restored and the cached settings, engines
and Sarbacane clients dropped, so several benchmarks can run in one process
(``python -m benchmarks``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store.db import get_engine
from sms_hub.store.migrate import upgrade
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    make_client,
    serving_simulator,
)
from tests.support.factories import add_centre


@dataclass
class BenchEnv:
    """A fresh app database with one tenant, talking to a live simulator."""

    work: Path
    database_url: str
    api_url: str
    simulator_root: str
    simulator_db: Path
    actor: Actor

    def client(self, **overrides: Any):
        """A Sarbacane client of its own (the services use the cached one)."""
        return make_client(self.api_url, **overrides)


@contextmanager
def settings_from(values: dict[str, str | None]) -> Iterator[None]:
    """This process's settings read ``values`` (None: unset) until exit; then
    the database engine is disposed and the environment restored."""
    saved = {name: os.environ.get(name) for name in values}
    _set_environ(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        get_engine(get_settings().database_url).dispose()
        get_engine.cache_clear()
        _set_environ(saved)
        get_settings.cache_clear()


def _set_environ(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def bench_env(prefix: str, **simulator_overrides: Any) -> Iterator[BenchEnv]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{prefix}-") as tmp:
        work = Path(tmp)
        simulator_db = work / "simulator.db"
        database_url = f"sqlite:///{work / 'app.db'}"
        with (
            serving_simulator(simulator_db, **simulator_overrides) as sim,
            settings_from(
                {
                    "DATA_DIR": str(work),
                    "DATABASE_URL": database_url,
                    "SARBACANE_API_URL": sim.api_url,
                    "SARBACANE_ACCOUNT_ID": ACCOUNT_ID,
                    "SARBACANE_API_KEY": API_KEY,
                    "SARBACANE_MAX_RETRIES": "2",
                    "SARBACANE_TIMEOUT_SECONDS": "30",
                    "SECRETS_KEY": Fernet.generate_key().decode(),
                }
            ),
        ):
            upgrade(database_url)
            actor = add_centre(
                "bench", user="bench@centre.fr", account=(ACCOUNT_ID, API_KEY)
            )
            yield BenchEnv(
                work=work,
                database_url=database_url,
                api_url=sim.api_url,
                simulator_root=sim.root,
                simulator_db=simulator_db,
                actor=actor,
            )


def mobiles(count: int, start: int = 0) -> list[str]:
    """Distinct French mobiles in E.164 (+336…), none ending in 13 or 99."""
    numbers: list[str] = []
    i = start
    while len(numbers) < count:
        phone = f"+336{i:08d}"
        i += 1
        if not phone.endswith(("13", "99")):
            numbers.append(phone)
    return numbers


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"min {ordered[0]:.3f} s, median {statistics.median(ordered):.3f} s, "
        f"max {ordered[-1]:.3f} s"
    )


class Timer:
    """Accumulated wall time of wrapped calls (a coarse, low-overhead profile)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, name: str, seconds: float) -> None:
        self.totals[name] = self.totals.get(name, 0.0) + seconds
        self.counts[name] = self.counts.get(name, 0) + 1

    def wrap_sync(self, name: str, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - started)

        return wrapper

    def wrap_async(self, name: str, fn):
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - started)

        return wrapper

    def report(self, indent: str = "    ") -> list[str]:
        return [
            f"{indent}{name:<34} {self.totals[name]:7.3f} s in {self.counts[name]:,} "
            f"call(s)"
            for name in self.totals
        ]


@contextmanager
def patched(target: Any, name: str, replacement: Any) -> Iterator[None]:
    """Temporarily replace ``target.name`` (to time a service's internals)."""
    original = getattr(target, name)
    setattr(target, name, replacement)
    try:
        yield
    finally:
        setattr(target, name, original)
