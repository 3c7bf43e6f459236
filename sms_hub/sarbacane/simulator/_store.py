"""The simulator's storage: one SQLite file, shared by every worker process.

Nothing that matters lives in memory: campaigns, recipients, sends,
exclusion lists, runtime knobs, request counters and per-campaign write
locks are rows, so the simulator survives a restart and several workers
agree. Every call opens its own short connection (SQLite connections are
cheap and must not cross threads).
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sms_hub.sarbacane.simulator._rules import (
    Outcome,
    Send,
    campaign_state,
    outcome,
    progress,
    sms_parts,
)
from sms_hub.settings import SimulatorSettings

DEFAULT_BLACKLIST = "DEFAULT_BLACKLIST"
DEFAULT_BOUNCELIST = "DEFAULT_BOUNCELIST"
ENTRY_KINDS = ("unsubscribers", "bounces", "complaints")
SMS_KINDS = ("SMS_MARKETING", "SMS_NOTIFICATION")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$")
_LOCK_SECONDS = 30.0

#: (id, name, [(kind, email, phone)]) seeded on first start.
SEED_BLACKLISTS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        DEFAULT_BLACKLIST,
        "Désinscrits STOP",
        (
            ("unsubscribers", "", "+33600000999"),
            ("unsubscribers", "desinscrit@example.fr", ""),
        ),
    ),
    (DEFAULT_BOUNCELIST, "Adresses en erreur", (("bounces", "", "+33600000913"),)),
    (
        "anciens-stagiaires",
        "Anciens stagiaires opposés",
        (
            ("unsubscribers", "", "+33600000201"),
            ("unsubscribers", "", "+33600000202"),
            ("unsubscribers", "ancien.stagiaire@example.fr", ""),
        ),
    ),
    (
        "salaries-centre",
        "Salariés du centre",
        (
            ("unsubscribers", "", "+33600000301"),
            ("unsubscribers", "", "+33600000302"),
            ("unsubscribers", "", "+33600000303"),
        ),
    ),
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, sms_from TEXT,
    content TEXT NOT NULL, created REAL NOT NULL, edited REAL NOT NULL);
CREATE INDEX IF NOT EXISTS campaigns_created ON campaigns (created);
CREATE TABLE IF NOT EXISTS recipients (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS recipients_campaign ON recipients (campaign_id, id);
CREATE INDEX IF NOT EXISTS recipients_phone ON recipients (campaign_id, phone);
CREATE TABLE IF NOT EXISTS sends (
    id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, created REAL NOT NULL,
    start_at REAL NOT NULL, requested_send_date TEXT, moderation_seconds REAL NOT NULL,
    recipients_per_second REAL NOT NULL, total INTEGER NOT NULL, parts INTEGER NOT NULL,
    cancelled_at REAL, settled INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS sends_campaign ON sends (campaign_id, created);
CREATE TABLE IF NOT EXISTS send_recipients (
    send_id TEXT NOT NULL, seq INTEGER NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL,
    PRIMARY KEY (send_id, seq));
CREATE TABLE IF NOT EXISTS blacklists (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blacklist_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, blacklist_id TEXT NOT NULL, kind TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '', created REAL NOT NULL,
    UNIQUE (blacklist_id, kind, email, phone));
CREATE INDEX IF NOT EXISTS entries_phone ON blacklist_entries (phone);
CREATE INDEX IF NOT EXISTS entries_email ON blacklist_entries (email);
CREATE TABLE IF NOT EXISTS campaign_blacklists (
    campaign_id TEXT NOT NULL, blacklist_id TEXT NOT NULL,
    PRIMARY KEY (campaign_id, blacklist_id));
CREATE TABLE IF NOT EXISTS knobs (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stats (route TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS locks (
    campaign_id TEXT PRIMARY KEY, token TEXT NOT NULL, expires REAL NOT NULL);
"""

#: Every campaign with the columns of its latest send (``send_*``, all NULL
#: when it was never sent). The latest is the last in ``(created, rowid)``
#: order, as in ``Store._sends``; the correlated subquery reads it from the
#: end of the ``sends_campaign`` index, so each campaign costs one lookup.
_LATEST_SENDS = """
SELECT c.id, c.name, c.kind, c.created, c.edited,
    s.id AS send_id, s.campaign_id AS send_campaign_id, s.created AS send_created,
    s.start_at AS send_start_at, s.requested_send_date AS send_requested_send_date,
    s.moderation_seconds AS send_moderation_seconds,
    s.recipients_per_second AS send_recipients_per_second, s.total AS send_total,
    s.parts AS send_parts, s.cancelled_at AS send_cancelled_at
FROM campaigns c LEFT JOIN sends s ON s.rowid = (
    SELECT rowid FROM sends WHERE campaign_id = c.id
    ORDER BY created DESC, rowid DESC LIMIT 1)"""

_SENDING = "s.id IS NOT NULL AND s.cancelled_at IS NULL"
_ROUTING_START = "(s.start_at + s.moderation_seconds)"
_ROUTING_END = f"({_ROUTING_START} + s.total / s.recipients_per_second)"

#: For each state a campaign can report, a condition on ``_LATEST_SENDS``
#: met by every campaign in that state at ``:now`` (the timeline of
#: ``_rules``, each bound widened by ``:slack`` seconds so that rounding never
#: leaves one out). It only spares ``list_campaigns`` the campaigns that
#: cannot be in the state (the finished ones, when the poller asks for
#: ``ROUTING``); ``campaign_state`` decides for the others.
_MAY_BE_IN = {
    "DRAFT": "s.id IS NULL OR s.cancelled_at IS NOT NULL OR s.start_at > :now - :slack",
    "MODERATION": f"{_SENDING} AND s.start_at < :now + :slack"
    f" AND (s.parts = 0 OR {_ROUTING_START} > :now - :slack)",
    "ROUTING": f"{_SENDING} AND s.parts != 0 AND {_ROUTING_START} < :now + :slack"
    f" AND {_ROUTING_END} > :now - :slack",
    "FINISH": f"{_SENDING} AND s.parts != 0 AND {_ROUTING_END} < :now + :slack",
}
_SLACK_SECONDS = 1.0


class ApiError(Exception):
    """An answer Sarbacane would give instead of doing the request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Knobs:
    """Behaviour that can change at runtime (``POST /_admin/faults``).

    The ``*_next`` and ``drop_response_after_commit`` fields count upcoming
    API requests (writes, for the latter) that get that fault; when
    ``fault_route`` is set (e.g. ``"POST /v1/campaigns/{campaign_id}/send"``)
    only requests of that route consume them.
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


class Store:
    """All reads and writes of the simulated Sarbacane account."""

    def __init__(self, settings: SimulatorSettings) -> None:
        self.settings = settings
        self.path = Path(settings.db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        with self._write() as db:
            self._seed(db)

    # -- plumbing ------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("ROLLBACK")

    def _seed(self, db: sqlite3.Connection) -> None:
        now = time.time()
        for blacklist_id, name, entries in SEED_BLACKLISTS:
            inserted = db.execute(
                "INSERT OR IGNORE INTO blacklists (id, name) VALUES (?, ?)",
                (blacklist_id, name),
            ).rowcount
            if inserted:
                db.executemany(
                    "INSERT OR IGNORE INTO blacklist_entries"
                    " (blacklist_id, kind, email, phone, created) VALUES (?, ?, ?, ?, ?)",
                    [
                        (blacklist_id, kind, email, phone, now)
                        for kind, email, phone in entries
                    ],
                )

    # -- knobs, stats, locks -------------------------------------------------

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

    def acquire_lock(self, campaign_id: str) -> str | None:
        """A token if nobody else is writing this campaign, else ``None``."""
        now = time.time()
        token = secrets.token_hex(8)
        with self._write() as db:
            row = db.execute(
                "SELECT expires FROM locks WHERE campaign_id = ?", (campaign_id,)
            ).fetchone()
            if row is not None and row["expires"] > now:
                return None
            db.execute(
                "INSERT OR REPLACE INTO locks (campaign_id, token, expires) VALUES (?, ?, ?)",
                (campaign_id, token, now + _LOCK_SECONDS),
            )
        return token

    def release_lock(self, campaign_id: str, token: str) -> None:
        with self._write() as db:
            db.execute(
                "DELETE FROM locks WHERE campaign_id = ? AND token = ?",
                (campaign_id, token),
            )

    # -- campaigns -----------------------------------------------------------

    def create_campaign(
        self, *, name: str, kind: str, sms_from: str | None, content: str, now: float
    ) -> dict[str, Any]:
        if not name.strip():
            raise ApiError(400, "NAME_REQUIRED")
        if kind not in SMS_KINDS:
            raise ApiError(400, f"INVALID_KIND: {kind}")
        if sms_from and not _SENDER.match(sms_from):
            raise ApiError(400, f"INVALID_SMS_FROM: {sms_from}")
        campaign_id = secrets.token_urlsafe(15).replace("-", "x").replace("_", "y")
        with self._write() as db:
            db.execute(
                "INSERT INTO campaigns (id, name, kind, sms_from, content, created, edited)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (campaign_id, name, kind, sms_from or None, content, now, now),
            )
        return {"id": campaign_id, "name": name}

    def _campaign_row(self, db: sqlite3.Connection, campaign_id: str) -> sqlite3.Row:
        row = db.execute(
            "SELECT * FROM campaigns WHERE id = ?", (campaign_id,)
        ).fetchone()
        if row is None:
            raise ApiError(404, "Campaign not found")
        return row

    def _sends(self, db: sqlite3.Connection, campaign_id: str) -> list[Send]:
        rows = db.execute(
            "SELECT * FROM sends WHERE campaign_id = ? ORDER BY created, rowid",
            (campaign_id,),
        )
        return [_send(row) for row in rows]

    def _recipient_count(self, db: sqlite3.Connection, campaign_id: str) -> int:
        return db.execute(
            "SELECT COUNT(*) FROM recipients WHERE campaign_id = ?", (campaign_id,)
        ).fetchone()[0]

    def _view(
        self, db: sqlite3.Connection, row: sqlite3.Row, now: float
    ) -> dict[str, Any]:
        sends = self._sends(db, row["id"])
        last = sends[-1] if sends else None
        state = campaign_state(last, now)
        done = progress(last, now) if last else None
        count = self._recipient_count(db, row["id"])
        distinct = db.execute(
            "SELECT COUNT(DISTINCT phone) FROM recipients WHERE campaign_id = ?",
            (row["id"],),
        ).fetchone()[0]
        blacklists = [
            r["blacklist_id"]
            for r in db.execute(
                "SELECT blacklist_id FROM campaign_blacklists WHERE campaign_id = ?"
                " ORDER BY blacklist_id",
                (row["id"],),
            )
        ]
        finished_at = None
        if last and done and done.phase == "FINISH" and last.cancelled_at is None:
            finished_at = last.processed_at(last.total - 1)
        return {
            "id": row["id"],
            "name": row["name"],
            "kind": row["kind"],
            "smsFrom": row["sms_from"],
            "content": row["content"],
            "state": state,
            "created": iso(row["created"]),
            "edited": iso(row["edited"]),
            "sends": [send.id for send in sends],
            "blacklists": blacklists,
            "sentDate": iso(last.start_at) if last and state != "DRAFT" else None,
            "finishedDate": iso(finished_at),
            "count": count,
            "recipientCount": count,
            "duplicateCount": count - distinct,
            "processedCount": done.processed if done else 0,
            "requestedSendDate": last.requested_send_date if last else None,
            "cancelled": bool(last and last.cancelled_at is not None),
        }

    def campaign(self, campaign_id: str, now: float) -> dict[str, Any]:
        with self._read() as db:
            return self._view(db, self._campaign_row(db, campaign_id), now)

    def list_campaigns(
        self,
        *,
        search: str | None,
        state: str | None,
        offset: int,
        limit: int,
        now: float,
    ) -> list[dict[str, Any]]:
        """A page of campaign summaries, newest first, by name and ``state``.

        The status poller asks for this every second or two, so it costs two
        queries whatever the number of campaigns: the matching campaigns with
        their latest send (``_LATEST_SENDS``, narrowed to those that may be in
        ``state`` by ``_MAY_BE_IN``), read until the page is full, then the
        recipient counts of the page alone. The state depends on the clock,
        so it is derived in Python from the latest send by the timeline
        rules, one row per campaign.
        """
        wanted = state.upper() if state else None
        if wanted is not None and wanted not in _MAY_BE_IN:
            return []  # a state no campaign ever reports
        conditions: list[str] = []
        params: dict[str, Any] = {"now": now, "slack": _SLACK_SECONDS}
        if search:
            escaped = (
                search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            conditions.append("c.name LIKE :search ESCAPE '\\'")
            params["search"] = f"%{escaped}%"
        if wanted is not None:
            conditions.append(f"({_MAY_BE_IN[wanted]})")
        query = _LATEST_SENDS
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        query += " ORDER BY c.created DESC, c.rowid DESC"
        skip = offset
        if wanted is None:  # nothing to filter after SQL: it cuts the page
            query += " LIMIT :limit OFFSET :offset"
            params.update(limit=limit, offset=offset)
            skip = 0
        with self._read() as db:
            rows = db.execute(query, params)
            found = ((row, _current_state(row, now)) for row in rows)
            matching = (
                (row, current)
                for row, current in found
                if wanted is None or current == wanted
            )
            page = list(islice(matching, skip, skip + limit))
            rows.close()
            counts: dict[str, int] = {}
            if page:
                counts.update(
                    db.execute(
                        "SELECT campaign_id, COUNT(*) FROM recipients"
                        " WHERE campaign_id IN (SELECT value FROM json_each(?))"
                        " GROUP BY campaign_id",
                        (json.dumps([row["id"] for row, _ in page]),),
                    ).fetchall()
                )
        return [
            {
                "id": row["id"],
                "name": row["name"],
                "kind": row["kind"],
                "state": current,
                "created": iso(row["created"]),
                "edited": iso(row["edited"]),
                "count": counts.get(row["id"], 0),
            }
            for row, current in page
        ]

    def _editable(self, db: sqlite3.Connection, campaign_id: str, now: float) -> None:
        sends = self._sends(db, campaign_id)
        if not sends or sends[-1].cancelled_at is not None:
            return
        if progress(sends[-1], now).phase == "FINISH":
            raise ApiError(400, "CAMPAIGN_ALREADY_SENT")
        raise ApiError(400, "CAMPAIGN_IS_SENDING")

    def delete_campaign(self, campaign_id: str, now: float) -> None:
        with self._write() as db:
            self._campaign_row(db, campaign_id)
            sends = self._sends(db, campaign_id)
            last = sends[-1] if sends else None
            if (
                last
                and last.cancelled_at is None
                and progress(last, now).phase != "FINISH"
            ):
                raise ApiError(400, "CAMPAIGN_IS_SENDING")
            for send in sends:
                db.execute("DELETE FROM send_recipients WHERE send_id = ?", (send.id,))
            # sends stay: the credits they used are not given back
            for table in ("recipients", "campaign_blacklists"):
                db.execute(f"DELETE FROM {table} WHERE campaign_id = ?", (campaign_id,))
            db.execute("DELETE FROM campaigns WHERE id = ?", (campaign_id,))

    # -- recipients ----------------------------------------------------------

    def add_recipients(
        self, campaign_id: str, items: Any, now: float
    ) -> list[dict[str, Any]]:
        if not isinstance(items, list):
            raise ApiError(400, "A JSON array of recipients is expected")
        rows = []
        for item in items:
            if not isinstance(item, dict):
                raise ApiError(400, "A JSON array of recipients is expected")
            phone = str(item.get("phone") or "").strip()
            if not _E164.match(phone):
                raise ApiError(400, f"INVALID_PHONE: {phone or '(vide)'}")
            rows.append((campaign_id, str(item.get("email") or ""), phone))
        with self._write() as db:
            self._campaign_row(db, campaign_id)
            self._editable(db, campaign_id, now)
            db.executemany(
                "INSERT INTO recipients (campaign_id, email, phone) VALUES (?, ?, ?)",
                rows,
            )
            db.execute(
                "UPDATE campaigns SET edited = ? WHERE id = ?", (now, campaign_id)
            )
        return items

    def list_recipients(
        self, campaign_id: str, *, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        with self._read() as db:
            self._campaign_row(db, campaign_id)
            rows = db.execute(
                "SELECT id, email, phone FROM recipients WHERE campaign_id = ?"
                " ORDER BY id LIMIT ? OFFSET ?",
                (campaign_id, limit, offset),
            ).fetchall()
        return [
            {"id": str(r["id"]), "email": r["email"] or None, "phone": r["phone"]}
            for r in rows
        ]

    # -- exclusion lists -----------------------------------------------------

    def _settle(self, db: sqlite3.Connection, now: float) -> None:
        """Write the STOP and bounce outcomes processed so far into the
        default exclusion lists (done lazily: there is no background task)."""
        rows = db.execute("SELECT * FROM sends WHERE settled < total").fetchall()
        for row in rows:
            send = _send(row)
            done = progress(send, now).processed
            if done <= row["settled"]:
                continue
            found = db.execute(
                "SELECT seq, email, phone FROM send_recipients WHERE send_id = ?"
                " AND seq >= ? AND seq < ? AND (phone LIKE '%13' OR phone LIKE '%99')",
                (send.id, row["settled"], done),
            ).fetchall()
            entries = []
            for r in found:
                if outcome(r["phone"]) is Outcome.STOP:
                    target = (DEFAULT_BLACKLIST, "unsubscribers")
                else:
                    target = (DEFAULT_BOUNCELIST, "bounces")
                entries.append(
                    (*target, r["email"], r["phone"], send.processed_at(r["seq"]))
                )
            db.executemany(
                "INSERT OR IGNORE INTO blacklist_entries"
                " (blacklist_id, kind, email, phone, created) VALUES (?, ?, ?, ?, ?)",
                entries,
            )
            db.execute("UPDATE sends SET settled = ? WHERE id = ?", (done, send.id))

    def blacklists(self, *, offset: int, limit: int) -> list[dict[str, Any]]:
        with self._read() as db:
            rows = db.execute(
                "SELECT id, name FROM blacklists ORDER BY rowid LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [{"id": r["id"], "name": r["name"]} for r in rows]

    def _blacklist(self, db: sqlite3.Connection, blacklist_id: str) -> None:
        if (
            db.execute(
                "SELECT 1 FROM blacklists WHERE id = ?", (blacklist_id,)
            ).fetchone()
            is None
        ):
            raise ApiError(404, "Blacklist not found")

    def blacklist_entries(
        self,
        blacklist_id: str,
        kind: str,
        *,
        email: str | None,
        phone: str | None,
        offset: int,
        limit: int,
        now: float,
    ) -> list[dict[str, Any]]:
        with self._write() as db:
            self._blacklist(db, blacklist_id)
            self._settle(db, now)
            query = (
                "SELECT * FROM blacklist_entries WHERE blacklist_id = ? AND kind = ?"
            )
            params: list[Any] = [blacklist_id, kind]
            if email:
                query += " AND email = ?"
                params.append(email)
            if phone:
                query += " AND phone = ?"
                params.append(phone)
            query += " ORDER BY id LIMIT ? OFFSET ?"
            rows = db.execute(query, [*params, limit, offset]).fetchall()
        return [
            {
                "email": r["email"] or None,
                "phone": r["phone"] or None,
                "created": iso(r["created"]),
            }
            for r in rows
        ]

    def add_blacklist_entry(
        self, blacklist_id: str, kind: str, *, email: str, phone: str, now: float
    ) -> None:
        if not email and not phone:
            raise ApiError(400, "EMAIL_OR_PHONE_REQUIRED")
        if phone and not _E164.match(phone):
            raise ApiError(400, f"INVALID_PHONE: {phone}")
        with self._write() as db:
            self._blacklist(db, blacklist_id)
            db.execute(
                "INSERT OR IGNORE INTO blacklist_entries"
                " (blacklist_id, kind, email, phone, created) VALUES (?, ?, ?, ?, ?)",
                (blacklist_id, kind, email, phone, now),
            )

    def assign_blacklists(
        self, campaign_id: str, blacklist_ids: Sequence[str], now: float
    ) -> None:
        with self._write() as db:
            self._campaign_row(db, campaign_id)
            self._editable(db, campaign_id, now)
            for blacklist_id in blacklist_ids:
                if (
                    db.execute(
                        "SELECT 1 FROM blacklists WHERE id = ?", (blacklist_id,)
                    ).fetchone()
                    is None
                ):
                    raise ApiError(400, f"UNKNOWN_BLACKLIST: {blacklist_id}")
            db.execute(
                "DELETE FROM campaign_blacklists WHERE campaign_id = ?", (campaign_id,)
            )
            db.executemany(
                "INSERT OR IGNORE INTO campaign_blacklists (campaign_id, blacklist_id)"
                " VALUES (?, ?)",
                [(campaign_id, blacklist_id) for blacklist_id in blacklist_ids],
            )
            db.execute(
                "UPDATE campaigns SET edited = ? WHERE id = ?", (now, campaign_id)
            )

    # -- sending -------------------------------------------------------------

    def send(
        self, campaign_id: str, *, requested: datetime | None, knobs: Knobs, now: float
    ) -> dict[str, Any]:
        """Launch (or schedule) a send of everyone not excluded, now."""
        with self._write() as db:
            campaign = self._campaign_row(db, campaign_id)
            self._editable(db, campaign_id, now)
            if self._recipient_count(db, campaign_id) == 0:
                raise ApiError(400, "NO_RECIPIENTS")
            self._settle(db, now)
            send_id = "snd" + secrets.token_hex(8)
            db.execute(
                "INSERT INTO send_recipients (send_id, seq, email, phone)"
                " SELECT ?, ROW_NUMBER() OVER (ORDER BY r.id) - 1, r.email, r.phone"
                " FROM recipients r WHERE r.campaign_id = ? AND NOT EXISTS ("
                "  SELECT 1 FROM campaign_blacklists cb JOIN blacklist_entries e"
                "  ON e.blacklist_id = cb.blacklist_id WHERE cb.campaign_id = r.campaign_id"
                "  AND ((e.phone != '' AND e.phone = r.phone)"
                "   OR (e.email != '' AND e.email = r.email)))",
                (send_id, campaign_id),
            )
            total = db.execute(
                "SELECT COUNT(*) FROM send_recipients WHERE send_id = ?", (send_id,)
            ).fetchone()[0]
            start_at = max(now, requested.timestamp()) if requested else now
            db.execute(
                "INSERT INTO sends (id, campaign_id, created, start_at, requested_send_date,"
                " moderation_seconds, recipients_per_second, total, parts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    send_id,
                    campaign_id,
                    now,
                    start_at,
                    iso(requested.timestamp()) if requested else None,
                    max(0.0, knobs.moderation_seconds),
                    max(0.001, knobs.recipients_per_second),
                    total,
                    sms_parts(campaign["content"]),
                ),
            )
        return {"id": campaign_id, "sendId": send_id, "recipients": total}

    def cancel(self, campaign_id: str, now: float) -> None:
        """Freeze the running or scheduled send (a second cancel is a no-op)."""
        with self._write() as db:
            self._campaign_row(db, campaign_id)
            sends = self._sends(db, campaign_id)
            if not sends:
                raise ApiError(400, "CAMPAIGN_NOT_SENT")
            last = sends[-1]
            if last.cancelled_at is not None:
                return
            if progress(last, now).phase == "FINISH":
                raise ApiError(400, "CAMPAIGN_ALREADY_SENT")
            self._settle(db, now)
            db.execute("UPDATE sends SET cancelled_at = ? WHERE id = ?", (now, last.id))

    # -- reports and credits -------------------------------------------------

    def report(self, campaign_id: str, now: float) -> list[dict[str, Any]]:
        with self._read() as db:
            self._campaign_row(db, campaign_id)
            sends = self._sends(db, campaign_id)
            reports = []
            for send in sends:
                done = progress(send, now)
                bounces, stops = db.execute(
                    "SELECT COALESCE(SUM(phone LIKE '%13'), 0), COALESCE(SUM(phone LIKE '%99'), 0)"
                    " FROM send_recipients WHERE send_id = ? AND seq < ?",
                    (send.id, done.processed),
                ).fetchone()
                reports.append(
                    {
                        "sendId": send.id,
                        "date": iso(send.start_at),
                        "requestedSendDate": send.requested_send_date,
                        "state": "CANCELLED"
                        if send.cancelled_at is not None
                        else done.phase,
                        "cancelled": send.cancelled_at is not None,
                        "recipients": send.total,
                        "sent": done.processed,
                        "delivered": done.processed - bounces,
                        "bounces": bounces,
                        "unsubscribers": stops,
                        "opens": 0,
                        "clicks": 0,
                        "smsParts": send.parts,
                        "creditsUsed": send.parts * done.processed,
                    }
                )
        return reports

    def report_recipients(
        self, campaign_id: str, *, offset: int, limit: int, now: float
    ) -> list[dict[str, Any]]:
        """Processed recipients of every send, in order."""
        rows: list[dict[str, Any]] = []
        with self._read() as db:
            self._campaign_row(db, campaign_id)
            skip = offset
            for send in self._sends(db, campaign_id):
                done = progress(send, now).processed
                if skip >= done:
                    skip -= done
                    continue
                found = db.execute(
                    "SELECT seq, email, phone FROM send_recipients WHERE send_id = ?"
                    " AND seq >= ? AND seq < ? ORDER BY seq LIMIT ?",
                    (send.id, skip, done, limit - len(rows)),
                ).fetchall()
                skip = 0
                rows.extend(_recipient_report(send, r) for r in found)
                if len(rows) >= limit:
                    break
        return rows

    def credits(self, now: float) -> int:
        with self._read() as db:
            sends = [_send(row) for row in db.execute("SELECT * FROM sends")]
        used = sum(send.parts * progress(send, now).processed for send in sends)
        return self.settings.initial_sms_credits - used


def _send(row: sqlite3.Row, prefix: str = "") -> Send:
    """The send stored in ``row``, whose columns may be named ``prefix + column``."""
    return Send(
        id=row[prefix + "id"],
        campaign_id=row[prefix + "campaign_id"],
        created=row[prefix + "created"],
        start_at=row[prefix + "start_at"],
        requested_send_date=row[prefix + "requested_send_date"],
        moderation_seconds=row[prefix + "moderation_seconds"],
        recipients_per_second=row[prefix + "recipients_per_second"],
        total=row[prefix + "total"],
        parts=row[prefix + "parts"],
        cancelled_at=row[prefix + "cancelled_at"],
    )


def _current_state(row: sqlite3.Row, now: float) -> str:
    """The state of the campaign of a ``_LATEST_SENDS`` row at ``now``."""
    last = _send(row, prefix="send_") if row["send_id"] is not None else None
    return campaign_state(last, now)


def _recipient_report(send: Send, row: sqlite3.Row) -> dict[str, Any]:
    result = outcome(row["phone"])
    return {
        "recipient": {
            "email": row["email"] or None,
            "phone": row["phone"],
            "fields": {},
        },
        "sendId": send.id,
        "date": iso(send.processed_at(row["seq"])),
        "success": result is not Outcome.BOUNCE,
        "bounce": result is Outcome.BOUNCE,
        "unsubscribe": result is Outcome.STOP,
        "clicks": 0,
    }


def knobs_payload(knobs: Knobs) -> dict[str, Any]:
    return asdict(knobs)
