"""Every Prometheus metric of SMS Hub, in one place, and this worker's poller watch.

Served by ``http.py`` at ``/_metrics`` (only when ``METRICS_TOKEN`` is set,
behind that bearer token). Labels never carry a key, a token or a phone
number: a centre is named by its slug, a Sarbacane call by its operation
(method and path with the ids replaced by ``{id}``) and its outcome code.

Several workers: one port serves them all, so a scrape reaches one worker at
random. With ``PROMETHEUS_MULTIPROC_DIR`` set (an empty directory, cleared
before the app starts, the same for every worker), ``prometheus_client``
writes each worker's values there and a scrape sums them (gauges: the
connected tabs are summed over live workers, the poller's last cycle end is
the latest of any worker). Without it, each worker exposes only its own
values (fine with ``WORKERS=1``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

#: Read by prometheus_client itself (before it is imported); here to choose
#: how a scrape gathers the workers' values.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()


POLLER_CYCLE_SECONDS = Histogram(
    "sms_hub_poller_cycle_seconds",
    "Duration of one status-poller cycle of the leader (read every centre, write).",
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60),
)
POLLER_LAST_CYCLE_END = Gauge(
    "sms_hub_poller_last_cycle_end_timestamp_seconds",
    "Unix time at which the poller's leader last finished a cycle.",
    multiprocess_mode="max",
)
POLLER_LEADER = Gauge(
    "sms_hub_poller_leader",
    "1 when this worker holds the poller's lease (summed: how many leaders).",
    multiprocess_mode="livesum",
)
LEADER_CHANGES = Counter(
    "sms_hub_poller_leader_changes_total",
    "Times a worker became or stopped being the poller's leader.",
    ["change"],  # gained, lost
)
SARBACANE_CALLS = Counter(
    "sms_hub_sarbacane_calls_total",
    "HTTP calls to Sarbacane, by operation and outcome code (ok, Sarbacane's "
    "error code, HTTP status, or the transport failure).",
    ["operation", "outcome"],
)
CENTRE_FAILURES = Counter(
    "sms_hub_centre_failures_total",
    "Failures of one centre: its poll read (source=poll) or a user action "
    "refused by Sarbacane (source=action).",
    ["centre", "source"],
)
PUSH_BATCHES = Counter(
    "sms_hub_push_batches_total", "Batches of recipients pushed to Sarbacane."
)
RECIPIENTS_PUSHED = Counter(
    "sms_hub_recipients_pushed_total", "Recipients pushed to Sarbacane."
)
IMPORTS = Counter(
    "sms_hub_imports_total",
    "Contact-list CSV imports, by outcome (done, refused).",
    ["outcome"],
)
IMPORT_ROWS = Counter(
    "sms_hub_import_rows_total",
    "Rows of contact-list imports: accepted, or rejected (invalid, duplicate…).",
    ["result"],
)
DOWNLOADS = Counter(
    "sms_hub_downloads_total", "Files downloaded through a signed link.", ["kind"]
)
CONNECTED_TABS = Gauge(
    "sms_hub_connected_tabs",
    "Browser tabs connected to this worker (summed over live workers).",
    multiprocess_mode="livesum",
)
#: Exposed at scrape time, computed from the last cycle end.
LAG_NAME = "sms_hub_poller_lag_seconds"


# -- this worker's poller ------------------------------------------------------


@dataclass
class PollerWatch:
    """What this worker's poller did last: leader or not, when its last cycle
    ended (wall clock), its interval. ``clock`` is injectable (tests)."""

    clock: Callable[[], float] = time.time
    interval: float = 0.0
    leader: bool = False
    leader_since: float | None = None
    last_cycle_end: float | None = None
    _timer: float = field(default=0.0, repr=False)

    def poller_started(self, interval: float) -> None:
        self.interval = interval

    def leadership(self, held: bool) -> None:
        if held != self.leader:
            LEADER_CHANGES.labels("gained" if held else "lost").inc()
            POLLER_LEADER.set(1 if held else 0)
            self.leader_since = self.clock() if held else None
        self.leader = held

    def cycle_started(self) -> None:
        self._timer = time.monotonic()

    def cycle_ended(self) -> None:
        POLLER_CYCLE_SECONDS.observe(time.monotonic() - self._timer)
        self.last_cycle_end = self.clock()
        POLLER_LAST_CYCLE_END.set(self.last_cycle_end)

    def health(self) -> tuple[bool, dict]:
        """(healthy, what to say): a leader whose last cycle (or, before any,
        the moment it became leader) is older than three intervals is stuck."""
        now = self.clock()
        body: dict = {
            "poller_leader": self.leader,
            "poll_interval_seconds": self.interval,
            "last_cycle_end": _iso(self.last_cycle_end),
        }
        if not self.leader:
            return True, body
        moments = [m for m in (self.last_cycle_end, self.leader_since) if m]
        since = max(moments) if moments else None
        silent = None if since is None else now - since
        body["seconds_since_last_cycle"] = None if silent is None else round(silent, 3)
        if silent is not None and silent > 3 * self.interval:
            body["reason"] = (
                f"this worker leads the poller but finished no cycle for "
                f"{silent:.0f} s (more than 3 × {self.interval:g} s)"
            )
            return False, body
        return True, body


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


POLLER = PollerWatch()


# -- Sarbacane calls -----------------------------------------------------------

#: Path words that are no ids (``/campaigns/sms``, ``/blacklists/{id}/…``).
_WORDS = {"sms", "recipients", "send", "cancel", "blacklists", "unsubscribers"}


def operation(method: str, path: str) -> str:
    """``GET /campaigns/{id}/recipients``: the path's ids replaced (every
    second segment that is not a known word)."""
    parts = [p for p in path.split("?")[0].split("/") if p]
    named = [p if i % 2 == 0 or p in _WORDS else "{id}" for i, p in enumerate(parts)]
    return f"{method.upper()} /{'/'.join(named)}"


def sarbacane_call(method: str, path: str, outcome: str) -> None:
    SARBACANE_CALLS.labels(operation(method, path), outcome or "error").inc()


def centre_failed(centre_slug: str, source: str) -> None:
    CENTRE_FAILURES.labels(centre_slug or "unknown", source).inc()


# -- the scrape ------------------------------------------------------------------


class _Lag(Collector):
    """``sms_hub_poller_lag_seconds``: now minus the latest cycle end (of any
    worker in multiprocess mode); absent until a cycle has ended."""

    def __init__(self, last_end: Callable[[], float | None], clock) -> None:
        self.last_end = last_end
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        last = self.last_end()
        if last:
            yield GaugeMetricFamily(
                LAG_NAME,
                "Seconds since the poller's leader last finished a cycle.",
                value=max(0.0, self.clock() - last),
            )


def _multiprocess_registry(directory: str) -> CollectorRegistry:
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    collector = multiprocess.MultiProcessCollector(registry, path=directory)

    def last_end() -> float | None:
        for family in collector.collect():
            if family.name == POLLER_LAST_CYCLE_END._name:
                values = [s.value for s in family.samples]
                return max(values) if values else None
        return None

    registry.register(_Lag(last_end, lambda: POLLER.clock()))
    return registry


_LAG = _Lag(lambda: POLLER.last_cycle_end, lambda: POLLER.clock())
REGISTRY.register(_LAG)


def worker_stopped() -> None:
    """In multiprocess mode, this worker's live gauges stop counting."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), multiprocess_dir())


def scrape() -> tuple[bytes, str]:
    """The exposition text (this worker's, or every worker's in multiprocess
    mode) and its content type."""
    directory = multiprocess_dir()
    registry = _multiprocess_registry(directory) if directory else REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
