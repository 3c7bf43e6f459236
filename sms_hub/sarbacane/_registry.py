"""One pooled client per (base URL, account, API key) per process.

A pool entry is named by the account id and a salted digest of its key,
never the key itself: two training centres entering the same account id
with different keys get a client each, each speaking with its own key.
A user of a client (``owner``: a centre) that comes back with another key
gets a new client; the one it leaves, if nobody else uses it, is dropped
from the pool and its connections closed.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
from collections.abc import Hashable
from concurrent import futures
from dataclasses import dataclass, field

from sms_hub.sarbacane._client import SarbacaneClient
from sms_hub.settings import Settings

#: Per process: a digest in the pool names a key without revealing it.
_SALT = secrets.token_bytes(16)


@dataclass(frozen=True)
class PoolKey:
    """Which client: base URL, account id, and a digest of the key (not shown)."""

    base_url: str
    account_id: str
    key_digest: str = field(repr=False)


_clients: dict[PoolKey, SarbacaneClient] = {}
_owners: dict[Hashable, PoolKey] = {}
_closing: set[asyncio.Future[None] | futures.Future[None]] = set()
_lock = threading.Lock()


def _pool_key(base_url: str, account_id: str, api_key: str) -> PoolKey:
    digest = hmac.new(_SALT, api_key.encode(), hashlib.sha256).hexdigest()
    return PoolKey(base_url.rstrip("/"), account_id, digest)


def get_client(
    settings: Settings,
    *,
    account_id: str | None = None,
    api_key: str | None = None,
    owner: Hashable | None = None,
) -> SarbacaneClient:
    """The cached client for the settings' account, or for the given one
    (a training centre with its own Sarbacane account).

    ``owner`` names who asks (a centre): when it asks with another key or
    account than last time, the client it used before is closed unless
    another owner still uses it.
    """
    account = account_id or settings.sarbacane_account_id
    key = api_key or settings.sarbacane_api_key
    pool_key = _pool_key(settings.sarbacane_api_url, account, key)
    replaced: SarbacaneClient | None = None
    with _lock:
        client = _clients.get(pool_key)
        if client is None:
            client = SarbacaneClient(
                settings.sarbacane_api_url,
                account,
                key,
                timeout_seconds=settings.sarbacane_timeout_seconds,
                max_retries=settings.sarbacane_max_retries,
            )
            _clients[pool_key] = client
        if owner is not None:
            before = _owners.get(owner)
            _owners[owner] = pool_key
            if (
                before is not None
                and before != pool_key
                and before not in _owners.values()
            ):
                replaced = _clients.pop(before, None)
    if replaced is not None:
        _close_soon(replaced)
    return client


def _close_soon(client: SarbacaneClient) -> None:
    """Close a replaced client's pool without blocking the caller."""
    future = client.close_soon()
    if future is not None:
        _closing.add(future)
        future.add_done_callback(_closing.discard)


def pooled() -> list[SarbacaneClient]:
    """The clients in the pool now (for checks)."""
    with _lock:
        return list(_clients.values())


async def closed_replaced() -> None:
    """Wait until the replaced clients scheduled for closing are closed."""
    pending = [
        asyncio.wrap_future(f) if isinstance(f, futures.Future) else f
        for f in list(_closing)
    ]
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


async def close_clients() -> None:
    """Close every cached client's pool (app shutdown, end of tests)."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
        _owners.clear()
    for client in clients:
        await client.aclose()
    await closed_replaced()
