"""The recipients of a campaign: added in batches, listed by page."""

from __future__ import annotations

import re
from typing import Any

from sms_hub.sarbacane.simulator._campaigns import (
    campaign_row,
    ensure_editable,
    mark_edited,
)
from sms_hub.sarbacane.simulator._db import Database
from sms_hub.sarbacane.simulator._errors import ApiError

#: A phone number as the API accepts it.
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class Recipients(Database):
    """Who a campaign goes to."""

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
            if not E164.match(phone):
                raise ApiError(400, f"INVALID_PHONE: {phone or '(vide)'}")
            rows.append((campaign_id, str(item.get("email") or ""), phone))
        with self._write() as db:
            campaign_row(db, self.account_id, campaign_id)
            ensure_editable(db, campaign_id, now)
            db.executemany(
                "INSERT INTO recipients (campaign_id, email, phone) VALUES (?, ?, ?)",
                rows,
            )
            mark_edited(db, campaign_id, now)
        return items

    def list_recipients(
        self, campaign_id: str, *, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        with self._read() as db:
            campaign_row(db, self.account_id, campaign_id)
            rows = db.execute(
                "SELECT id, email, phone FROM recipients WHERE campaign_id = ?"
                " ORDER BY id LIMIT ? OFFSET ?",
                (campaign_id, limit, offset),
            ).fetchall()
        return [
            {"id": str(r["id"]), "email": r["email"] or None, "phone": r["phone"]}
            for r in rows
        ]
