"""Test knobs: the runtime behaviour (``/_admin/faults``) and request counts
(``/_admin/stats``), stored so that every worker process agrees."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sms_hub.sarbacane.simulator._db import Database
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.settings import SIMULATOR_RESPONSE_STYLES, SimulatorSettings


@dataclass(frozen=True)
class Knobs:
    """Behaviour that can change at runtime (``POST /_admin/faults``).

    The ``*_next`` and ``drop_response_after_commit`` fields count upcoming
    API requests (writes, for the latter) that get that fault; when
    ``fault_route`` is set (e.g. ``"POST /v1/campaigns/{campaign_id}/send"``)
    only requests of that route consume them. ``response_style`` picks the
    shapes of the answers (see ``_shapes``).
    """

    latency_ms: int = 0
    error_rate: float = 0.0
    lock_error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    force_unauthorized: bool = False
    moderation_seconds: float = 3.0
    recipients_per_second: float = 50.0
    clock_offset_seconds: float = 0.0
    drop_response_after_commit: int = 0
    error_next: int = 0
    lock_error_next: int = 0
    rate_limit_next: int = 0
    unreachable_next: int = 0
    fault_route: str = ""
    response_style: str = SIMULATOR_RESPONSE_STYLES[0]

    def counts_for(self, route: str) -> bool:
        """Whether the counting faults apply to a request of ``route``."""
        return not self.fault_route or self.fault_route == route

    @classmethod
    def from_settings(cls, settings: SimulatorSettings) -> Knobs:
        return cls(
            latency_ms=settings.latency_ms,
            error_rate=settings.error_rate,
            lock_error_rate=settings.lock_error_rate,
            rate_limit_rate=settings.rate_limit_rate,
            force_unauthorized=settings.force_unauthorized,
            moderation_seconds=settings.moderation_seconds,
            recipients_per_second=settings.recipients_per_second,
            response_style=settings.response_style,
        )

    def now(self) -> float:
        """The simulated clock (real time plus ``clock_offset_seconds``)."""
        return time.time() + self.clock_offset_seconds


#: Knobs whose value counts down as requests consume it (checked in this order).
NEXT_FAULTS = ("unreachable_next", "rate_limit_next", "lock_error_next", "error_next")
_KNOB_TYPES = {f.name: f.type for f in fields(Knobs)}


def _coerce_knob(name: str, value: Any) -> Any:
    kind = _KNOB_TYPES.get(name)
    if kind is None:
        raise ApiError(400, f"UNKNOWN_KNOB: {name}")
    if name == "response_style" and value not in SIMULATOR_RESPONSE_STYLES:
        raise ApiError(400, f"INVALID_KNOB: {name}")
    try:
        if kind == "str":
            return str(value)
        if kind == "bool":
            return (
                value
                if isinstance(value, bool)
                else str(value).lower() in {"1", "true"}
            )
        return int(value) if kind == "int" else float(value)
    except (TypeError, ValueError) as error:
        raise ApiError(400, f"INVALID_KNOB: {name}") from error


def knobs_payload(knobs: Knobs) -> dict[str, Any]:
    return asdict(knobs)


class KnobsAndStats(Database):
    """The knobs (settings overridden at runtime) and the request counters."""

    def _overrides(self, db: sqlite3.Connection) -> dict[str, Any]:
        return {
            row["name"]: json.loads(row["value"])
            for row in db.execute("SELECT * FROM knobs")
        }

    def knobs(self) -> Knobs:
        with self._read() as db:
            return self._knobs(db)

    def _knobs(self, db: sqlite3.Connection) -> Knobs:
        base = Knobs.from_settings(self.settings)
        overrides = {k: v for k, v in self._overrides(db).items() if k in _KNOB_TYPES}
        return replace(base, **overrides)

    def set_knobs(self, values: dict[str, Any]) -> Knobs:
        coerced = {name: _coerce_knob(name, value) for name, value in values.items()}
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO knobs (name, value) VALUES (?, ?)",
                [(name, json.dumps(value)) for name, value in coerced.items()],
            )
            return self._knobs(db)

    def reset_knobs(self) -> Knobs:
        with self._write() as db:
            db.execute("DELETE FROM knobs")
            return self._knobs(db)

    def begin_request(self, route: str) -> Knobs:
        """Count a request to ``route``; the knobs it runs under."""
        with self._write() as db:
            db.execute(
                "INSERT INTO stats (route, count) VALUES (?, 1)"
                " ON CONFLICT (route) DO UPDATE SET count = count + 1",
                (route,),
            )
            return self._knobs(db)

    def take_counter(self, name: str) -> bool:
        """Consume one unit of a counting knob; whether there was one."""
        with self._write() as db:
            knobs = self._knobs(db)
            left = getattr(knobs, name)
            if left <= 0:
                return False
            db.execute(
                "INSERT OR REPLACE INTO knobs (name, value) VALUES (?, ?)",
                (name, json.dumps(left - 1)),
            )
            return True

    def stats(self) -> dict[str, int]:
        with self._read() as db:
            return {
                row["route"]: row["count"] for row in db.execute("SELECT * FROM stats")
            }

    def reset_stats(self) -> None:
        with self._write() as db:
            db.execute("DELETE FROM stats")
