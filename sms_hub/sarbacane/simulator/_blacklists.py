"""Exclusion lists (Sarbacane's blacklists): listed, read, added to, assigned
to campaigns; and fed with the STOP and bounce outcomes of the sends."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sms_hub.sarbacane.simulator._campaigns import (
    campaign_row,
    ensure_editable,
    mark_edited,
    send_from_row,
)
from sms_hub.sarbacane.simulator._db import (
    DEFAULT_BLACKLIST,
    DEFAULT_BOUNCELIST,
    INSERT_ENTRY,
    Database,
)
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.sarbacane.simulator._recipients import E164
from sms_hub.sarbacane.simulator._rules import Outcome, outcome, progress

ENTRY_KINDS = ("unsubscribers", "bounces", "complaints")


def settle_outcomes(db: sqlite3.Connection, now: float) -> None:
    """Write the STOP and bounce outcomes processed so far into the default
    exclusion lists of each send's account (done lazily: there is no
    background task)."""
    rows = db.execute("SELECT * FROM sends WHERE settled < total").fetchall()
    for row in rows:
        send = send_from_row(row)
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
                (
                    row["account_id"],
                    *target,
                    r["email"],
                    r["phone"],
                    send.processed_at(r["seq"]),
                )
            )
        db.executemany(INSERT_ENTRY, entries)
        db.execute("UPDATE sends SET settled = ? WHERE id = ?", (done, send.id))


#: A page of the entries of one exclusion list (see ``blacklist_entries``).
_ENTRIES = """
SELECT MIN(id) AS first_id, email, group_concat(NULLIF(phone, ''), ',') AS phones
FROM (SELECT * FROM blacklist_entries
    WHERE account_id = :account AND blacklist_id = :blacklist AND kind = :kind
    AND (:email IS NULL OR email = :email) ORDER BY id)
GROUP BY CASE WHEN email != '' THEN 'e:' || email ELSE 'r:' || id END
HAVING :phone IS NULL OR SUM(phone = :phone) > 0
ORDER BY first_id LIMIT :limit OFFSET :offset"""


def _exists(db: sqlite3.Connection, account_id: str, blacklist_id: str) -> bool:
    found = db.execute(
        "SELECT 1 FROM blacklists WHERE account_id = ? AND id = ?",
        (account_id, blacklist_id),
    )
    return found.fetchone() is not None


class Blacklists(Database):
    """The account's exclusion lists."""

    def blacklists(self, *, offset: int, limit: int) -> list[dict[str, Any]]:
        with self._read() as db:
            rows = db.execute(
                "SELECT id, name FROM blacklists WHERE account_id = ?"
                " ORDER BY rowid LIMIT ? OFFSET ?",
                (self.account_id, limit, offset),
            ).fetchall()
        return [{"id": r["id"], "name": r["name"]} for r in rows]

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
        """A page of entries as Sarbacane gives them: ``{email, phones, state}``.

        The rows of one e-mail address make one entry whose ``phones`` joins
        their numbers with commas; a row without e-mail is an entry alone.
        Filtering by ``phone`` finds the entries holding that number.
        """
        with self._write() as db:
            if not _exists(db, self.account_id, blacklist_id):
                raise ApiError(404, "Blacklist not found")
            settle_outcomes(db, now)
            params: dict[str, Any] = {
                "account": self.account_id,
                "blacklist": blacklist_id,
                "kind": kind,
                "email": email or None,
                "phone": phone or None,
                "limit": limit,
                "offset": offset,
            }
            rows = db.execute(_ENTRIES, params).fetchall()
        return [
            {
                "email": r["email"] or None,
                "phones": r["phones"] or "",
                "state": kind.upper(),
            }
            for r in rows
        ]

    def add_blacklist_entry(
        self, blacklist_id: str, kind: str, *, email: str, phone: str, now: float
    ) -> None:
        if not email and not phone:
            raise ApiError(400, "EMAIL_OR_PHONE_REQUIRED")
        if phone and not E164.match(phone):
            raise ApiError(400, f"INVALID_PHONE: {phone}")
        with self._write() as db:
            if not _exists(db, self.account_id, blacklist_id):
                raise ApiError(404, "Blacklist not found")
            db.execute(
                INSERT_ENTRY, (self.account_id, blacklist_id, kind, email, phone, now)
            )

    def assign_blacklists(
        self, campaign_id: str, blacklist_ids: Sequence[str], now: float
    ) -> None:
        with self._write() as db:
            campaign_row(db, self.account_id, campaign_id)
            ensure_editable(db, campaign_id, now)
            for blacklist_id in blacklist_ids:
                if not _exists(db, self.account_id, blacklist_id):
                    raise ApiError(400, f"UNKNOWN_BLACKLIST: {blacklist_id}")
            db.execute(
                "DELETE FROM campaign_blacklists WHERE campaign_id = ?", (campaign_id,)
            )
            db.executemany(
                "INSERT OR IGNORE INTO campaign_blacklists (campaign_id, blacklist_id)"
                " VALUES (?, ?)",
                [(campaign_id, blacklist_id) for blacklist_id in blacklist_ids],
            )
            mark_edited(db, campaign_id, now)
