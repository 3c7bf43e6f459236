"""Transient faults, lost answers and retries, against the simulator."""

from __future__ import annotations

import time
import uuid

import pytest

from sms_hub.sarbacane import SarbacaneClient, SarbacaneUnavailable
from tests.integration.sarbacane_support import Simulator, free_port, make_client

pytest_plugins = ["tests.integration.sarbacane_fixtures"]

CAMPAIGN = "GET /v1/campaigns/{campaign_id}"
CREATE = "POST /v1/campaigns/sms"


def unique_name() -> str:
    return f"Relance {uuid.uuid4().hex[:8]}"


async def create(client: SarbacaneClient, name: str | None = None) -> str:
    ref = await client.create_sms_campaign(
        name=name or unique_name(), kind="SMS_MARKETING", sms_from=None, content="Hi"
    )
    return ref.id


@pytest.mark.parametrize(
    "fault",
    ["error_next", "lock_error_next", "rate_limit_next", "unreachable_next"],
)
async def test_a_transient_fault_on_a_read_is_retried_then_succeeds(
    sim: Simulator, client: SarbacaneClient, fault: str
) -> None:
    campaign_id = await create(client)
    sim.set_faults(**{fault: 2})
    campaign = await client.get_campaign(campaign_id)
    assert campaign.id == campaign_id
    assert sim.count(CAMPAIGN) == 3


async def test_retries_are_bounded_then_unavailable(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(error_rate=1.0)
    with pytest.raises(SarbacaneUnavailable) as caught:
        await client.info()
    assert caught.value.status_code == 500
    assert caught.value.code == "INTERNAL_SERVER_ERROR"
    assert "rien n'a été modifié" in caught.value.user_message
    assert sim.count("GET /v1/info") == 1 + client.max_retries


async def test_retry_after_is_honoured_but_capped(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(rate_limit_next=1)
    started = time.monotonic()
    await client.info()
    assert time.monotonic() - started < 1.0  # Retry-After: 1, capped at 0.05 s
    assert sim.count("GET /v1/info") == 2


async def test_rates_of_one_always_fault(
    sim: Simulator, client: SarbacaneClient
) -> None:
    for knob, code in [
        ("lock_error_rate", "FAILED TO ACQUIRE LOCK"),
        ("rate_limit_rate", None),
    ]:
        sim.reset()
        sim.set_faults(**{knob: 1.0})
        with pytest.raises(SarbacaneUnavailable) as caught:
            await client.info()
        if code:
            assert caught.value.code == code
        assert sim.count("GET /v1/info") == 1 + client.max_retries


async def test_a_timeout_on_a_read_is_retried(sim: Simulator) -> None:
    client = make_client(sim.api_url, timeout_seconds=0.2, max_retries=1)
    sim.set_faults(latency_ms=400)
    with pytest.raises(SarbacaneUnavailable):
        await client.info()
    await client.aclose()
    assert sim.count("GET /v1/info") == 2


async def test_a_server_that_is_down_is_unavailable() -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}/v1", max_retries=2)
    with pytest.raises(SarbacaneUnavailable) as caught:
        await client.info()
    await client.aclose()
    assert caught.value.status_code is None
    assert not caught.value.maybe_applied


async def test_a_create_whose_answer_was_lost_is_adopted_not_repeated(
    sim: Simulator, client: SarbacaneClient
) -> None:
    name = unique_name()
    sim.set_faults(drop_response_after_commit=1)
    campaign_id = await create(client, name)
    assert sim.count(CREATE) == 1
    found = await client.list_campaigns(search=name)
    assert [c.id for c in found] == [campaign_id]


async def test_a_create_that_failed_before_commit_is_retried_once(
    sim: Simulator, client: SarbacaneClient
) -> None:
    name = unique_name()
    sim.set_faults(error_next=1)
    campaign_id = await create(client, name)
    assert sim.count(CREATE) == 2
    assert [c.id for c in await client.list_campaigns(search=name)] == [campaign_id]


async def test_a_create_that_keeps_failing_says_it_may_have_happened(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(error_rate=1.0)
    with pytest.raises(SarbacaneUnavailable) as caught:
        await create(client)
    assert caught.value.maybe_applied
    assert sim.count(CREATE) == 1  # the read-back failed too: no blind retry


async def test_a_create_refused_by_a_lock_is_retried_blindly(
    sim: Simulator, client: SarbacaneClient
) -> None:
    name = unique_name()
    sim.set_faults(lock_error_next=2)
    await create(client, name)
    assert sim.count(CREATE) == 3
    assert sim.count("GET /v1/campaigns") == 0
    assert len(await client.list_campaigns(search=name)) == 1


async def test_a_delete_whose_answer_was_lost_succeeds(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await create(client)
    sim.set_faults(drop_response_after_commit=1)
    await client.delete_campaign(campaign_id)
    assert sim.count("DELETE /v1/campaigns/{campaign_id}") == 2
