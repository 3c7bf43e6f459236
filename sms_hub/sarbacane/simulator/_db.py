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

#: (id, name, [(kind, email, phone)]) given to each account when it is created.
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
            ("unsubscribers", "ancien.stagiaire@example.fr", "+33600000203"),
            ("unsubscribers", "ancien.stagiaire@example.fr", "+33600000204"),
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

#: Bumped whenever the tables change: an older file has its tables dropped
#: and recreated on start (the simulator's data is throwaway demo data).
SCHEMA_VERSION = 4

#: Every resource belongs to one account; a campaign's recipients, blacklist
#: assignments and send recipients belong to it through the campaign or send.
#: ``subject`` is an e-mail campaign's (NULL for SMS campaigns).
#: A campaign gets its first send id (``first_send_id``) when it is created,
#: as Sarbacane's ``sends[0]``; its first launch is the send of that id.
_TABLES = (
    """CREATE TABLE accounts (
    id TEXT PRIMARY KEY, api_key TEXT NOT NULL, name TEXT NOT NULL,
    initial_credits INTEGER NOT NULL)""",
    """CREATE TABLE campaigns (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, sms_from TEXT, content TEXT NOT NULL, subject TEXT,
    created REAL NOT NULL, edited REAL NOT NULL, first_send_id TEXT NOT NULL)""",
    "CREATE INDEX campaigns_created ON campaigns (account_id, created)",
    """CREATE TABLE recipients (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL)""",
    "CREATE INDEX recipients_campaign ON recipients (campaign_id, id)",
    "CREATE INDEX recipients_phone ON recipients (campaign_id, phone)",
    """CREATE TABLE sends (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL, campaign_id TEXT NOT NULL,
    created REAL NOT NULL, start_at REAL NOT NULL, requested_send_date TEXT,
    moderation_seconds REAL NOT NULL, recipients_per_second REAL NOT NULL,
    total INTEGER NOT NULL, parts INTEGER NOT NULL, cancelled_at REAL,
    settled INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX sends_campaign ON sends (campaign_id, created)",
    "CREATE INDEX sends_account ON sends (account_id)",
    """CREATE TABLE send_recipients (
    send_id TEXT NOT NULL, seq INTEGER NOT NULL, email TEXT NOT NULL,
    phone TEXT NOT NULL, PRIMARY KEY (send_id, seq))""",
    """CREATE TABLE blacklists (
    account_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (account_id, id))""",
    """CREATE TABLE blacklist_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT NOT NULL,
    blacklist_id TEXT NOT NULL, kind TEXT NOT NULL, email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '', created REAL NOT NULL,
    UNIQUE (account_id, blacklist_id, kind, email, phone))""",
    "CREATE INDEX entries_phone ON blacklist_entries (phone)",
    "CREATE INDEX entries_email ON blacklist_entries (email)",
    """CREATE TABLE campaign_blacklists (
    campaign_id TEXT NOT NULL, blacklist_id TEXT NOT NULL,
    PRIMARY KEY (campaign_id, blacklist_id))""",
    "CREATE TABLE knobs (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE stats (route TEXT PRIMARY KEY, count INTEGER NOT NULL)",
    """CREATE TABLE locks (
    account_id TEXT NOT NULL, campaign_id TEXT NOT NULL, token TEXT NOT NULL,
    expires REAL NOT NULL, PRIMARY KEY (account_id, campaign_id))""",
)
_TABLE_NAMES = (
    "accounts",
    "campaigns",
    "recipients",
    "sends",
    "send_recipients",
    "blacklists",
    "blacklist_entries",
    "campaign_blacklists",
    "knobs",
    "stats",
    "locks",
)

#: Adds an entry to an exclusion list, unless it is there already:
#: (account_id, blacklist_id, kind, email, phone, created).
INSERT_ENTRY = (
    "INSERT OR IGNORE INTO blacklist_entries"
    " (account_id, blacklist_id, kind, email, phone, created)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)

#: The name ``GET /info`` gives the account of the settings.
DEMO_ACCOUNT_NAME = "Compte de démonstration (simulateur Sarbacane)"


def seed_blacklists(db: sqlite3.Connection, account_id: str, now: float) -> None:
    """Give the account the seeded exclusion lists it does not have yet."""
    for blacklist_id, name, entries in SEED_BLACKLISTS:
        inserted = db.execute(
            "INSERT OR IGNORE INTO blacklists (account_id, id, name) VALUES (?, ?, ?)",
            (account_id, blacklist_id, name),
        ).rowcount
        if inserted:
            db.executemany(
                INSERT_ENTRY,
                [
                    (account_id, blacklist_id, kind, email, phone, now)
                    for kind, email, phone in entries
                ],
            )


def _create_tables(db: sqlite3.Connection) -> None:
    """Create the tables, dropping those of an older schema first."""
    if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    for table in _TABLE_NAMES:
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _TABLES:
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def iso(timestamp: float | None) -> str | None:
    """A stored timestamp as the API writes it: UTC, to the millisecond."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    """The SQLite file, its tables created and seeded on first use.

    An instance speaks for one account (:attr:`account_id`, at first the
    account of the settings); ``Store.for_account`` gives the view of another
    over the same file.
    """

    def __init__(self, settings: SimulatorSettings) -> None:
        self.settings = settings
        self.account_id = settings.account_id
        self.path = Path(settings.db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
        with self._write() as db:
            _create_tables(db)
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
        """Register the account of the settings (its key and credits as the
        settings say now) and give it the seeded exclusion lists."""
        db.execute(
            "INSERT INTO accounts (id, api_key, name, initial_credits)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " api_key = excluded.api_key, initial_credits = excluded.initial_credits",
            (
                self.settings.account_id,
                self.settings.api_key,
                DEMO_ACCOUNT_NAME,
                self.settings.initial_sms_credits,
            ),
        )
        seed_blacklists(db, self.settings.account_id, time.time())
