"""Per-campaign write locks: two writes to one campaign at once get Sarbacane's
``FAILED TO ACQUIRE LOCK``, whichever worker process they reach."""

from __future__ import annotations

import secrets
import time

from sms_hub.sarbacane.simulator._db import Database

_LOCK_SECONDS = 30.0


class CampaignLocks(Database):
    """Short-lived locks on a campaign of the account, held for the length of
    one write."""

    def acquire_lock(self, campaign_id: str) -> str | None:
        """A token if nobody else is writing this campaign, else ``None``."""
        now = time.time()
        token = secrets.token_hex(8)
        with self._write() as db:
            row = db.execute(
                "SELECT expires FROM locks WHERE account_id = ? AND campaign_id = ?",
                (self.account_id, campaign_id),
            ).fetchone()
            if row is not None and row["expires"] > now:
                return None
            db.execute(
                "INSERT OR REPLACE INTO locks (account_id, campaign_id, token, expires)"
                " VALUES (?, ?, ?, ?)",
                (self.account_id, campaign_id, token, now + _LOCK_SECONDS),
            )
        return token

    def release_lock(self, campaign_id: str, token: str) -> None:
        with self._write() as db:
            db.execute(
                "DELETE FROM locks WHERE account_id = ? AND campaign_id = ? AND token = ?",
                (self.account_id, campaign_id, token),
            )
