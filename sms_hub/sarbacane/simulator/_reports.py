"""What the account reports: the statistics of each send, the outcome of each
recipient processed, the SMS credits left."""

from __future__ import annotations

import sqlite3
from typing import Any

from sms_hub.sarbacane.simulator._campaigns import (
    campaign_row,
    send_from_row,
    send_ids,
    sends_of,
)
from sms_hub.sarbacane.simulator._db import Database, iso
from sms_hub.sarbacane.simulator._rules import Outcome, Send, outcome, progress

#: The ``state`` in the report of a send id not launched yet.
NOT_LAUNCHED = "DRAFT"


class Reports(Database):
    """Statistics and credits, derived from the sends and the clock."""

    def report(self, campaign_id: str, now: float) -> list[dict[str, Any]]:
        """The figures of each send, in the order of the campaign's ``sends``
        (the send id given at creation first, all zero until launched);
        ``date`` stays null until the send starts."""
        with self._read() as db:
            row = campaign_row(db, self.account_id, campaign_id)
            sends = {send.id: send for send in sends_of(db, campaign_id)}
            reports = []
            for send_id in send_ids(row, list(sends.values())):
                send = sends.get(send_id)
                reports.append(
                    _send_report(db, send, now) if send else _not_launched(send_id)
                )
        return reports

    def report_recipients(
        self, campaign_id: str, *, offset: int, limit: int, now: float
    ) -> list[dict[str, Any]]:
        """Processed recipients of every send, in order."""
        rows: list[dict[str, Any]] = []
        with self._read() as db:
            campaign_row(db, self.account_id, campaign_id)
            skip = offset
            for send in sends_of(db, campaign_id):
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
        """The account's SMS credits left: its initial credits less what its
        sends have used, deleted campaigns included."""
        with self._read() as db:
            initial = db.execute(
                "SELECT initial_credits FROM accounts WHERE id = ?", (self.account_id,)
            ).fetchone()
            rows = db.execute(
                "SELECT * FROM sends WHERE account_id = ?", (self.account_id,)
            )
            sends = [send_from_row(row) for row in rows]
        used = sum(send.parts * progress(send, now).processed for send in sends)
        return (initial[0] if initial is not None else 0) - used


def _send_report(db: sqlite3.Connection, send: Send, now: float) -> dict[str, Any]:
    done = progress(send, now)
    bounces, stops = db.execute(
        "SELECT COALESCE(SUM(phone LIKE '%13'), 0), COALESCE(SUM(phone LIKE '%99'), 0)"
        " FROM send_recipients WHERE send_id = ? AND seq < ?",
        (send.id, done.processed),
    ).fetchone()
    cancelled = send.cancelled_at is not None
    return {
        "sendId": send.id,
        "date": None if done.phase == "SCHEDULED" else iso(send.start_at),
        "requestedSendDate": send.requested_send_date,
        "state": "CANCELLED" if cancelled else done.phase,
        "cancelled": cancelled,
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


def _not_launched(send_id: str) -> dict[str, Any]:
    """The figures of the send id a campaign holds before its first launch."""
    return {
        "sendId": send_id,
        "date": None,
        "requestedSendDate": None,
        "state": NOT_LAUNCHED,
        "cancelled": False,
        "recipients": 0,
        "sent": 0,
        "delivered": 0,
        "bounces": 0,
        "unsubscribers": 0,
        "opens": 0,
        "clicks": 0,
        "smsParts": 0,
        "creditsUsed": 0,
    }


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
