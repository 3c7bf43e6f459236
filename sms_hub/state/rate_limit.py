"""A per-tab rate limit for handlers that cost a Sarbacane call or a count."""

from __future__ import annotations

import time

import reflex as rx
from reflex_base.event import EventSpec

from sms_hub.domain.rate_limit import TOO_FAST, Bucket, RateRule


def _now() -> float:
    """Wall-clock seconds: a tab's state may move between workers (Redis)."""
    return time.time()


class TabAllowance(rx.State):
    """The tab's one allowance of costly requests, shared by its screens'
    dialogs (a direct child of the root: small, loaded only when asked)."""

    _buckets: dict[str, Bucket] = {}

    def _take(self, rule: RateRule) -> bool:
        allowed, bucket = rule.take(self._buckets.get(rule.name), _now())
        self._buckets = {**self._buckets, rule.name: bucket}
        return allowed


class RateLimitedState(rx.State, mixin=True):
    """Mix into a state; a handler starts with ``if refused := await
    self._too_fast(RULE): return refused`` (or ``yield`` it)."""

    async def _too_fast(self, rule: RateRule) -> EventSpec | None:
        """None when the tab may go on; else the French toast to send."""
        allowance = await self.get_state(TabAllowance)
        return None if allowance._take(rule) else rx.toast.error(TOO_FAST)
