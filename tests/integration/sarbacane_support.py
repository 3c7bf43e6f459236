"""Helpers for the Sarbacane tests: the simulator on a loopback port.

The simulator runs in a background thread (uvicorn when installed, else
granian's embedded server) over a temporary SQLite file, and the tests drive
the real :class:`SarbacaneClient` over real HTTP.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_hub.sarbacane import SarbacaneClient
from sms_hub.sarbacane.simulator import create_app
from sms_hub.settings import SIMULATOR_MOUNT, SimulatorSettings
from tests.support.ports import free_port

if TYPE_CHECKING:
    import pytest

ACCOUNT_ID = "acc-test"
API_KEY = "key-test"


class Blackhole:
    """ASGI middleware: the requests of the accounts it holds are accepted and
    never answered (a Sarbacane account that went silent), until the client
    gives up (closes its connection) or :meth:`release` is called.

    ``held(account)`` counts the requests it swallowed, to tell whether (and
    how often) a caller tried that account."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._accounts: set[str] = set()
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def hold(self, account_id: str) -> None:
        with self._lock:
            self._accounts.add(account_id)

    def answer(self, account_id: str) -> None:
        """Later requests of that account are answered again."""
        with self._lock:
            self._accounts.discard(account_id)

    def held(self, account_id: str) -> int:
        with self._lock:
            return self._held.get(account_id, 0)

    def release(self) -> None:
        """Every swallowed request still waiting gets a 504 (end of a test)."""
        with self._lock:
            self._accounts.clear()
            self._held.clear()
            waiting, self._waiting = self._waiting, []
        for loop, released in waiting:
            loop.call_soon_threadsafe(released.set)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or ())
        account = headers.get(b"accountid", b"").decode()
        with self._lock:
            silent = scope["type"] == "http" and account in self._accounts
            if silent:
                self._held[account] = self._held.get(account, 0) + 1
                released = asyncio.Event()
                self._waiting.append((asyncio.get_running_loop(), released))
        if not silent:
            await self.app(scope, receive, send)
            return

        async def client_gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        waits = [
            asyncio.ensure_future(client_gone()),
            asyncio.ensure_future(released.wait()),
        ]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        if released.is_set():
            await send({"type": "http.response.start", "status": 504, "headers": []})
            await send({"type": "http.response.body", "body": b""})


class ServerThread:
    """An ASGI app served on 127.0.0.1 from a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: Callable[[], None] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        if importlib.util.find_spec("uvicorn") is not None:
            import uvicorn

            server = uvicorn.Server(
                uvicorn.Config(self.app, port=self.port, log_level="warning")
            )
            server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
            self._stop = lambda: setattr(server, "should_exit", True)
        else:
            from granian.constants import Interfaces
            from granian.server.embed import Server

            server = Server(
                self.app,
                port=self.port,
                interface=Interfaces.ASGINL,
                log_enabled=False,
            )
            self._stop = server.stop
        self._loop.run_until_complete(server.serve())

    def __enter__(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("the test server did not start")

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop)
        self._thread.join(5)


def simulator_settings(db_path: Path, **overrides: Any) -> SimulatorSettings:
    values: dict[str, Any] = {
        "db_path": db_path,
        "account_id": ACCOUNT_ID,
        "api_key": API_KEY,
        "recipients_per_second": 2000.0,
        "moderation_seconds": 0.05,
        "latency_ms": 0,
        "error_rate": 0.0,
        "lock_error_rate": 0.0,
        "rate_limit_rate": 0.0,
        "force_unauthorized": False,
        "initial_sms_credits": 100_000,
    }
    values.update(overrides)
    return SimulatorSettings(**values)


@dataclass
class Simulator:
    """The running simulator and its admin routes."""

    root: str  # http://127.0.0.1:port/sarbacane-sim
    db_path: Path

    @property
    def api_url(self) -> str:
        return self.root + "/v1"

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.root)

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"/_admin/{path}", **kwargs)
        response.raise_for_status()
        return response.json()

    def add_account(
        self,
        account_id: str,
        api_key: str,
        *,
        name: str | None = None,
        sms_credits: int | None = None,
    ) -> dict[str, Any]:
        """Create a Sarbacane account (``POST /_admin/accounts``), or find it
        again when it exists with that key; its ``accountId``, ``name`` and
        ``smsCredits``."""
        body: dict[str, Any] = {"accountId": account_id, "apiKey": api_key}
        if name is not None:
            body["name"] = name
        if sms_credits is not None:
            body["smsCredits"] = sms_credits
        return self.admin("POST", "accounts", json=body)

    def set_faults(self, **knobs: Any) -> dict[str, Any]:
        return self.admin("POST", "faults", json=knobs)

    def stats(self) -> dict[str, int]:
        return self.admin("GET", "stats")["requests"]

    def count(self, route: str) -> int:
        return self.stats().get(route, 0)

    def reset(self) -> None:
        self.admin("DELETE", "faults")
        self.admin("DELETE", "stats")


@contextmanager
def serving_simulator(
    db_path: Path, wrap: Callable[[Any], Any] | None = None, **overrides: Any
) -> Iterator[Simulator]:
    """The simulator served on a loopback port over the SQLite file ``db_path``
    (its ASGI app passed through ``wrap`` when given, e.g. a ``Blackhole``)."""
    app = create_app(simulator_settings(db_path, **overrides))
    app = Starlette(routes=[Mount(SIMULATOR_MOUNT, app=wrap(app) if wrap else app)])
    with ServerThread(app) as server:
        sim = Simulator(root=server.url + SIMULATOR_MOUNT, db_path=db_path)
        try:
            yield sim
        finally:
            sim.http.close()


@contextmanager
def running_simulator(
    tmp_path_factory: pytest.TempPathFactory,
    wrap: Callable[[Any], Any] | None = None,
    **overrides: Any,
) -> Iterator[Simulator]:
    """``serving_simulator`` over a fresh file in a temporary folder."""
    db_path = tmp_path_factory.mktemp("sarbacane") / "simulator.db"
    with serving_simulator(db_path, wrap, **overrides) as sim:
        yield sim


def make_client(base_url: str, **overrides: Any) -> SarbacaneClient:
    """A client with tiny backoff timings, so that retries keep tests fast."""
    options: dict[str, Any] = {
        "timeout_seconds": 5.0,
        "max_retries": 3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "retry_after_max": 0.05,
    }
    options.update(overrides)
    account_id = options.pop("account_id", ACCOUNT_ID)
    api_key = options.pop("api_key", API_KEY)
    return SarbacaneClient(base_url, account_id, api_key, **options)


def phones(count: int, *, ending: str = "") -> list[str]:
    """Distinct French mobile numbers in E.164, all ending with ``ending``.

    Without ``ending``, numbers that the simulator's outcome rule treats
    specially (ending in 13 or 99) are skipped. A random prefix keeps
    numbers distinct across tests sharing a simulator.
    """
    prefix = f"+336{uuid.uuid4().int % 10**3:03d}"
    width = 5 - len(ending)
    numbers = (f"{prefix}{i:0{width}d}{ending}" for i in range(10**width))
    if not ending:
        numbers = (n for n in numbers if not n.endswith(("13", "99")))
    return [next(numbers) for _ in range(count)]
