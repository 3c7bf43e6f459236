"""The poller reads a centre's lists by state at once, not one after the other.

A centre's read starts with one ``GET /campaigns?state=…`` per active state;
sent one after the other they cost one round trip each per centre and cycle.
They go out together, each one attempt (the next cycle is the retry), and
a failing list still fails the centre's read.
"""

from __future__ import annotations

import asyncio

import pytest

from sms_hub.domain.lifecycle import REMOTE_ACTIVE_STATES
from sms_hub.sarbacane import MAX_BATCH, CampaignSummary, SarbacaneError
from sms_hub.services import sync

#: Bound of every wait on a condition (a busy 2-core CI machine).
WITHIN = 10.0


def _summary(campaign_id: str, state: str) -> CampaignSummary:
    return CampaignSummary(
        id=campaign_id,
        name=campaign_id,
        kind="SMS_MARKETING",
        state=state,
        created=None,
        edited=None,
        count=None,
    )


class _Lists:
    """A Sarbacane account whose list calls answer only once every active
    state's list is in flight (so lists sent one after the other never do)."""

    def __init__(self, pages: dict[str, list[list[CampaignSummary]]] | None = None):
        self.pages = pages or {}
        self.in_flight: set[str] = set()
        self.all_in_flight = asyncio.Event()
        self.calls: list[tuple[str, int, bool]] = []

    async def list_campaigns(
        self, *, state: str, offset: int, limit: int, retry: bool
    ) -> list[CampaignSummary]:
        self.calls.append((state, offset, retry))
        self.in_flight.add(state)
        if self.in_flight >= set(REMOTE_ACTIVE_STATES):
            self.all_in_flight.set()
        await self.all_in_flight.wait()
        pages = self.pages.get(state, [])
        index = offset // MAX_BATCH
        return pages[index] if index < len(pages) else []


def test_there_are_several_state_lists_to_read():
    assert len(REMOTE_ACTIVE_STATES) >= 2


async def test_the_state_lists_are_requested_at_once():
    states = list(REMOTE_ACTIVE_STATES)
    account = _Lists(
        {state: [[_summary(f"{state}-1", state)]] for state in states},
    )

    async with asyncio.timeout(WITHIN):
        index = await sync._state_index(account)

    assert index == {f"{state}-1": state for state in states}
    assert sorted(account.calls) == sorted((state, 0, False) for state in states)


async def test_a_long_list_is_still_read_page_by_page():
    states = list(REMOTE_ACTIVE_STATES)
    full = [_summary(f"a{n}", states[0]) for n in range(MAX_BATCH)]
    account = _Lists({states[0]: [full, [_summary("last", states[0])]]})

    async with asyncio.timeout(WITHIN):
        index = await sync._state_index(account)

    assert len(index) == MAX_BATCH + 1
    assert index["last"] == states[0]
    assert (states[0], MAX_BATCH, False) in account.calls


class _OneListFails(_Lists):
    def __init__(self, failing: str):
        super().__init__()
        self.failing = failing
        self.others_cancelled = 0

    async def list_campaigns(self, *, state, offset, limit, retry):
        if state == self.failing:
            raise SarbacaneError("list refused")
        try:
            return await super().list_campaigns(
                state=state, offset=offset, limit=limit, retry=retry
            )
        except asyncio.CancelledError:
            self.others_cancelled += 1
            raise


async def test_a_failing_list_fails_the_centre_read_and_stops_the_others():
    states = list(REMOTE_ACTIVE_STATES)
    account = _OneListFails(failing=states[-1])

    async with asyncio.timeout(WITHIN):
        with pytest.raises(SarbacaneError):
            await sync._state_index(account)

    # The other lists never answer here; they are not left running.
    assert account.others_cancelled == len(states) - 1
