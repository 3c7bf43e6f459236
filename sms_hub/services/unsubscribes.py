"""« Désinscrit (STOP) »: each centre's copy of its Sarbacane unsubscribe
list, read by the poller's leader every ``STOP_REFRESH_SECONDS`` and on
demand (« Actualiser »). The rules are in ``domain/unsubscribes.py``."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from sms_hub.domain.campaign import UNSUBSCRIBE_LIST_ID
from sms_hub.domain.unsubscribes import entry_keys, read_at_label
from sms_hub.sarbacane import MAX_BATCH, SarbacaneClient, SarbacaneNotFound
from sms_hub.services.accounts import client_for, is_configured
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import NotFound
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.tenants import DEMO_SLUG
from sms_hub.settings import get_settings
from sms_hub.store import centre_queries, unsubscribe_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Tenant

log = logging.getLogger(__name__)

#: At most this many pages of 1000 entries are read (a million entries).
MAX_PAGES = 1000
#: Centres the poller refreshes in one pass (the rest at the next ones).
CENTRES_PER_PASS = 20

#: When this process last failed to read each centre: a failing account is
#: tried again one cadence later, not at every poll.
_failed_at: dict[int, float] = {}


async def read_unsubscribe_list(client: SarbacaneClient) -> set[tuple[str, str]]:
    """Every entry of the account's unsubscribe list, as keys, page by page."""
    keys: set[tuple[str, str]] = set()
    offset = 0
    for _ in range(MAX_PAGES):
        try:
            entries = await client.blacklist_entries(
                UNSUBSCRIBE_LIST_ID, offset=offset, limit=MAX_BATCH
            )
        except SarbacaneNotFound:
            return keys  # an account without the list has no one unsubscribed
        for entry in entries:
            keys |= entry_keys(entry.email, entry.phones)
        if len(entries) < MAX_BATCH:
            return keys
        offset += len(entries)
    log.warning("unsubscribe list longer than %s pages: read in part", MAX_PAGES)
    return keys


async def refresh_centre(tenant: Tenant) -> int:
    """Read the centre's unsubscribe list and keep it; how many keys."""
    keys = await read_unsubscribe_list(client_for(tenant))

    def keep() -> int:
        with transaction() as session:
            return unsubscribe_queries.replace_unsubscribers(
                session, tenant.id or 0, keys, datetime.now(UTC)
            )

    return await in_thread(keep)


def _tenant(actor: Actor) -> Tenant:
    with transaction() as session:
        tenant = centre_queries.tenant(session, actor.tenant_id)
        if tenant is None:
            raise NotFound("Centre introuvable.")
        return tenant


async def refresh(actor: Actor) -> str:
    """« Actualiser »: read the centre's list now; the new « mise à jour » line."""
    tenant = await in_thread(_tenant, actor)
    async with sarbacane_call(actor):
        await refresh_centre(tenant)
    return await read_label(actor)


async def read_label(actor: Actor) -> str:
    """« Liste des désinscrits mise à jour le … » in the centre's time zone."""

    def read() -> str:
        with transaction() as session:
            tenant = centre_queries.tenant(session, actor.tenant_id)
            read_at = unsubscribe_queries.read_at(session, actor.tenant_id)
            return read_at_label(read_at, tenant.timezone if tenant else None)

    return await in_thread(read)


def _reachable(tenant: Tenant) -> bool:
    settings = get_settings()
    return is_configured(tenant) or (settings.demo_mode and tenant.slug == DEMO_SLUG)


def _due() -> list[Tenant]:
    every = get_settings().stop_refresh_seconds
    now = time.monotonic()
    with transaction() as session:
        due = unsubscribe_queries.centres_due(
            session, datetime.now(UTC) - timedelta(seconds=every), limit=1000
        )
    return [
        t
        for t in due
        if _reachable(t) and (t.id not in _failed_at or now - _failed_at[t.id] >= every)
    ][:CENTRES_PER_PASS]


async def refresh_due(per_centre_seconds: float) -> int:
    """For the poller's leader: refresh the centres whose copy is older than
    ``STOP_REFRESH_SECONDS``, each within ``per_centre_seconds``; how many."""
    done = 0
    for tenant in await in_thread(_due):
        try:
            async with asyncio.timeout(per_centre_seconds):
                await refresh_centre(tenant)
        except Exception:
            _failed_at[tenant.id or 0] = time.monotonic()
            log.warning("centre %s: unsubscribe list not read", tenant.id)
        else:
            _failed_at.pop(tenant.id or 0, None)
            done += 1
    return done
