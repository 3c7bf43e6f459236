"""A centre's SMS credits left, read from Sarbacane at most once per
``CACHE_SECONDS`` (the launch dialog shows them each time it opens).

Kept in this process's memory per centre and account; a launch forgets its
centre's figure (it uses credits). A failed read is not kept.
"""

from __future__ import annotations

import time

from sms_hub.sarbacane import SarbacaneClient, SarbacaneError

CACHE_SECONDS = 30.0

_cache: dict[tuple[int, str], tuple[float, int]] = {}


def _now() -> float:
    return time.monotonic()


async def sms_credits_left(
    tenant_id: int, account_id: str, client: SarbacaneClient
) -> int | None:
    """The SMS credits left (None when Sarbacane cannot say)."""
    key = (tenant_id, account_id)
    kept = _cache.get(key)
    if kept is not None and _now() - kept[0] < CACHE_SECONDS:
        return kept[1]
    try:
        left = (await client.credits()).sms
    except SarbacaneError:
        return None
    _cache[key] = (_now(), left)
    return left


def forget(tenant_id: int) -> None:
    """The centre's credits changed (a launch): read them again next time."""
    for key in [k for k in _cache if k[0] == tenant_id]:
        _cache.pop(key, None)


def forget_all() -> None:
    _cache.clear()
