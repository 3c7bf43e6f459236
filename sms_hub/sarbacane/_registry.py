"""One pooled client per (base URL, account) per process."""

from __future__ import annotations

import threading

from sms_hub.sarbacane._client import SarbacaneClient
from sms_hub.settings import Settings

_clients: dict[tuple[str, str], SarbacaneClient] = {}
_lock = threading.Lock()


def get_client(
    settings: Settings, *, account_id: str | None = None, api_key: str | None = None
) -> SarbacaneClient:
    """The cached client for the settings' account, or for the given one
    (a training centre with its own Sarbacane account).

    A new API key for a known account replaces its cached client.
    """
    account = account_id or settings.sarbacane_account_id
    key = api_key or settings.sarbacane_api_key
    cache_key = (settings.sarbacane_api_url.rstrip("/"), account)
    with _lock:
        client = _clients.get(cache_key)
        if client is None or not client.uses_key(key):
            client = SarbacaneClient(
                settings.sarbacane_api_url,
                account,
                key,
                timeout_seconds=settings.sarbacane_timeout_seconds,
                max_retries=settings.sarbacane_max_retries,
            )
            _clients[cache_key] = client
        return client


async def close_clients() -> None:
    """Close every cached client's pool (app shutdown, end of tests)."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        await client.aclose()
