"""Which failures are worth another try, and how long to wait before it.

A transient failure is a :class:`Fault`. ``maybe_applied`` tells whether the
request may have taken effect on Sarbacane's side although no good answer
came back (a read timeout, a 500): only idempotent calls may then be
repeated blindly. A connection refused, a 429, ``FAILED TO ACQUIRE LOCK``
or ``SERVICE_*_UNREACHABLE`` means the request was not carried out.

Sarbacane wraps some messages (``rpc error: code = Unknown desc = FAILED TO
ACQUIRE LOCK``), so the known codes are looked for *inside* the message;
the error's ``code`` is then the known code, its detail the whole message.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import httpx

from sms_hub.sarbacane._errors import (
    SarbacaneConfigError,
    SarbacaneError,
    SarbacaneNotFound,
    SarbacaneRejected,
    SarbacaneUnavailable,
)

_CONFIG_CODES = ("NEED_ACCOUNT_ID", "NEED_API_KEY", "API_KEY_UNAUTHORIZED")
LOCK_CODE = "FAILED TO ACQUIRE LOCK"
_UNREACHABLE = re.compile(r"SERVICE_[A-Z0-9_]*_UNREACHABLE")

#: Transport errors raised before the request could reach Sarbacane.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Fault(Exception):
    """A transient failure: retry, or read back, then give up."""

    def __init__(
        self,
        detail: str,
        *,
        maybe_applied: bool,
        status_code: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.maybe_applied = maybe_applied
        self.status_code = status_code
        self.code = code
        self.retry_after = retry_after

    def unavailable(self, *, maybe_applied: bool = False) -> SarbacaneUnavailable:
        return SarbacaneUnavailable(
            str(self),
            status_code=self.status_code,
            code=self.code,
            maybe_applied=maybe_applied,
        )


def fault_from_exception(error: httpx.TransportError) -> Fault:
    return Fault(
        f"{type(error).__name__}: {error}",
        maybe_applied=not isinstance(error, _NOT_SENT),
    )


def error_code(response: httpx.Response) -> str | None:
    """Sarbacane's ``message`` field, when the body is JSON."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        message = body.get("message") or body.get("error")
        return None if message is None else str(message)
    return None


def known_code(message: str | None) -> str | None:
    """The known Sarbacane code found inside ``message``, wrapped or not."""
    text = (message or "").upper()
    for code in (*_CONFIG_CODES, LOCK_CODE):
        if code in text:
            return code
    unreachable = _UNREACHABLE.search(text)
    return unreachable.group(0) if unreachable else None


def check_response(response: httpx.Response) -> None:
    """Raise what a non-2xx response means: a final error or a :class:`Fault`."""
    status = response.status_code
    if status < 300:
        return
    message = error_code(response)
    detail = f"HTTP {status} {response.request.method} {response.request.url.path}"
    if message:
        detail += f": {message}"
    known = known_code(message)
    code = known or message
    if known in _CONFIG_CODES or status == 401:
        raise SarbacaneConfigError(detail, status_code=status, code=code)
    if status == 429:
        raise Fault(
            detail,
            maybe_applied=False,
            status_code=status,
            code=code,
            retry_after=_retry_after(response),
        )
    if known == LOCK_CODE or (known and _UNREACHABLE.fullmatch(known)):
        raise Fault(detail, maybe_applied=False, status_code=status, code=code)
    if status >= 500:
        raise Fault(detail, maybe_applied=True, status_code=status, code=code)
    error: type[SarbacaneError] = (
        SarbacaneNotFound if status == 404 else SarbacaneRejected
    )
    raise error(detail, status_code=status, code=code)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class Backoff:
    """Bounded exponential backoff with jitter; ``Retry-After`` wins, capped."""

    base: float = 0.5
    cap: float = 8.0
    retry_after_cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        ceiling = min(self.cap, self.base * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)
