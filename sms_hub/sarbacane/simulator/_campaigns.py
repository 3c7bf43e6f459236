"""Campaigns: create, read, list by state, edit a draft (the stand-in pages),
delete; and the lookups every resource of a campaign shares (the campaign
itself, its sends, whether it may still be edited).

As Sarbacane does, a campaign has a send id (``sends[0]``) from its
creation on: it is the id its first launch will get, so a campaign's
``sends`` proves nothing about whether it was ever sent."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from itertools import islice
from typing import Any

from sms_hub.sarbacane.simulator._db import Database, iso
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.sarbacane.simulator._rules import Send, campaign_state, progress

#: The kinds ``POST /campaigns/sms`` creates: standard SMS campaigns.
SMS_KINDS = ("SMS_MARKETING", "SMS_NOTIFICATION")
#: Kinds only Sarbacane's own interface makes (the stand-in pages here). The
#: API documents neither value: ``EMAIL`` stands for an e-mail campaign and
#: ``SMS_AUTOMATION`` for an automated campaign (e-mails and SMS in one
#: scenario), so that SMS Hub can be tested to leave both out.
EMAIL_KIND = "EMAIL"
AUTOMATION_KIND = "SMS_AUTOMATION"
APP_KINDS = (*SMS_KINDS, EMAIL_KIND, AUTOMATION_KIND)
_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$")


#: Every campaign with the columns of its latest send (``send_*``, all NULL
#: when it was never sent). The latest is the last in ``(created, rowid)``
#: order, as in :func:`sends_of`; the correlated subquery reads it from the
#: end of the ``sends_campaign`` index, so each campaign costs one lookup.
_LATEST_SENDS = """
SELECT c.id, c.name, c.kind, c.subject, c.created, c.edited,
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


def campaign_row(
    db: sqlite3.Connection, account_id: str, campaign_id: str
) -> sqlite3.Row:
    """The campaign's row; a 404 if the account has no such campaign."""
    row = db.execute(
        "SELECT * FROM campaigns WHERE id = ? AND account_id = ?",
        (campaign_id, account_id),
    ).fetchone()
    if row is None:
        raise ApiError(404, "Campaign not found")
    return row


def send_from_row(row: sqlite3.Row, prefix: str = "") -> Send:
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


def new_send_id() -> str:
    return "snd" + secrets.token_hex(8)


def send_ids(row: sqlite3.Row, sends: list[Send]) -> list[str]:
    """The campaign's send ids, as ``sends`` lists them: the one given at its
    creation first, whether it was launched or not, then the later ones."""
    first = row["first_send_id"]
    return [first, *(send.id for send in sends if send.id != first)]


def sends_of(db: sqlite3.Connection, campaign_id: str) -> list[Send]:
    """The campaign's sends, oldest first."""
    rows = db.execute(
        "SELECT * FROM sends WHERE campaign_id = ? ORDER BY created, rowid",
        (campaign_id,),
    )
    return [send_from_row(row) for row in rows]


def recipient_count(db: sqlite3.Connection, campaign_id: str) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM recipients WHERE campaign_id = ?", (campaign_id,)
    ).fetchone()[0]


def ensure_editable(db: sqlite3.Connection, campaign_id: str, now: float) -> None:
    """Refuse to change a campaign being sent or already sent."""
    sends = sends_of(db, campaign_id)
    if not sends or sends[-1].cancelled_at is not None:
        return
    if progress(sends[-1], now).phase == "FINISH":
        raise ApiError(400, "CAMPAIGN_ALREADY_SENT")
    raise ApiError(400, "CAMPAIGN_IS_SENDING")


def mark_edited(db: sqlite3.Connection, campaign_id: str, now: float) -> None:
    db.execute("UPDATE campaigns SET edited = ? WHERE id = ?", (now, campaign_id))


def _current_state(row: sqlite3.Row, now: float) -> str:
    """The state of the campaign of a ``_LATEST_SENDS`` row at ``now``."""
    last = send_from_row(row, prefix="send_") if row["send_id"] is not None else None
    return campaign_state(last, now)


class Campaigns(Database):
    """The campaigns of the account (each query limited to ``account_id``)."""

    def create_campaign(
        self, *, name: str, kind: str, sms_from: str | None, content: str, now: float
    ) -> dict[str, Any]:
        """``POST /campaigns/sms``: a standard SMS campaign."""
        if kind not in SMS_KINDS:
            raise ApiError(400, f"INVALID_KIND: {kind}")
        return self.create_in_app(
            name=name, kind=kind, sms_from=sms_from, content=content, now=now
        )

    def create_in_app(
        self,
        *,
        name: str,
        kind: str,
        sms_from: str | None,
        content: str,
        now: float,
        subject: str | None = None,
    ) -> dict[str, Any]:
        """A campaign made in Sarbacane's own interface: any of ``APP_KINDS``
        (an e-mail campaign keeps its ``subject``)."""
        if not name.strip():
            raise ApiError(400, "NAME_REQUIRED")
        if kind not in APP_KINDS:
            raise ApiError(400, f"INVALID_KIND: {kind}")
        if sms_from and not _SENDER.match(sms_from):
            raise ApiError(400, f"INVALID_SMS_FROM: {sms_from}")
        campaign_id = secrets.token_urlsafe(15).replace("-", "x").replace("_", "y")
        with self._write() as db:
            db.execute(
                "INSERT INTO campaigns"
                " (id, account_id, name, kind, sms_from, content, subject, created,"
                " edited, first_send_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    campaign_id,
                    self.account_id,
                    name,
                    kind,
                    sms_from or None,
                    content,
                    subject or None,
                    now,
                    now,
                    new_send_id(),
                ),
            )
        return {"id": campaign_id, "name": name}

    def edit_draft(
        self, campaign_id: str, *, name: str, content: str | None, now: float
    ) -> bool:
        """Sarbacane's editor: rename a draft and, when ``content`` is given,
        replace its text. ``edited`` moves only when something changed
        (whether it did is returned); a campaign being sent or sent is refused.
        """
        if not name.strip():
            raise ApiError(400, "NAME_REQUIRED")
        with self._write() as db:
            row = campaign_row(db, self.account_id, campaign_id)
            ensure_editable(db, campaign_id, now)
            text = row["content"] if content is None else content
            if (name, text) == (row["name"], row["content"]):
                return False
            db.execute(
                "UPDATE campaigns SET name = ?, content = ?, edited = ? WHERE id = ?",
                (name, text, now, campaign_id),
            )
        return True

    def _view(
        self, db: sqlite3.Connection, row: sqlite3.Row, now: float
    ) -> dict[str, Any]:
        sends = sends_of(db, row["id"])
        last = sends[-1] if sends else None
        state = campaign_state(last, now)
        done = progress(last, now) if last else None
        count = recipient_count(db, row["id"])
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
            **({"subject": row["subject"]} if row["subject"] is not None else {}),
            "state": state,
            "created": iso(row["created"]),
            "edited": iso(row["edited"]),
            "sends": send_ids(row, sends),
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
            return self._view(db, campaign_row(db, self.account_id, campaign_id), now)

    def list_campaigns(
        self,
        *,
        search: str | None,
        state: str | None,
        offset: int,
        limit: int,
        now: float,
    ) -> list[dict[str, Any]]:
        """A page of campaign summaries, newest first (creation date, then
        insertion order: a stable order), by name or e-mail subject and ``state``.

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
        conditions = ["c.account_id = :account"]
        params: dict[str, Any] = {
            "account": self.account_id,
            "now": now,
            "slack": _SLACK_SECONDS,
        }
        if search:
            escaped = (
                search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            conditions.append(
                "(c.name LIKE :search ESCAPE '\\'"
                " OR c.subject LIKE :search ESCAPE '\\')"
            )
            params["search"] = f"%{escaped}%"
        if wanted is not None:
            conditions.append(f"({_MAY_BE_IN[wanted]})")
        query = _LATEST_SENDS + " WHERE " + " AND ".join(conditions)
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

    def delete_campaign(self, campaign_id: str, now: float) -> None:
        with self._write() as db:
            campaign_row(db, self.account_id, campaign_id)
            sends = sends_of(db, campaign_id)
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
