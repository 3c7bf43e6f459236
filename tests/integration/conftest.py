"""Fixtures of the integration tests: the Sarbacane simulator over HTTP, a
training centre in a fresh database talking to it, a private Redis server.

Helpers that are not fixtures live in ``sarbacane_support``,
``postgres_support``, ``redis_support`` and ``tests.support``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from cryptography.fernet import Fernet

from sms_hub.sarbacane import SarbacaneClient
from sms_hub.services import credits, discovery
from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store.migrate import upgrade
from tests.integration.redis_support import redis_server
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    Simulator,
    make_client,
    running_simulator,
)
from tests.support.factories import add_centre


@pytest.fixture
def database(tmp_path, monkeypatch) -> Iterator[str]:
    """A migrated database of its own (no simulator); the settings cache
    restored afterwards."""
    url = f"sqlite:///{tmp_path / 't.db'}"
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("CSV_MAX_BYTES", raising=False)
    monkeypatch.delenv("CSV_MAX_ROWS", raising=False)
    get_settings.cache_clear()
    upgrade(url)
    yield url
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with running_simulator(tmp_path_factory) as sim:
        yield sim


@pytest.fixture
def sim(simulator: Simulator) -> Iterator[Simulator]:
    """The simulator with no fault injected and its counters at zero."""
    simulator.reset()
    yield simulator
    simulator.reset()


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[SarbacaneClient]:
    client = make_client(sim.api_url)
    yield client
    await client.aclose()


@pytest.fixture
def actor(sim: Simulator, tmp_path, monkeypatch) -> Iterator[Actor]:
    """A training centre in a fresh database, its app talking to the simulator."""
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    for name, value in {
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "SARBACANE_API_URL": sim.api_url,
        "SARBACANE_ACCOUNT_ID": ACCOUNT_ID,
        "SARBACANE_API_KEY": API_KEY,
        "SARBACANE_MAX_RETRIES": "2",
        "SARBACANE_TIMEOUT_SECONDS": "3",
        "SECRETS_KEY": Fernet.generate_key().decode(),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    credits.forget_all()  # a figure kept from another test's centre 1
    upgrade(database_url)
    yield add_centre(
        "test",
        name="Centre test",
        user="formateur@centre.fr",
        account=(ACCOUNT_ID, API_KEY),
    )
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """The URL of a Redis server private to the test module."""
    with redis_server() as url:
        yield url


@pytest.fixture
def centre_b(actor: Actor, sim) -> Actor:
    """A second centre with its own Sarbacane account (its own STOP list, credits)."""
    account, key = f"acc-b-{uuid.uuid4().hex[:6]}", "key-of-centre-b"
    sim.add_account(account, key, name="Centre B", sms_credits=777)
    return add_centre(
        f"centre-b-{account[-6:]}",
        name="Centre B",
        user="b@centre-b.fr",
        account=(account, key),
        opt_out_mention="STOP au 36222",
    )


@pytest.fixture
def fresh_discovery(monkeypatch) -> None:
    """The test's centres start with no discovery run remembered."""
    monkeypatch.setattr(discovery, "_sweeps", {})
    monkeypatch.setattr(discovery, "_last_run", {})
    monkeypatch.setattr(discovery, "_last_cycle", [])
