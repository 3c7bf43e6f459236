"""Errors raised by the Sarbacane client.

The gateway speaks codes only: every error carries its ``kind`` (an
:class:`ErrorKind`, what went wrong, for the service layer to put into
words: ``services/gateway.py``), the HTTP status (``None`` when no response
arrived), Sarbacane's ``code`` (the ``message`` field of its JSON error
body, when there was one) and a ``detail`` for the logs::

    SarbacaneError             ErrorKind.UNKNOWN
    ├── SarbacaneConfigError   CONFIG: credentials missing or refused (401); never retried
    ├── SarbacaneNotFound      NOT_FOUND: plain 404, the campaign or list no longer exists
    ├── SarbacaneRejected      REJECTED: any other 4xx, Sarbacane refused the request
    └── SarbacaneUnavailable   UNAVAILABLE: timeouts, connection errors, 5xx, lock
                               errors, SERVICE_*_UNREACHABLE, 429, after the retries;
                               UNCONFIRMED when the request may have taken effect
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """What a Sarbacane failure means for the user (one message each)."""

    UNKNOWN = "unknown"
    CONFIG = "config"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"
    UNAVAILABLE = "unavailable"
    #: Unavailable, and the last request may have been carried out unseen.
    UNCONFIRMED = "unconfirmed"


class SarbacaneError(Exception):
    """Base of every error of the Sarbacane gateway."""

    kind = ErrorKind.UNKNOWN

    def __init__(
        self,
        detail: str = "",
        *,
        status_code: int | None = None,
        code: str | None = None,
    ) -> None:
        self.detail = detail
        self.status_code = status_code
        self.code = code
        super().__init__(detail or self.kind.value)

    @property
    def reason(self) -> str:
        """Sarbacane's own word for it: its code, else the detail, else the status."""
        return self.code or self.detail or f"HTTP {self.status_code}"


class SarbacaneConfigError(SarbacaneError):
    """Credentials missing or refused: only an administrator can fix it."""

    kind = ErrorKind.CONFIG


class SarbacaneNotFound(SarbacaneError):
    """The campaign (or list) does not exist, or no longer exists."""

    kind = ErrorKind.NOT_FOUND


class SarbacaneRejected(SarbacaneError):
    """Sarbacane understood the request and refused it (``reason`` says why)."""

    kind = ErrorKind.REJECTED


class SarbacaneUnavailable(SarbacaneError):
    """Sarbacane did not answer usefully, even after the retries.

    ``maybe_applied`` is true when the last request may have taken effect
    without its answer reaching us (kind ``UNCONFIRMED``: check before
    trying again).
    """

    def __init__(
        self,
        detail: str = "",
        *,
        status_code: int | None = None,
        code: str | None = None,
        maybe_applied: bool = False,
    ) -> None:
        self.maybe_applied = maybe_applied
        self.kind = ErrorKind.UNCONFIRMED if maybe_applied else ErrorKind.UNAVAILABLE
        super().__init__(detail, status_code=status_code, code=code)
