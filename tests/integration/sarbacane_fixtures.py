"""Fixtures for the Sarbacane tests (``pytest_plugins`` of their modules)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_hub.sarbacane import SarbacaneClient
from sms_hub.sarbacane.simulator import create_app
from sms_hub.settings import SIMULATOR_MOUNT
from tests.integration.sarbacane_support import (
    ServerThread,
    Simulator,
    make_client,
    simulator_settings,
)


@contextmanager
def running_simulator(
    tmp_path_factory: pytest.TempPathFactory,
    wrap: Callable[[Any], Any] | None = None,
    **overrides: Any,
) -> Iterator[Simulator]:
    """The simulator served on a loopback port, over a fresh SQLite file
    (its ASGI app passed through ``wrap`` when given, e.g. a ``Blackhole``)."""
    db_path = tmp_path_factory.mktemp("sarbacane") / "simulator.db"
    settings = simulator_settings(db_path, **overrides)
    app = create_app(settings)
    app = Starlette(routes=[Mount(SIMULATOR_MOUNT, app=wrap(app) if wrap else app)])
    with ServerThread(app) as server:
        sim = Simulator(root=server.url + SIMULATOR_MOUNT, db_path=db_path)
        yield sim
        sim.http.close()


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
