"""Faults against a scripted Sarbacane in the shapes of the public evidence.

The simulator still answers in the older shapes; ``FakeSarbacane`` answers
as the evidence says Sarbacane does (``sends[0]`` from creation, no
``state`` in ``GET /campaigns/{id}``, wrapped lock errors).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sms_hub.sarbacane import SarbacaneClient
from tests.integration.sarbacane_fake import (
    ERROR,
    ERROR_NEW_SEND_ID,
    LOCK,
    LOST,
    FakeSarbacane,
)

CREATE = "POST /campaigns/sms"
SEND = "POST /campaigns/{id}/send"


async def created(client: SarbacaneClient, name: str = "Rentrée") -> str:
    ref = await client.create_sms_campaign(
        name=name, kind="SMS_MARKETING", sms_from=None, content="Bonjour"
    )
    return ref.id


async def test_a_wrapped_lock_on_create_is_retried_and_creates_once() -> None:
    fake = FakeSarbacane()
    fake.script(CREATE, LOCK, LOCK)
    client = fake.client()
    campaign_id = await created(client)
    await client.aclose()
    assert list(fake.campaigns) == [campaign_id]
    assert fake.count("POST /campaigns/sms") == 3
    assert fake.count("GET /campaigns") == 0  # a lock is no lost answer: no read-back


async def test_a_wrapped_lock_on_send_is_retried_and_sends_once() -> None:
    fake = FakeSarbacane()
    client = fake.client()
    campaign_id = await created(client)
    fake.script(SEND, LOCK, LOCK)
    await client.send_now(campaign_id)
    await client.aclose()
    assert fake.sends_done == {campaign_id: 1}
    assert fake.count(f"POST /campaigns/{campaign_id}/send") == 3
    assert fake.count("GET /reports") == fake.count("GET /campaigns?") == 0


@pytest.mark.parametrize("landing", ["MODERATION", "ROUTING", "FINISH"])
async def test_a_lost_send_answer_is_read_back_as_sent(landing: str) -> None:
    """``sends`` does not grow (``sends[0]`` was there from creation): the
    state filter is what proves the send."""
    fake = FakeSarbacane(state_after_send=landing)
    client = fake.client()
    campaign_id = await created(client)
    fake.script(SEND, LOST)
    await client.send_now(campaign_id)
    campaign = await client.get_campaign(campaign_id)
    await client.aclose()
    assert campaign.sends == (f"snd-{campaign_id}-1",) and campaign.state is None
    assert fake.sends_done == {campaign_id: 1}
    assert fake.count(f"POST /campaigns/{campaign_id}/send") == 1
    assert (
        fake.count(
            f"GET /campaigns?offset=0&limit=1000&search=Rentr%C3%A9e&state={landing}"
        )
        == 1
    )


@pytest.mark.parametrize("failure", [ERROR, ERROR_NEW_SEND_ID])
async def test_a_lost_send_answer_is_read_back_as_not_sent(failure: str) -> None:
    """Nothing was sent, even when a new send id shows up: sent once, after."""
    fake = FakeSarbacane()
    client = fake.client()
    campaign_id = await created(client)
    fake.script(SEND, failure)
    await client.send_now(campaign_id)
    await client.aclose()
    assert fake.sends_done == {campaign_id: 1}
    assert fake.count(f"POST /campaigns/{campaign_id}/send") == 2
    assert fake.count(f"GET /reports/{campaign_id}") == 1


async def test_a_lost_send_answer_is_read_back_from_the_report_date() -> None:
    """A state none of the filters lists: the report's send date tells."""
    fake = FakeSarbacane(state_after_send="QUEUED")
    client = fake.client()
    campaign_id = await created(client)
    fake.script(SEND, LOST)
    await client.send_now(campaign_id)
    await client.aclose()
    assert fake.sends_done == {campaign_id: 1}
    assert fake.count(f"POST /campaigns/{campaign_id}/send") == 1


async def test_a_lost_schedule_answer_is_read_back_from_the_requested_date() -> None:
    fake = FakeSarbacane()
    client = fake.client()
    campaign_id = await created(client)
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    fake.script(SEND, LOST)
    await client.schedule(campaign_id, when)
    campaign = await client.get_campaign(campaign_id)
    await client.aclose()
    assert campaign.requested_send_date == when
    assert fake.sends_done == {campaign_id: 1}
    assert fake.count(f"POST /campaigns/{campaign_id}/send") == 1


async def test_a_lost_create_answer_is_adopted_not_repeated() -> None:
    fake = FakeSarbacane()
    fake.script(CREATE, LOST)
    client = fake.client()
    campaign_id = await created(client, "Relance unique")
    await client.aclose()
    assert list(fake.campaigns) == [campaign_id]
    assert fake.count("POST /campaigns/sms") == 1
