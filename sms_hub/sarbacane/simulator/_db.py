"""The simulator's storage: one SQLite file, shared by every worker process.

Nothing that matters lives in memory: campaigns, recipients, sends,
exclusion lists, runtime knobs, request counters and per-campaign write
locks are rows, so the simulator survives a restart and several workers
agree. Every call opens its own short connection (SQLite connections are
cheap and must not cross threads).

:class:`Database` opens the file, creates the tables and seeds the exclusion
lists; the resources of ``Store`` build on its :meth:`~Database._read` and
:meth:`~Database._write` transactions.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sms_hub.settings import SimulatorSettings

DEFAULT_BLACKLIST = "DEFAULT_BLACKLIST"
DEFAULT_BOUNCELIST = "DEFAULT_BOUNCELIST"

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

#: Adds an entry to an exclusion list, unless it is there already:
#: (blacklist_id, kind, email, phone, created).
INSERT_ENTRY = (
    "INSERT OR IGNORE INTO blacklist_entries"
    " (blacklist_id, kind, email, phone, created) VALUES (?, ?, ?, ?, ?)"
)


def iso(timestamp: float | None) -> str | None:
    """A stored timestamp as the API writes it: UTC, to the millisecond."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    """The SQLite file, its tables created and seeded on first use."""

    def __init__(self, settings: SimulatorSettings) -> None:
        self.settings = settings
        self.path = Path(settings.db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        with self._write() as db:
            self._seed(db)

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
                    INSERT_ENTRY,
                    [
                        (blacklist_id, kind, email, phone, now)
                        for kind, email, phone in entries
                    ],
                )
