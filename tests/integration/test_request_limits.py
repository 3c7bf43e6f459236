"""One tab cannot flood the handlers that call Sarbacane or count contacts;
the launch dialog's credits are read once per centre for a while; a launch
with nothing left to do pushes nothing.

The states are driven as Reflex drives them (handler by handler on one tab's
state tree), against the simulator and a fresh database.
"""

from __future__ import annotations

import inspect
import time
import uuid
from typing import Any

import pytest
from reflex.state import State

from sms_hub.domain import rate_limit
from sms_hub.pages.campaigns.exclusions_modal import ExclusionsState
from sms_hub.pages.campaigns.import_modal import ImportState
from sms_hub.pages.campaigns.launch_modal import LaunchState
from sms_hub.services import audience, credits, sending
from sms_hub.services.context import Actor
from sms_hub.state import rate_limit as tab_limit
from sms_hub.state.live import CentreFeed
from sms_hub.state.session import SessionState
from tests.support.factories import (
    add_centre,
    add_contact_list,
    create_draft,
    mobile_numbers,
)

CREDITS = "GET /v1/credits"
BLACKLISTS = "GET /v1/blacklists"
SEND = "POST /v1/campaigns/{campaign_id}/send"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(tab_limit, "_now", fake)
    monkeypatch.setattr(credits, "_now", fake)
    return fake


def _tab(actor: Actor) -> State:
    """A signed-in tab's state tree."""
    root = State(_reflex_internal_init=True)
    session = _sub(root, SessionState)
    session._tenant_id, session._user = actor.tenant_id, actor.user
    session._signed_in_at = time.time()
    root._clean()
    return root


def _sub(root: State, cls: type[State]) -> Any:
    return root.get_substate(cls.get_full_name().split(".")[1:])


async def _run(root: State, cls: type[State], handler: str, *args) -> list:
    """Run one event of the tab; what it sent to the browser besides its delta."""
    state = _sub(root, cls)
    result = cls.event_handlers[handler].fn(state, *args)
    if inspect.isasyncgen(result):
        return [update async for update in result if update is not None]
    if inspect.isawaitable(result):
        result = await result
    return [] if result is None else [result]


def _too_fast(updates: list) -> bool:
    return any("Trop de demandes en peu de temps" in repr(u) for u in updates)


async def _campaign(actor: Actor) -> int:
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor,
        campaign_id,
        [add_contact_list(actor, f"l{uuid.uuid4().hex[:6]}", mobile_numbers(900, 3))],
    )
    return campaign_id


# --- credits, cached per centre ----------------------------------------------


async def test_credits_are_read_once_per_centre_within_the_cache_window(
    actor, sim, clock
):
    campaign_id = await _campaign(actor)
    account, key = f"acc-c-{uuid.uuid4().hex[:6]}", "key-of-centre-c"
    sim.add_account(account, key, name="Centre C", sms_credits=555)
    other = add_centre(
        f"centre-c-{account[-6:]}",
        name="Centre C",
        user="c@centre-c.fr",
        account=(account, key),
    )
    other_campaign = await _campaign(other)

    sim.reset()
    seen = [(await sending.preview(actor, campaign_id)).credits_left for _ in range(4)]
    clock.now += credits.CACHE_SECONDS - 1
    seen.append((await sending.preview(actor, campaign_id)).credits_left)
    assert sim.count(CREDITS) == 1  # one read for five dialogs of the centre
    assert len(set(seen)) == 1 and seen[0] is not None
    # another centre has its own figure, read from its own account
    assert (await sending.preview(other, other_campaign)).credits_left == 555
    assert (await sending.preview(other, other_campaign)).credits_left == 555
    assert sim.count(CREDITS) == 2
    # past the window the figure is read again
    clock.now += 2
    await sending.preview(actor, campaign_id)
    assert sim.count(CREDITS) == 3
    # a launch uses credits: the next dialog reads them again
    assert await sending.launch(actor, campaign_id, None)
    await sending.preview(actor, campaign_id)
    assert sim.count(CREDITS) == 4


# --- one tab's flood ------------------------------------------------------------


async def test_a_tab_flooding_the_exclusions_dialog_is_refused(actor, sim, clock):
    campaign_id = await _campaign(actor)
    tab = _tab(actor)
    sim.reset()
    refused = 0
    for _ in range(30):
        updates = await _run(tab, ExclusionsState, "open_exclusions", campaign_id, "C")
        refused += _too_fast(updates)
    burst = rate_limit.SARBACANE_READS.burst
    assert refused == 30 - burst
    assert sim.count(BLACKLISTS) == burst
    # the launch dialog shares the tab's Sarbacane allowance
    assert _too_fast(await _run(tab, LaunchState, "open_launch", campaign_id, "C"))
    assert sim.count(CREDITS) == 0
    # a few seconds later the tab may ask again
    clock.now += 1 / rate_limit.SARBACANE_READS.per_second
    assert not _too_fast(await _run(tab, LaunchState, "open_launch", campaign_id, "C"))
    assert _sub(tab, LaunchState).launch_open
    # another tab of the same user is not held back by this one
    other_tab = _tab(actor)
    assert not _too_fast(
        await _run(other_tab, ExclusionsState, "open_exclusions", campaign_id, "C")
    )


async def test_a_tab_flooding_the_list_counts_is_refused(actor, sim, clock):
    campaign_id = await _campaign(actor)
    list_id = add_contact_list(actor, "comptée", mobile_numbers(950, 2))
    tab = _tab(actor)
    await _run(tab, ImportState, "open_import", campaign_id, "C")
    results = [
        _too_fast(await _run(tab, ImportState, "toggle_list", list_id, i % 2 == 0))
        for i in range(100)
    ]
    assert results.count(False) == rate_limit.COUNTS.burst
    assert all(results[rate_limit.COUNTS.burst :])


# --- a launch with nothing to do ---------------------------------------------


async def test_a_launch_with_nothing_left_to_do_pushes_nothing(actor, sim, clock):
    campaign_id = await _campaign(actor)
    first, second = _tab(actor), _tab(actor)
    for tab in (first, second):
        await _run(tab, LaunchState, "open_launch", campaign_id, "C")
        tab._clean()
    feed = await _sub(first, LaunchState).get_state(CentreFeed)
    before = feed.version

    updates = await _run(first, LaunchState, "confirm_launch")
    assert any("est lancé" in repr(u) for u in updates)
    assert feed.version == before + 1  # the centre's tabs are told once
    assert sim.count(SEND) == 1
    first._clean()

    # a second click reaches the closed dialog: nothing at all
    assert await _run(first, LaunchState, "confirm_launch") == []
    assert first.get_delta() == {}
    assert feed.version == before + 1

    # the other tab's dialog, opened before the launch: nothing sent again,
    # no toast, the centre's tabs not told twice; its dialog just closes
    second_feed = await _sub(second, LaunchState).get_state(CentreFeed)
    second_before = second_feed.version
    assert await _run(second, LaunchState, "confirm_launch") == []
    assert second_feed.version == second_before
    assert not _sub(second, LaunchState).launch_open
    assert sim.count(SEND) == 1
