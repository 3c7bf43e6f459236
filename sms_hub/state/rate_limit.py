"""A per-tab rate limit for handlers that cost a Sarbacane call or a count."""

from __future__ import annotations

import time

import reflex as rx
from reflex_base.event import EventSpec

from sms_hub.domain.rate_limit import TOO_FAST, Bucket, RateRule


def _now() -> float:
    """Wall-clock seconds: a tab's state may move between workers (Redis)."""
    return time.time()


class RateLimitedState(rx.State, mixin=True):
    """Mix into a state; a handler starts with ``if refused :=
    self._too_fast(RULE): return refused`` (or ``yield`` it)."""

    _buckets: dict[str, Bucket] = {}

    def _too_fast(self, rule: RateRule) -> EventSpec | None:
        """None when the tab may go on; else the French toast to send."""
        allowed, bucket = rule.take(self._buckets.get(rule.name), _now())
        self._buckets = {**self._buckets, rule.name: bucket}
        return None if allowed else rx.toast.error(TOO_FAST)
