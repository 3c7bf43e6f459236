"""Sending a campaign: launch or schedule it, cancel it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sms_hub.sarbacane.simulator._blacklists import settle_outcomes
from sms_hub.sarbacane.simulator._campaigns import (
    campaign_row,
    ensure_editable,
    new_send_id,
    recipient_count,
    sends_of,
)
from sms_hub.sarbacane.simulator._db import Database, iso
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.sarbacane.simulator._knobs import Knobs
from sms_hub.sarbacane.simulator._rules import progress, sms_parts


class Sending(Database):
    """The sends of a campaign, one per launch: the first takes the send id
    the campaign got at its creation."""

    def send(
        self, campaign_id: str, *, requested: datetime | None, knobs: Knobs, now: float
    ) -> dict[str, Any]:
        """Launch (or schedule) a send of everyone not excluded, now."""
        with self._write() as db:
            campaign = campaign_row(db, self.account_id, campaign_id)
            ensure_editable(db, campaign_id, now)
            if recipient_count(db, campaign_id) == 0:
                raise ApiError(400, "NO_RECIPIENTS")
            settle_outcomes(db, now)
            launched = {send.id for send in sends_of(db, campaign_id)}
            first = campaign["first_send_id"]
            send_id = new_send_id() if first in launched else first
            db.execute(
                "INSERT INTO send_recipients (send_id, seq, email, phone)"
                " SELECT ?, ROW_NUMBER() OVER (ORDER BY r.id) - 1, r.email, r.phone"
                " FROM recipients r WHERE r.campaign_id = ? AND NOT EXISTS ("
                "  SELECT 1 FROM campaign_blacklists cb JOIN blacklist_entries e"
                "  ON e.account_id = ? AND e.blacklist_id = cb.blacklist_id"
                "  WHERE cb.campaign_id = r.campaign_id"
                "  AND ((e.phone != '' AND e.phone = r.phone)"
                "   OR (e.email != '' AND e.email = r.email)))",
                (send_id, campaign_id, self.account_id),
            )
            total = db.execute(
                "SELECT COUNT(*) FROM send_recipients WHERE send_id = ?", (send_id,)
            ).fetchone()[0]
            start_at = max(now, requested.timestamp()) if requested else now
            db.execute(
                "INSERT INTO sends (id, account_id, campaign_id, created, start_at,"
                " requested_send_date, moderation_seconds, recipients_per_second,"
                " total, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    send_id,
                    self.account_id,
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
            campaign_row(db, self.account_id, campaign_id)
            sends = sends_of(db, campaign_id)
            if not sends:
                raise ApiError(400, "CAMPAIGN_NOT_SENT")
            last = sends[-1]
            if last.cancelled_at is not None:
                return
            if progress(last, now).phase == "FINISH":
                raise ApiError(400, "CAMPAIGN_ALREADY_SENT")
            settle_outcomes(db, now)
            db.execute("UPDATE sends SET cancelled_at = ? WHERE id = ?", (now, last.id))
