"""Sarbacane accounts: each has its own key, campaigns, exclusion lists,
sends and SMS credits (several training centres on one simulator).

The account of the settings exists from the start; others are added through
``POST /_admin/accounts``. ``Store.for_account`` gives the view of one
account: every resource query of that view is limited to it.
"""

from __future__ import annotations

import copy
import secrets
import time
from dataclasses import dataclass
from typing import Self

from sms_hub.sarbacane.simulator._db import Database, seed_blacklists
from sms_hub.sarbacane.simulator._errors import ApiError

#: Compared with the key given for an unknown account, so that the answer
#: takes the same time as a wrong key.
_NO_KEY = secrets.token_hex(16)


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    initial_credits: int


class Accounts(Database):
    """The accounts, and the view of the store for one of them."""

    def for_account(self, account_id: str) -> Self:
        """This store speaking for ``account_id`` (same file, no new setup)."""
        view = copy.copy(self)
        view.account_id = account_id
        return view

    def authenticate(self, account_id: str, api_key: str) -> bool:
        """Whether ``api_key`` is the key of ``account_id`` (constant-time)."""
        with self._read() as db:
            row = db.execute(
                "SELECT api_key FROM accounts WHERE id = ?", (account_id,)
            ).fetchone()
        stored = row["api_key"] if row is not None else _NO_KEY
        matches = secrets.compare_digest(api_key.encode(), stored.encode())
        return matches and row is not None

    def account(self) -> Account:
        """The account this view speaks for."""
        with self._read() as db:
            row = db.execute(
                "SELECT * FROM accounts WHERE id = ?", (self.account_id,)
            ).fetchone()
        if row is None:
            raise ApiError(404, "Account not found")
        return Account(row["id"], row["name"], row["initial_credits"])

    def add_account(
        self, account_id: str, api_key: str, *, name: str, initial_credits: int
    ) -> tuple[Account, bool]:
        """Create the account with its seeded exclusion lists; whether it is new.

        Adding an existing account again with its key changes nothing; with
        another key it is refused (409).
        """
        if not account_id or not api_key:
            raise ApiError(400, "ACCOUNT_ID_AND_API_KEY_REQUIRED")
        if initial_credits < 0:
            raise ApiError(400, "INVALID_SMS_CREDITS")
        with self._write() as db:
            row = db.execute(
                "SELECT * FROM accounts WHERE id = ?", (account_id,)
            ).fetchone()
            if row is not None:
                if not secrets.compare_digest(
                    api_key.encode(), row["api_key"].encode()
                ):
                    raise ApiError(409, "ACCOUNT_EXISTS_WITH_ANOTHER_KEY")
                return Account(row["id"], row["name"], row["initial_credits"]), False
            db.execute(
                "INSERT INTO accounts (id, api_key, name, initial_credits)"
                " VALUES (?, ?, ?, ?)",
                (account_id, api_key, name, initial_credits),
            )
            seed_blacklists(db, account_id, time.time())
        return Account(account_id, name, initial_credits), True

    def campaign_owner(self, campaign_id: str) -> str | None:
        """The account a campaign belongs to (for the unauthenticated pages)."""
        with self._read() as db:
            row = db.execute(
                "SELECT account_id FROM campaigns WHERE id = ?", (campaign_id,)
            ).fetchone()
        return row["account_id"] if row is not None else None
