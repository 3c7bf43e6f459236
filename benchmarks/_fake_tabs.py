"""Simulated browser tabs: Reflex websocket clients, many on one asyncio loop.

A tab is reduced to what the page does on the wire, reduced to Engine.IO /
Socket.IO over a websocket (``wsproto`` on asyncio streams, so hundreds of
tabs cost one thread): it connects with its own token and the page's boot
event (``hydrate_and_load``, recorded from a real tab: hydrate, then the
campaigns page's ``on_load``, which signs the tab in to the demo centre and
links it to the centre's live feed), answers the server's pings, and, like
the page's hidden element keyed by the feed's version, sends
``CampaignsState.follow_changes`` each time a new version is pushed. It
records when each version arrived and when each campaign's status label
first showed up in its rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

EVENT_PREFIX = "42/_event,"
CONNECT_PREFIX = "40/_event,"
_ROUTER = {"pathname": "/", "asPath": "/"}


def state_names() -> tuple[str, str, str]:
    """Full names of the campaigns page's state, the launch modal's and the feed's."""
    from sms_hub.pages.campaigns.launch_modal import LaunchState
    from sms_hub.pages.campaigns.state import CampaignsState
    from sms_hub.state.live import CentreFeed

    return (
        CampaignsState.get_full_name(),
        LaunchState.get_full_name(),
        CentreFeed.get_full_name(),
    )


def event_frame(name: str, payload: dict[str, Any] | None = None) -> str:
    """A Socket.IO frame carrying one event of the page, as the frontend sends it."""
    event: dict[str, Any] = {"name": name, "router_data": _ROUTER}
    if payload is not None:
        event["payload"] = payload
    return EVENT_PREFIX + json.dumps(["event", event], ensure_ascii=False)


def is_load_script(event: object) -> bool:
    """Whether a server event asks the tab to run the page's load script."""
    if not isinstance(event, dict) or not str(event.get("name", "")).endswith(
        "call_script"
    ):
        return False
    return "sms-hub:ready" in json.dumps(event.get("payload"))


def load_frame(campaigns_state: str, token: str = "") -> str:
    """The campaigns page's on_load with what its load script found: the
    portal's launch token (empty outside the portal's frame)."""
    return event_frame(
        f"{campaigns_state}.on_load", {"launch": {"token": token, "address": False}}
    )


class WebSocket:
    """A minimal asyncio websocket client (text frames, ping answers)."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.reader, self.writer = reader, writer
        self.connection = WSConnection(ConnectionType.CLIENT)
        self._parts: list[str] = []
        self._ready: list[str] = []

    @classmethod
    async def connect(
        cls, host: str, port: int, target: str, subprotocol: str
    ) -> WebSocket:
        reader, writer = await asyncio.open_connection(host, port)
        ws = cls(reader, writer)
        writer.write(
            ws.connection.send(
                Request(
                    host=f"{host}:{port}", target=target, subprotocols=[subprotocol]
                )
            )
        )
        while True:
            data = await reader.read(65536)
            if not data:
                raise ConnectionError("closed during the handshake")
            ws.connection.receive_data(data)
            for event in ws.connection.events():
                if isinstance(event, AcceptConnection):
                    return ws
                if isinstance(event, RejectConnection):
                    raise ConnectionError(f"refused: {event.status_code}")
                ws._take(event)

    def _take(self, event: object) -> None:
        if isinstance(event, TextMessage):
            self._parts.append(event.data)
            if event.message_finished:
                self._ready.append("".join(self._parts))
                self._parts.clear()
        elif isinstance(event, Ping):
            self.writer.write(self.connection.send(event.response()))
        elif isinstance(event, CloseConnection):
            raise ConnectionError("closed by the server")

    async def send(self, text: str) -> None:
        self.writer.write(self.connection.send(Message(data=text)))
        await self.writer.drain()

    async def receive(self) -> str:
        while not self._ready:
            data = await self.reader.read(65536)
            if not data:
                raise ConnectionError("closed by the server")
            self.connection.receive_data(data)
            for event in self.connection.events():
                self._take(event)
        return self._ready.pop(0)

    def close(self) -> None:
        self.writer.close()


@dataclass
class FakeTab:
    """One simulated tab of the campaigns page."""

    port: int
    connect_frame: str
    follow_frame: str
    campaigns_state: str
    feed_state: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    hydrated: asyncio.Event = field(default_factory=asyncio.Event)
    #: (arrival time, version) of every version of the feed pushed to the tab.
    pushes: list[tuple[float, int]] = field(default_factory=list)
    #: (campaign name, status label) -> when the tab first received it.
    statuses: dict[tuple[str, str], float] = field(default_factory=dict)
    #: The latest value the tab received of each (state, var).
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    reloads: int = 0
    frames_in: int = 0
    error: str | None = None
    #: The portal's launch token the page's load script hands to on_load.
    launch_token: str = ""
    _ws: WebSocket | None = None
    _version: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        target = f"/_event/?token={self.token}&EIO=4&transport=websocket"
        try:
            self._ws = await WebSocket.connect(
                "127.0.0.1", self.port, target, version("reflex")
            )
            await self._ws.send(self.connect_frame)
            receiving = asyncio.ensure_future(self._receive_all())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {receiving, stopping}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in (receiving, stopping):
                task.cancel()
            if receiving.done() and not receiving.cancelled():
                receiving.result()
        except Exception as error:  # reported in the summary, never fatal
            self.error = repr(error)
        finally:
            if self._ws is not None:
                self._ws.close()

    async def send(self, frame: str) -> None:
        assert self._ws is not None
        await self._ws.send(frame)

    async def _receive_all(self) -> None:
        assert self._ws is not None
        while True:
            message = await self._ws.receive()
            if message == "2":
                await self._ws.send("3")
            elif message.startswith(EVENT_PREFIX):
                self.frames_in += 1
                await self._on_update(time.time(), message)

    async def _on_update(self, at: float, message: str) -> None:
        _kind, update = json.loads(message.removeprefix(EVENT_PREFIX))
        if any(is_load_script(event) for event in update.get("events") or []):
            # The page's load script answers on_load with the launch token the
            # portal's frame handed over (none outside a frame).
            await self.send(load_frame(self.campaigns_state, self.launch_token))
        delta = update.get("delta") or {}
        for state, changed in delta.items():
            for var, value in changed.items():
                self.values[(state, var.removesuffix("_rx_state_"))] = value
        rows = (delta.get(self.campaigns_state) or {}).get("rows_rx_state_")
        if rows is not None:
            self.reloads += 1
            for row in rows:
                self.statuses.setdefault((row["name"], row["status_label"]), at)
            # The page's on_load links the tab to its feed before it loads rows.
            self.hydrated.set()
        feed = (delta.get(self.feed_state) or {}).get("version_rx_state_")
        if feed is None or feed == self._version:
            return
        first, self._version = self._version is None, feed
        if first or not self.hydrated.is_set():
            return  # the version the tab starts from
        self.pushes.append((at, feed))
        # The page remounts the element keyed by the version: it reloads.
        await self.send(self.follow_frame)

    async def wait_for(
        self, state: str, var: str, value: Any, limit_s: float = 10
    ) -> bool:
        """Wait until the tab holds ``value`` for ``state.var``; False on timeout."""
        deadline = time.monotonic() + limit_s
        while self.values.get((state, var)) != value:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    def push_after(self, moment: float) -> tuple[float, int] | None:
        """The first version pushed at or after ``moment``."""
        for at, number in self.pushes:
            if at >= moment:
                return at, number
        return None


class TabFleet:
    """Simulated tabs on an event loop of their own (one thread for all)."""

    def __init__(self, port: int, connect_frame: str, follow_frame: str) -> None:
        import threading

        self.port = port
        self.connect_frame, self.follow_frame = connect_frame, follow_frame
        self.campaigns_state, self.launch_state, self.feed_state = state_names()
        self.tabs: list[FakeTab] = []
        self._tasks: list[asyncio.Future] = []
        self.loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def open(
        self,
        count: int,
        in_flight: int = 8,
        limit_s: float = 90,
        launch_tokens: list[str] | None = None,
    ) -> float:
        """Open ``count`` more tabs, at most ``in_flight`` hydrating at once;
        tab i signs in with ``launch_tokens[i]`` when given (the portal's).

        Returns the seconds it took; gives up waiting after ``limit_s``.
        """
        tokens = iter(launch_tokens or [])

        async def opening() -> None:
            gate = asyncio.Semaphore(in_flight)
            deadline = time.monotonic() + limit_s

            async def one() -> None:
                async with gate:
                    tab = FakeTab(
                        self.port,
                        self.connect_frame,
                        self.follow_frame,
                        self.campaigns_state,
                        self.feed_state,
                        launch_token=next(tokens, ""),
                    )
                    self.tabs.append(tab)
                    self._tasks.append(asyncio.ensure_future(tab.run(self._stop)))
                    left = deadline - time.monotonic()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(tab.hydrated.wait(), max(0.1, left))

            await asyncio.gather(*(one() for _ in range(count)))

        started = time.monotonic()
        self.run(opening(), timeout=limit_s + 30)
        return time.monotonic() - started

    def frames(self) -> int:
        """Updates the tabs received so far."""
        return sum(tab.frames_in for tab in self.tabs)

    def wait_quiet(
        self, quiet_s: float = 2.0, limit_s: float = 120
    ) -> tuple[float, int]:
        """Wait until no update reaches any tab for ``quiet_s`` (at most ``limit_s``).

        Linking a tab to its centre's feed sends an update to every tab
        already linked (Reflex's shared state fan-out), so opening n tabs of
        one centre costs about n²/2 updates, served after the tabs hydrated.
        Returns the seconds waited and the updates received meanwhile.
        """
        started, first = time.monotonic(), self.frames()
        last, last_change = first, started
        while time.monotonic() - started < limit_s:
            time.sleep(0.25)
            now = self.frames()
            if now != last:
                last, last_change = now, time.monotonic()
            elif time.monotonic() - last_change >= quiet_s:
                break
        return time.monotonic() - started, last - first

    @property
    def hydrated(self) -> int:
        return sum(tab.hydrated.is_set() for tab in self.tabs)

    @property
    def errors(self) -> list[str]:
        return [tab.error for tab in self.tabs if tab.error]

    def pushes(self) -> int:
        return sum(len(tab.pushes) for tab in self.tabs)

    def reloads(self) -> int:
        return sum(tab.reloads for tab in self.tabs)

    async def launching(self, tab: FakeTab, campaign_id: int, name: str) -> float:
        """Launch a campaign as the user of ``tab`` would; when "Lancer" was sent.

        The launch modal's ``open_launch``, then, once the modal is open, its
        ``confirm_launch``: the handler bumps the centre's feed when done.
        Runs on the fleet's loop.
        """
        tab.values.pop((self.launch_state, "launch_open"), None)
        await tab.send(
            event_frame(
                f"{self.launch_state}.open_launch",
                {"campaign_id": campaign_id, "name": name},
            )
        )
        await tab.wait_for(self.launch_state, "launch_open", True)
        sent = time.time()
        await tab.send(event_frame(f"{self.launch_state}.confirm_launch", {}))
        return sent

    def close(self) -> None:
        async def closing() -> None:
            self._stop.set()
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=10)

        try:
            self.run(closing(), timeout=20)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)
