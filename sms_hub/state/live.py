"""Live campaign status, pushed to the open tabs of each training centre.

Each signed-in tab links its ``CentreFeed`` to its centre's shared token
(Reflex ``SharedState``). When the poller writes a status change, or a user
of the centre acts, the centre's feed ``version`` goes up once; Reflex sends
that one integer to every tab linked to it (through Redis to the tabs of
other workers when ``REDIS_URL`` is set), and a tab showing campaigns reloads
its page of rows. No tab asks the server anything while nothing changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

import reflex as rx
from reflex.istate.manager.token import BaseStateToken
from reflex.state import _override_base_method

from sms_hub import metrics
from sms_hub.services.sync import run_poller

log = logging.getLogger(__name__)


class CentreFeed(rx.SharedState):
    """One centre's change counter; every tab of the centre is linked to it.

    Reflex sends a shared state to the other linked tabs after any event of a
    tab that holds it, changed or not; on one worker without Redis that is
    every event of every tab, since the in-memory state is never "untouched"
    again. A tab's event here only reads the feed, so the two overrides below
    keep the fan-out to the events that really changed ``version`` (and to
    linking, which records the new tab in the shared state).
    """

    version: int = 0

    @_override_base_method
    async def _internal_patch_linked_state(
        self, token: str, full_delta: bool = False
    ) -> CentreFeed:
        linked = await super()._internal_patch_linked_state(token, full_delta)
        if not full_delta and not linked.dirty_vars:
            linked._previous_dirty_vars = None
            linked._was_touched = False
        return linked

    @_override_base_method
    def _clean(self) -> None:
        changed = set(self.dirty_vars)
        super()._clean()
        self._previous_dirty_vars = changed or None


def feed_token(tenant_id: int) -> str:
    """The shared token of a centre's feed (Reflex forbids ``_`` in it)."""
    return f"centre{tenant_id}"


async def announce(app: rx.App, tenant_ids: Iterable[int]) -> None:
    """Tell the open tabs of these centres that their campaigns changed."""
    with app.set_contexts():
        for tenant_id in tenant_ids:
            try:
                await _bump(app, tenant_id)
            except Exception:
                log.exception("live status: could not notify centre %s", tenant_id)


async def _bump(app: rx.App, tenant_id: int) -> None:
    """Raise a centre's feed version; Reflex pushes it to the linked tabs.

    The shared token is not a tab, so its own delta is not emitted
    (``app.modify_state`` would, and log a warning for each change).
    """
    token = BaseStateToken(ident=feed_token(tenant_id), cls=CentreFeed)
    async with app.state_manager.modify_state_with_links(token) as root:
        feed = await root.get_state(CentreFeed)
        feed.version += 1
        root._clean()


async def live_status(app: rx.App) -> None:
    """The lifespan task: the poller (one leader across workers) and its pushes."""

    async def on_change(tenant_ids: set[int]) -> None:
        await announce(app, tenant_ids)

    counting = asyncio.create_task(_count_tabs(app))
    try:
        await run_poller(on_change)
    finally:
        counting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await counting
        metrics.worker_stopped()


#: How often this worker's connected tabs are counted (``sms_hub_connected_tabs``).
TAB_COUNT_SECONDS = 5.0


async def _count_tabs(app: rx.App) -> None:
    while True:
        try:
            namespace = app.event_namespace
            if namespace is not None:
                metrics.CONNECTED_TABS.set(len(namespace.sid_to_token))
        except Exception:
            log.exception("metrics: the connected tabs could not be counted")
        await asyncio.sleep(TAB_COUNT_SECONDS)
