"""Transient faults, lost answers and retries, against the simulator."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_hub.sarbacane import SarbacaneClient, SarbacaneUnavailable
from sms_hub.sarbacane.simulator import create_app
from sms_hub.sarbacane.simulator._store import Store
from sms_hub.services.gateway import user_message
from sms_hub.settings import SIMULATOR_MOUNT
from tests.integration.sarbacane_fake import WRAPPED_LOCK
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    ServerThread,
    Simulator,
    make_client,
    phones,
    simulator_settings,
)
from tests.support.ports import free_port

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
    assert "rien n'a été modifié" in user_message(caught.value)
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


# -- sending: never twice ------------------------------------------------------

SEND = "POST /v1/campaigns/{campaign_id}/send"
RECIPIENTS = "POST /v1/campaigns/{campaign_id}/recipients"


async def ready_campaign(client: SarbacaneClient, count: int = 3) -> str:
    campaign_id = await create(client)
    await client.add_recipients(campaign_id, [(None, n) for n in phones(count)])
    return campaign_id


async def launches(client: SarbacaneClient, campaign_id: str) -> list[str]:
    """The send ids of the campaign's report that were launched (dated, or
    scheduled): a campaign has a send id from its creation on, launched or not."""
    report = await client.report(campaign_id)
    return [
        send.send_id
        for send in report.sends
        if send.date is not None or send.raw.get("requestedSendDate")
    ]


async def test_a_send_whose_answer_was_lost_is_not_sent_twice(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await ready_campaign(client)
    created = (await client.get_campaign(campaign_id)).sends
    sim.set_faults(drop_response_after_commit=1)
    await client.send_now(campaign_id)
    campaign = await client.get_campaign(campaign_id)
    assert campaign.sends == created and campaign.state != "DRAFT"
    assert await launches(client, campaign_id) == list(created)
    assert sim.count(SEND) == 1


async def test_a_scheduled_send_whose_answer_was_lost_is_not_sent_twice(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await ready_campaign(client)
    sim.set_faults(drop_response_after_commit=1)
    await client.schedule(campaign_id, datetime.now(UTC) + timedelta(days=1))
    campaign = await client.get_campaign(campaign_id)
    assert campaign.state == "DRAFT" and len(campaign.sends) == 1
    assert await launches(client, campaign_id) == list(campaign.sends)
    assert sim.count(SEND) == 1


async def test_a_send_that_failed_before_taking_effect_is_retried_once(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await ready_campaign(client)
    sim.set_faults(error_next=1, fault_route=SEND)
    await client.send_now(campaign_id)
    assert len(await launches(client, campaign_id)) == 1
    assert sim.count(SEND) == 2


async def test_a_relaunch_whose_answer_was_lost_is_recognised(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(moderation_seconds=60)
    campaign_id = await ready_campaign(client)
    await client.send_now(campaign_id)
    await client.cancel(campaign_id)
    sim.set_faults(drop_response_after_commit=1, moderation_seconds=0)
    await client.send_now(campaign_id)
    assert len((await client.get_campaign(campaign_id)).sends) == 2
    assert len(await launches(client, campaign_id)) == 2
    assert sim.count(SEND) == 2


async def test_a_cancel_whose_answer_was_lost_is_simply_repeated(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(moderation_seconds=60)
    campaign_id = await ready_campaign(client)
    await client.send_now(campaign_id)
    sim.set_faults(drop_response_after_commit=1)
    await client.cancel(campaign_id)
    assert (await client.get_campaign(campaign_id)).cancelled is True
    assert sim.count("POST /v1/campaigns/{campaign_id}/cancel") == 2


async def test_assigning_exclusion_lists_is_retried_blindly(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await create(client)
    sim.set_faults(drop_response_after_commit=1)
    await client.assign_blacklists(campaign_id, ["DEFAULT_BLACKLIST"])
    assert (await client.get_campaign(campaign_id)).blacklists == ("DEFAULT_BLACKLIST",)
    assert sim.count("POST /v1/campaigns/{campaign_id}/blacklists") == 2


# -- recipients: never pushed twice ---------------------------------------------


def batches(numbers: list[str], size: int = 1000) -> list[list[tuple[None, str]]]:
    return [
        [(None, n) for n in numbers[i : i + size]] for i in range(0, len(numbers), size)
    ]


async def test_a_batch_whose_answer_was_lost_is_read_back_not_pushed_again(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await create(client)
    first, second = batches(phones(2000))
    await client.add_recipients(campaign_id, first, already_pushed=0)
    sim.set_faults(drop_response_after_commit=1)
    assert await client.add_recipients(campaign_id, second, already_pushed=1000) == 1000
    campaign = await client.get_campaign(campaign_id)
    assert (campaign.recipient_count, campaign.raw["duplicateCount"]) == (2000, 0)
    assert sim.count(RECIPIENTS) == 2


async def test_a_batch_that_failed_before_taking_effect_is_pushed_once_more(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await create(client)
    (batch,) = batches(phones(500))
    sim.set_faults(error_next=1, fault_route=RECIPIENTS)
    await client.add_recipients(campaign_id, batch, already_pushed=0)
    campaign = await client.get_campaign(campaign_id)
    assert (campaign.recipient_count, campaign.raw["duplicateCount"]) == (500, 0)
    assert sim.count(RECIPIENTS) == 2


async def test_a_lost_batch_without_a_known_offset_is_reported_as_uncertain(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await create(client)
    sim.set_faults(drop_response_after_commit=1)
    with pytest.raises(SarbacaneUnavailable) as caught:
        await client.add_recipients(campaign_id, [(None, n) for n in phones(2)])
    assert caught.value.maybe_applied
    assert "Vérifiez" in user_message(caught.value)
    assert sim.count(RECIPIENTS) == 1


async def test_an_import_interrupted_midway_resumes_without_duplicates(
    sim: Simulator, client: SarbacaneClient
) -> None:
    """The service's loop: batches of 1000, the pushed count kept locally."""
    campaign_id = await create(client)
    todo = batches(phones(3000))
    pushed = 0
    await client.add_recipients(campaign_id, todo[0], already_pushed=pushed)
    pushed += 1000
    # Sarbacane takes the second batch, then the service crashes before
    # recording it: its local count stays at 1000.
    await client.add_recipients(campaign_id, todo[1], already_pushed=pushed)
    sim.set_faults(error_rate=1.0)
    with pytest.raises(SarbacaneUnavailable):
        await client.add_recipients(campaign_id, todo[2], already_pushed=2000)
    sim.reset()
    # Resume: skip what Sarbacane already has, push the rest.
    for batch in todo[1:]:
        if not await client.recipients_already_added(campaign_id, batch, offset=pushed):
            await client.add_recipients(campaign_id, batch, already_pushed=pushed)
        pushed += len(batch)
    campaign = await client.get_campaign(campaign_id)
    assert (campaign.recipient_count, campaign.raw["duplicateCount"]) == (3000, 0)
    assert sim.count(RECIPIENTS) == 1


# -- one writer per campaign --------------------------------------------------


async def test_two_concurrent_writes_on_a_campaign_meet_the_lock(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await create(client)
    sim.set_faults(latency_ms=300)
    headers = {"accountId": ACCOUNT_ID, "apiKey": API_KEY}
    url = f"{sim.api_url}/campaigns/{campaign_id}/recipients"
    async with httpx.AsyncClient(headers=headers) as http:
        responses = await asyncio.gather(
            http.post(url, json=[{"phone": phones(1)[0]}]),
            http.post(url, json=[{"phone": phones(1)[0]}]),
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 500]
    locked = next(r for r in responses if r.status_code == 500)
    assert locked.json() == WRAPPED_LOCK  # as the public evidence shows it


async def test_the_client_waits_for_the_lock_and_both_writes_land(
    sim: Simulator, client: SarbacaneClient
) -> None:
    """Another writer holds the campaign's lock; the client retries until it is free.

    The test holds the lock itself and releases it once the simulator has
    refused the client at least once, so no timing decides the outcome: the
    client's retry budget (many attempts) only has to outlast one release.
    """
    campaign_id = await create(client)
    await client.add_recipients(campaign_id, [(None, n) for n in phones(3)])
    other_writer = Store(simulator_settings(sim.db_path))
    token = other_writer.acquire_lock(campaign_id)
    assert token is not None
    patient = make_client(sim.api_url, max_retries=200, backoff_max=0.05)
    write = asyncio.create_task(
        patient.add_recipients(campaign_id, [(None, n) for n in phones(2)])
    )
    try:
        while sim.count(RECIPIENTS) < 2:
            assert not write.done(), "the write ended while the lock was held"
            await asyncio.sleep(0.01)
    finally:
        other_writer.release_lock(campaign_id, token)
    await write
    await patient.aclose()
    assert (await client.get_campaign(campaign_id)).recipient_count == 5


async def test_two_workers_on_one_database_share_everything(
    sim: Simulator, client: SarbacaneClient
) -> None:
    other = create_app(simulator_settings(sim.db_path))
    with ServerThread(Starlette(routes=[Mount(SIMULATOR_MOUNT, app=other)])) as server:
        second = make_client(server.url + SIMULATOR_MOUNT + "/v1")
        campaign_id = await create(client)
        await second.add_recipients(campaign_id, [(None, n) for n in phones(2)])
        sim.set_faults(latency_ms=300)
        headers = {"accountId": ACCOUNT_ID, "apiKey": API_KEY}
        path = f"/v1/campaigns/{campaign_id}/recipients"
        async with httpx.AsyncClient(headers=headers) as http:
            responses = await asyncio.gather(
                http.post(sim.root + path, json=[{"phone": phones(1)[0]}]),
                http.post(
                    server.url + SIMULATOR_MOUNT + path, json=[{"phone": phones(1)[0]}]
                ),
            )
        await second.aclose()
    assert sorted(r.status_code for r in responses) == [200, 500]
    assert (await client.get_campaign(campaign_id)).recipient_count == 3


def test_the_standalone_simulator_serves_the_same_paths(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sms_hub.sarbacane.simulator",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "standalone.db"),
            "--workers",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}{SIMULATOR_MOUNT}/v1/info"
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(
                    url, headers={"accountId": "demo-account", "apiKey": "demo-api-key"}
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert response.status_code == 200
        assert (tmp_path / "standalone.db").exists()
    finally:
        process.terminate()
        process.wait(10)


async def test_faults_can_come_from_the_settings(tmp_path: Path) -> None:
    settings = simulator_settings(tmp_path / "faulty.db", lock_error_rate=1.0)
    with ServerThread(create_app(settings)) as server:
        client = make_client(server.url + "/v1", max_retries=1)
        with pytest.raises(SarbacaneUnavailable) as caught:
            await client.info()
        await client.aclose()
    assert caught.value.code == "FAILED TO ACQUIRE LOCK"
