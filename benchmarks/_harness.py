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
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_hub.sarbacane.simulator import create_app
from sms_hub.services.context import Actor
from sms_hub.settings import SIMULATOR_MOUNT, get_settings
from sms_hub.store import secret_box
from sms_hub.store.db import get_engine, session_scope
from sms_hub.store.migrate import upgrade
from sms_hub.store.models import Tenant
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    ServerThread,
    make_client,
    simulator_settings,
)

_ENV_NAMES = (
    "DATA_DIR",
    "DATABASE_URL",
    "SARBACANE_API_URL",
    "SARBACANE_ACCOUNT_ID",
    "SARBACANE_API_KEY",
    "SECRETS_KEY",
    "SARBACANE_MAX_RETRIES",
    "SARBACANE_TIMEOUT_SECONDS",
)


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
def bench_env(prefix: str, **simulator_overrides: Any) -> Iterator[BenchEnv]:
    saved = {name: os.environ.get(name) for name in _ENV_NAMES}
    with tempfile.TemporaryDirectory(prefix=f"bench-{prefix}-") as tmp:
        work = Path(tmp)
        simulator_db = work / "simulator.db"
        database_url = f"sqlite:///{work / 'app.db'}"
        app = Starlette(
            routes=[
                Mount(
                    SIMULATOR_MOUNT,
                    app=create_app(
                        simulator_settings(simulator_db, **simulator_overrides)
                    ),
                )
            ]
        )
        with ServerThread(app) as server:
            root = server.url + SIMULATOR_MOUNT
            os.environ.update(
                {
                    "DATA_DIR": str(work),
                    "DATABASE_URL": database_url,
                    "SARBACANE_API_URL": root + "/v1",
                    "SARBACANE_ACCOUNT_ID": ACCOUNT_ID,
                    "SARBACANE_API_KEY": API_KEY,
                    "SARBACANE_MAX_RETRIES": "2",
                    "SARBACANE_TIMEOUT_SECONDS": "30",
                    "SECRETS_KEY": Fernet.generate_key().decode(),
                }
            )
            get_settings.cache_clear()
            try:
                upgrade(database_url)
                with session_scope(database_url) as session:
                    tenant = Tenant(
                        slug="bench",
                        name="Centre bench",
                        sarbacane_account_id=ACCOUNT_ID,
                        sarbacane_api_key_encrypted=secret_box.encrypt(API_KEY),
                    )
                    session.add(tenant)
                    session.flush()
                    tenant_id = tenant.id or 0
                yield BenchEnv(
                    work=work,
                    database_url=database_url,
                    api_url=root + "/v1",
                    simulator_root=root,
                    simulator_db=simulator_db,
                    actor=Actor(tenant_id=tenant_id, user="bench@centre.fr"),
                )
            finally:
                get_engine(database_url).dispose()
                get_engine.cache_clear()
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value
                get_settings.cache_clear()


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
