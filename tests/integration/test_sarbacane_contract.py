"""The client against the simulator, over real HTTP: each call of the contract.

The simulator runs once per response style (``SIMULATOR_RESPONSE_STYLE``):
every test using it checks the client against each shape the public
evidence allows (reports keyed by send id or listed, ``state`` given by
``GET /campaigns/{id}`` or only by the state filter, lock errors wrapped or
plain).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_hub.sarbacane import (
    KNOWN_STATES,
    AccountInfo,
    CampaignRef,
    CampaignReport,
    Credits,
    RecipientIn,
    RecipientReport,
    RemoteCampaign,
    SarbacaneClient,
    SarbacaneConfigError,
    SarbacaneNotFound,
    SarbacaneRejected,
    get_client,
)
from sms_hub.sarbacane.simulator import DEFAULT_BLACKLIST, Knobs, Store, create_app
from sms_hub.services.gateway import user_message
from sms_hub.settings import SIMULATOR_RESPONSE_STYLES, load_settings
from tests.integration.sarbacane_fake import WRAPPED_LOCK
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    ServerThread,
    Simulator,
    make_client,
    phones,
    running_simulator,
    simulator_settings,
)


@pytest.fixture(scope="module", params=SIMULATOR_RESPONSE_STYLES)
def simulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Simulator]:
    with running_simulator(tmp_path_factory, response_style=request.param) as sim:
        yield sim


HEADERS = {"accountId": ACCOUNT_ID, "apiKey": API_KEY}


def style_of(sim: Simulator) -> str:
    return sim.admin("GET", "faults")["response_style"]


async def state_of(client: SarbacaneClient, campaign: RemoteCampaign) -> str | None:
    """The campaign's state: from ``GET /campaigns/{id}`` when it gives one,
    else from the state filter of ``GET /campaigns``."""
    if campaign.state is not None:
        return campaign.state
    for state in KNOWN_STATES:
        listed = await client.list_campaigns(search=campaign.name, state=state)
        if any(summary.id == campaign.id for summary in listed):
            return state
    return None


def unique_name(label: str = "Rentrée") -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


async def new_campaign(
    client: SarbacaneClient, content: str = "Bonjour"
) -> CampaignRef:
    return await client.create_sms_campaign(
        name=unique_name(), kind="SMS_MARKETING", sms_from="Centre", content=content
    )


# -- account --------------------------------------------------------------


async def test_info_proves_the_credentials(client: SarbacaneClient) -> None:
    info = await client.info()
    assert isinstance(info, AccountInfo)
    assert info.account_id == ACCOUNT_ID


@pytest.mark.parametrize(
    ("account_id", "api_key", "code"),
    [
        ("", "key-test", "NEED_ACCOUNT_ID"),
        ("acc-test", "", "NEED_API_KEY"),
        ("acc-test", "wrong", "API_KEY_UNAUTHORIZED"),
    ],
)
async def test_refused_credentials_are_a_config_error_never_retried(
    sim: Simulator, account_id: str, api_key: str, code: str
) -> None:
    client = make_client(sim.api_url, account_id=account_id, api_key=api_key)
    with pytest.raises(SarbacaneConfigError) as caught:
        await client.info()
    await client.aclose()
    assert caught.value.status_code == 401
    assert caught.value.code == code
    assert "mal configurée" in user_message(caught.value)
    assert sim.count("GET /v1/info") == 1


async def test_forced_unauthorized_is_a_config_error(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(force_unauthorized=True)
    with pytest.raises(SarbacaneConfigError):
        await client.info()
    assert sim.count("GET /v1/info") == 1


def test_http_basic_is_accepted_as_credentials(sim: Simulator) -> None:
    response = httpx.get(f"{sim.api_url}/info", auth=("acc-test", "key-test"))
    assert response.status_code == 200


# -- the shapes of the answers ----------------------------------------------


def test_the_open_shapes_follow_the_response_style(sim: Simulator) -> None:
    name = unique_name("Forme")
    created = httpx.post(
        f"{sim.api_url}/campaigns/sms",
        headers=HEADERS,
        json={"name": name, "kind": "SMS_MARKETING", "content": "x"},
    ).json()
    read = httpx.get(f"{sim.api_url}/campaigns/{created['id']}", headers=HEADERS)
    campaign = read.json()["campaign"]
    (listed,) = httpx.get(
        f"{sim.api_url}/campaigns", headers=HEADERS, params={"search": name}
    ).json()
    report = httpx.get(f"{sim.api_url}/reports/{created['id']}", headers=HEADERS)
    sim.set_faults(lock_error_next=1)
    locked = httpx.get(f"{sim.api_url}/info", headers=HEADERS)
    (send_id,) = campaign["sends"]
    if style_of(sim) == "likely":
        assert campaign["state"] == listed["state"] == "DRAFT"
        assert list(report.json()) == [send_id]
        assert report.json()[send_id]["date"] is None
        assert locked.json() == WRAPPED_LOCK
    else:
        assert "state" not in campaign and "state" not in listed
        assert [(s["sendId"], s["date"]) for s in report.json()] == [(send_id, None)]
        assert locked.json() == {"message": "FAILED TO ACQUIRE LOCK"}
    assert locked.status_code == 500


async def test_credits_are_a_list_with_email_credits_beside_the_sms(
    sim: Simulator, client: SarbacaneClient
) -> None:
    body = httpx.get(f"{sim.api_url}/credits", headers=HEADERS).json()
    assert [entry["creditType"] for entry in body] == ["SMS", "EMAIL_CAMPAIGNS"]
    assert all(
        set(entry) == {"count", "creditType", "expirationDate", "subscriptionType"}
        for entry in body
    )
    credits = await client.credits()
    assert credits.sms == body[0]["count"] != body[1]["count"]


# -- campaigns ------------------------------------------------------------


async def test_create_returns_the_new_campaign_as_a_draft(
    client: SarbacaneClient,
) -> None:
    name = unique_name()
    ref = await client.create_sms_campaign(
        name=name, kind="SMS_NOTIFICATION", sms_from=None, content="Cours annulé"
    )
    assert ref.name == name and ref.id
    campaign = await client.get_campaign(ref.id)
    assert (campaign.id, campaign.name, campaign.kind) == (
        ref.id,
        name,
        "SMS_NOTIFICATION",
    )
    assert await state_of(client, campaign) == "DRAFT"
    (first_send,) = campaign.sends  # a send id from the creation on
    assert campaign.sent_date is None and campaign.raw["content"] == "Cours annulé"
    report = await client.report(ref.id)
    assert [(s.send_id, s.date, s.sent) for s in report.sends] == [
        (first_send, None, 0)
    ]


async def test_create_refused_is_a_rejection_with_the_reason(
    client: SarbacaneClient,
) -> None:
    with pytest.raises(SarbacaneRejected) as caught:
        await client.create_sms_campaign(
            name=unique_name(), kind="EMAIL", sms_from=None, content="x"
        )
    assert caught.value.status_code == 400
    assert user_message(caught.value).startswith("Sarbacane a refusé la demande : ")
    assert "INVALID_KIND" in user_message(caught.value)


async def test_list_campaigns_searches_by_name_and_filters_by_state(
    client: SarbacaneClient,
) -> None:
    label = uuid.uuid4().hex[:8]
    first = await client.create_sms_campaign(
        name=f"Promo {label} A", kind="SMS_MARKETING", sms_from=None, content="a"
    )
    await client.create_sms_campaign(
        name=f"Promo {label} B", kind="SMS_MARKETING", sms_from=None, content="b"
    )
    found = await client.list_campaigns(search=label)
    assert sorted(c.name for c in found) == [f"Promo {label} A", f"Promo {label} B"]
    assert all(c.created is not None and c.count == 0 for c in found)
    page = await client.list_campaigns(search=label, offset=1, limit=1)
    assert len(page) == 1
    drafts = await client.list_campaigns(search=label, state="DRAFT")
    assert {c.id for c in drafts} >= {first.id}
    assert await client.list_campaigns(search=label, state="FINISH") == []


def test_the_state_filter_agrees_with_each_campaign_at_every_boundary(
    tmp_path: Path,
) -> None:
    """``list_campaigns`` narrows by state in SQL; the campaign views decide."""
    store = Store(simulator_settings(tmp_path / "states.db"))
    knobs, t0 = Knobs(moderation_seconds=10, recipients_per_second=1), 1_800_000_000.0

    def campaign(content: str = "Bonjour", numbers: int = 3) -> str:
        ref = store.create_campaign(
            name=f"Bornes {len(ids)}",
            kind="SMS_MARKETING",
            sms_from=None,
            content=content,
            now=t0 - 100 + len(ids),
        )
        items = [{"phone": phone} for phone in phones(numbers)]
        store.add_recipients(ref["id"], items, now=t0 - 100)
        ids.append(ref["id"])
        return ref["id"]

    ids: list[str] = []
    campaign()  # never sent
    store.send(campaign(), requested=None, knobs=knobs, now=t0)  # 10 s + 3 s
    store.send(campaign(content=""), requested=None, knobs=knobs, now=t0)  # stuck
    later = datetime.fromtimestamp(t0 + 5, UTC)
    store.send(campaign(), requested=later, knobs=knobs, now=t0)  # scheduled
    cancelled = campaign()
    store.send(cancelled, requested=None, knobs=knobs, now=t0 - 50)
    store.cancel(cancelled, now=t0 - 45)
    resent = campaign(numbers=1)
    store.send(resent, requested=None, knobs=knobs, now=t0 - 50)
    store.cancel(resent, now=t0 - 45)
    store.send(resent, requested=None, knobs=knobs, now=t0 - 1)  # 10 s + 1 s
    excluded = campaign(numbers=0)
    store.add_recipients(excluded, [{"phone": "+33600000999"}], now=t0 - 100)
    store.assign_blacklists(excluded, [DEFAULT_BLACKLIST], now=t0 - 100)
    store.send(excluded, requested=None, knobs=knobs, now=t0)  # nobody to send to

    seen: set[str] = set()
    boundaries = (0, 5, 9, 10, 13, 15, 18, 23, 500)
    for now in sorted({t0 + b + d for b in boundaries for d in (-1e-6, 0, 1e-6)}):
        views = [store.campaign(campaign_id, now) for campaign_id in reversed(ids)]
        listed = store.list_campaigns(
            search="Bornes", state=None, offset=0, limit=100, now=now
        )
        keys = ("id", "name", "kind", "state", "created", "edited", "count")
        assert listed == [{key: view[key] for key in keys} for view in views]
        for state in ("DRAFT", "MODERATION", "ROUTING", "FINISH", "SCHEDULED"):
            found = store.list_campaigns(
                search="Bornes", state=state.lower(), offset=0, limit=100, now=now
            )
            assert [c["id"] for c in found] == [
                view["id"] for view in views if view["state"] == state
            ], (state, now - t0)
        seen.update(view["state"] for view in views)
    assert seen == {"DRAFT", "MODERATION", "ROUTING", "FINISH"}


async def test_unknown_campaign_is_not_found(client: SarbacaneClient) -> None:
    with pytest.raises(SarbacaneNotFound) as caught:
        await client.get_campaign("does-not-exist")
    assert user_message(caught.value) == "Cette campagne n'existe plus dans Sarbacane."


async def test_delete_removes_the_campaign_and_is_idempotent(
    sim: Simulator, client: SarbacaneClient
) -> None:
    ref = await new_campaign(client)
    await client.delete_campaign(ref.id)
    with pytest.raises(SarbacaneNotFound):
        await client.get_campaign(ref.id)
    await client.delete_campaign(ref.id)
    assert sim.count("DELETE /v1/campaigns/{campaign_id}") == 2


async def test_state_survives_a_restart_of_the_simulator(
    sim: Simulator, client: SarbacaneClient
) -> None:
    ref = await new_campaign(client)
    second = create_app(simulator_settings(sim.db_path))
    with ServerThread(second) as server:
        other = make_client(server.url + "/v1")
        campaign = await other.get_campaign(ref.id)
        await other.aclose()
    assert campaign.name == ref.name


# -- recipients -----------------------------------------------------------


async def test_recipients_are_added_in_batches_and_listed_in_order(
    client: SarbacaneClient,
) -> None:
    ref = await new_campaign(client)
    numbers = phones(1500)
    first = [
        RecipientIn(email=f"p{i}@example.fr", phone=n)
        for i, n in enumerate(numbers[:1000])
    ]
    assert await client.add_recipients(ref.id, first) == 1000
    assert (
        await client.add_recipients(ref.id, [(None, n) for n in numbers[1000:]]) == 500
    )
    page = await client.list_recipients(ref.id, offset=990, limit=20)
    assert [r.phone for r in page] == numbers[990:1010]
    assert page[0].email == "p990@example.fr" and page[-1].email is None
    campaign = await client.get_campaign(ref.id)
    assert campaign.recipient_count == 1500
    assert campaign.raw["duplicateCount"] == 0


async def test_more_than_1000_recipients_in_one_call_is_refused_locally(
    sim: Simulator, client: SarbacaneClient
) -> None:
    with pytest.raises(ValueError):
        await client.add_recipients("any", [(None, n) for n in phones(1001)])
    assert sim.count("POST /v1/campaigns/{campaign_id}/recipients") == 0


async def test_a_phone_not_in_e164_is_rejected(client: SarbacaneClient) -> None:
    ref = await new_campaign(client)
    with pytest.raises(SarbacaneRejected) as caught:
        await client.add_recipients(
            ref.id, [(None, "+33600000001"), (None, "0612345678")]
        )
    assert caught.value.status_code == 400
    assert "INVALID_PHONE" in (caught.value.code or "")
    assert await client.list_recipients(ref.id) == []


def test_recipients_post_echoes_the_array(sim: Simulator) -> None:
    headers = {"accountId": "acc-test", "apiKey": "key-test"}
    ref = httpx.post(
        f"{sim.api_url}/campaigns/sms",
        headers=headers,
        json={"name": "Echo", "kind": "SMS_MARKETING", "content": "x"},
    ).json()
    body = [{"email": "a@example.fr", "phone": "+33600000001"}]
    response = httpx.post(
        f"{sim.api_url}/campaigns/{ref['id']}/recipients", headers=headers, json=body
    )
    assert response.status_code == 200 and response.json() == body


async def test_duplicates_are_accepted_and_counted(client: SarbacaneClient) -> None:
    ref = await new_campaign(client)
    batch = [(None, n) for n in phones(3)]
    await client.add_recipients(ref.id, batch)
    await client.add_recipients(ref.id, batch[:2])
    campaign = await client.get_campaign(ref.id)
    assert (campaign.recipient_count, campaign.raw["duplicateCount"]) == (5, 2)


# -- exclusion lists ------------------------------------------------------


async def test_the_seeded_exclusion_lists(client: SarbacaneClient) -> None:
    lists = {b.id: b.name for b in await client.list_blacklists()}
    assert lists["DEFAULT_BLACKLIST"] == "Désinscrits STOP"
    assert lists["DEFAULT_BOUNCELIST"] == "Adresses en erreur"
    assert {"Anciens stagiaires opposés", "Salariés du centre"} <= set(lists.values())
    staff = next(i for i, name in lists.items() if name == "Salariés du centre")
    members = await client.blacklist_entries(staff)
    assert len(members) == 3 and all(m.phone for m in members)
    one = await client.blacklist_entries(staff, phone=members[0].phone)
    assert [m.phone for m in one] == [members[0].phone]
    bounces = await client.blacklist_entries("DEFAULT_BOUNCELIST", kind="bounces")
    assert bounces and {e.state for e in bounces} == {"BOUNCES"}


async def test_an_exclusion_entry_holds_every_number_of_its_address(
    client: SarbacaneClient,
) -> None:
    email, numbers = "ancien.stagiaire@example.fr", ("+33600000203", "+33600000204")
    former = await client.blacklist_entries("anciens-stagiaires")
    (person,) = [e for e in former if e.email == email]
    assert (person.phones, person.state) == (numbers, "UNSUBSCRIBERS")
    assert person.raw["phones"] == ",".join(numbers)
    found = await client.blacklist_entries("anciens-stagiaires", phone=numbers[1])
    assert [(e.email, e.phones) for e in found] == [(email, numbers)]


async def test_add_to_an_exclusion_list_is_idempotent(client: SarbacaneClient) -> None:
    (number,) = phones(1)
    await client.add_to_blacklist("DEFAULT_BLACKLIST", phone=number)
    await client.add_to_blacklist("DEFAULT_BLACKLIST", phone=number)
    found = await client.blacklist_entries("DEFAULT_BLACKLIST", phone=number)
    assert [e.phone for e in found] == [number]
    with pytest.raises(ValueError):
        await client.add_to_blacklist("DEFAULT_BLACKLIST")
    with pytest.raises(SarbacaneNotFound):
        await client.add_to_blacklist("no-such-list", phone=number)


async def test_assigned_exclusion_lists_exclude_their_members(
    client: SarbacaneClient,
) -> None:
    ref = await new_campaign(client)
    keep = phones(3)
    (stop, by_email, unassigned) = phones(3)
    await client.add_to_blacklist("DEFAULT_BLACKLIST", phone=stop)
    await client.add_to_blacklist("anciens-stagiaires", email="opposed@example.fr")
    await client.add_to_blacklist("salaries-centre", phone=unassigned)
    await client.add_recipients(
        ref.id,
        [(None, n) for n in keep]
        + [(None, stop), ("opposed@example.fr", by_email), (None, unassigned)],
    )
    await client.assign_blacklists(ref.id, ["DEFAULT_BLACKLIST", "anciens-stagiaires"])
    campaign = await client.get_campaign(ref.id)
    assert set(campaign.blacklists) == {"DEFAULT_BLACKLIST", "anciens-stagiaires"}
    await client.send_now(ref.id)
    await wait_for_state(client, ref.id, "FINISH")
    sent = await client.report_recipients(ref.id)
    assert sorted(r.phone for r in sent) == sorted([*keep, unassigned])


async def test_assigning_an_unknown_exclusion_list_is_rejected(
    client: SarbacaneClient,
) -> None:
    ref = await new_campaign(client)
    with pytest.raises(SarbacaneRejected):
        await client.assign_blacklists(ref.id, ["nope"])


# -- sending, its life and its reports --------------------------------------


async def wait_for_state(
    client: SarbacaneClient, campaign_id: str, state: str, timeout: float = 5.0
) -> RemoteCampaign:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        campaign = await client.get_campaign(campaign_id)
        current = await state_of(client, campaign)
        if current == state:
            return campaign
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {current}, never {state}")
        await asyncio.sleep(0.02)


async def campaign_with(
    client: SarbacaneClient, numbers: list[str], content: str = "Bonjour"
) -> str:
    ref = await new_campaign(client, content)
    await client.add_recipients(ref.id, [(None, n) for n in numbers])
    return ref.id


async def test_a_send_goes_through_moderation_routing_then_finish(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(moderation_seconds=10, recipients_per_second=1)
    campaign_id = await campaign_with(client, phones(5))
    created = (await client.get_campaign(campaign_id)).sends
    await client.send_now(campaign_id)
    campaign = await client.get_campaign(campaign_id)
    assert await state_of(client, campaign) == "MODERATION"
    assert campaign.sends == created  # the send took the id given at creation
    assert campaign.sent_date is not None
    (send,) = (await client.report(campaign_id)).sends
    assert send.send_id == created[0] and send.date is not None
    sim.set_faults(clock_offset_seconds=12.5)
    campaign = await client.get_campaign(campaign_id)
    assert (await state_of(client, campaign), campaign.processed_count) == (
        "ROUTING",
        2,
    )
    sim.set_faults(clock_offset_seconds=16)
    campaign = await client.get_campaign(campaign_id)
    assert (await state_of(client, campaign), campaign.processed_count) == (
        "FINISH",
        5,
    )
    assert [
        c.id for c in await client.list_campaigns(state="FINISH", search=campaign.name)
    ] == [campaign_id]


async def test_reports_follow_the_outcome_rule(client: SarbacaneClient) -> None:
    ok, failed, stop = phones(4), phones(2, ending="13"), phones(1, ending="99")
    campaign_id = await campaign_with(client, ok + failed + stop)
    await client.send_now(campaign_id)
    await wait_for_state(client, campaign_id, "FINISH")
    report = await client.report(campaign_id)
    (send,) = report.sends
    assert (send.sent, send.delivered, send.bounces, send.unsubscribers) == (7, 5, 2, 1)
    rows = {r.phone: r for r in await client.report_recipients(campaign_id)}
    assert all(rows[n].success and not rows[n].bounce for n in ok)
    assert all(rows[n].bounce and not rows[n].success for n in failed)
    assert rows[stop[0]].unsubscribe and rows[stop[0]].success
    stops = await client.blacklist_entries("DEFAULT_BLACKLIST", phone=stop[0])
    assert [e.phone for e in stops] == stop
    bounced = await client.blacklist_entries(
        "DEFAULT_BOUNCELIST", kind="bounces", phone=failed[0]
    )
    assert [e.phone for e in bounced] == failed[:1]


async def test_report_recipients_come_in_pages_of_1000(client: SarbacaneClient) -> None:
    numbers = phones(1200)
    campaign_id = await campaign_with(client, numbers[:1000])
    await client.add_recipients(campaign_id, [(None, n) for n in numbers[1000:]])
    await client.send_now(campaign_id)
    await wait_for_state(client, campaign_id, "FINISH")
    first = await client.report_recipients(campaign_id, limit=5000)
    second = await client.report_recipients(campaign_id, offset=1000)
    assert len(first) == 1000 and len(second) == 200
    assert [r.phone for r in first + second] == numbers


async def test_a_scheduled_send_waits_for_its_date(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await campaign_with(client, phones(3))
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    await client.schedule(campaign_id, when)
    campaign = await client.get_campaign(campaign_id)
    # DRAFT: the simulator's choice for "scheduled"
    assert await state_of(client, campaign) == "DRAFT"
    assert campaign.requested_send_date == when and len(campaign.sends) == 1
    assert campaign.cancelled is False
    (send,) = (await client.report(campaign_id)).sends
    assert send.date is None  # not sent yet
    sim.set_faults(clock_offset_seconds=2 * 3600 + 1)
    await wait_for_state(client, campaign_id, "FINISH")


async def test_a_naive_send_date_is_refused(client: SarbacaneClient) -> None:
    with pytest.raises(ValueError):
        await client.schedule("any", datetime(2026, 12, 1, 8, 30))


async def test_cancel_freezes_the_send_and_allows_a_new_one(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(moderation_seconds=0, recipients_per_second=1)
    campaign_id = await campaign_with(client, phones(10))
    await client.send_now(campaign_id)
    sim.set_faults(clock_offset_seconds=3.5)
    await client.cancel(campaign_id)
    await client.cancel(campaign_id)  # a second cancel changes nothing
    sim.set_faults(clock_offset_seconds=60)
    campaign = await client.get_campaign(campaign_id)
    assert (
        await state_of(client, campaign),
        campaign.cancelled,
        campaign.processed_count,
    ) == ("DRAFT", True, 3)
    assert len(await client.report_recipients(campaign_id)) == 3
    await client.add_recipients(campaign_id, [(None, n) for n in phones(1)])
    sim.set_faults(recipients_per_second=1000)
    await client.send_now(campaign_id)
    campaign = await wait_for_state(client, campaign_id, "FINISH")
    assert len(campaign.sends) == 2 and campaign.cancelled is False  # a new send id
    report = await client.report(campaign_id)
    assert [s.sent for s in report.sends] == [3, 11]
    assert len(await client.report_recipients(campaign_id)) == 3 + 11


async def test_a_campaign_without_sms_content_never_leaves_moderation(
    sim: Simulator, client: SarbacaneClient
) -> None:
    campaign_id = await campaign_with(client, phones(2), content="")
    await client.send_now(campaign_id)
    sim.set_faults(clock_offset_seconds=3600)
    campaign = await client.get_campaign(campaign_id)
    assert (await state_of(client, campaign), campaign.processed_count) == (
        "MODERATION",
        0,
    )
    await client.cancel(campaign_id)
    assert await state_of(client, await client.get_campaign(campaign_id)) == "DRAFT"


async def test_sending_rules_of_the_simulated_sarbacane(
    client: SarbacaneClient,
) -> None:
    empty = await new_campaign(client)
    with pytest.raises(SarbacaneRejected, match="NO_RECIPIENTS"):
        await client.send_now(empty.id)
    with pytest.raises(SarbacaneRejected):
        await client.cancel(empty.id)
    campaign_id = await campaign_with(client, phones(1))
    await client.send_now(campaign_id)
    with pytest.raises(SarbacaneRejected):
        await client.add_recipients(campaign_id, [(None, n) for n in phones(1)])
    await wait_for_state(client, campaign_id, "FINISH")
    with pytest.raises(SarbacaneRejected, match="CAMPAIGN_ALREADY_SENT"):
        await client.send_now(campaign_id)
    await client.delete_campaign(campaign_id)


async def test_delete_is_refused_while_sending(
    sim: Simulator, client: SarbacaneClient
) -> None:
    sim.set_faults(moderation_seconds=60)
    campaign_id = await campaign_with(client, phones(1))
    await client.send_now(campaign_id)
    with pytest.raises(SarbacaneRejected, match="CAMPAIGN_IS_SENDING"):
        await client.delete_campaign(campaign_id)
    await client.cancel(campaign_id)
    await client.delete_campaign(campaign_id)


async def test_credits_go_down_by_parts_times_recipients_sent(tmp_path: Path) -> None:
    app = create_app(
        simulator_settings(tmp_path / "credits.db", initial_sms_credits=500)
    )
    with ServerThread(app) as server:
        client = make_client(server.url + "/v1")
        assert (await client.credits()).sms == 500
        two_parts = "Bonjour " * 25  # 200 GSM characters
        campaign_id = await campaign_with(client, phones(7), content=two_parts)
        await client.send_now(campaign_id)
        await wait_for_state(client, campaign_id, "FINISH")
        credits = await client.credits()
        report = await client.report(campaign_id)
        await client.aclose()
    assert credits.sms == 500 - 2 * 7
    assert report.sends[0].raw["creditsUsed"] == 14


# -- the simulator's pages ------------------------------------------------


def test_simulator_pages_show_the_campaign(sim: Simulator) -> None:
    created = httpx.post(
        f"{sim.api_url}/campaigns/sms",
        headers={"accountId": "acc-test", "apiKey": "key-test"},
        json={"name": "Page « test »", "kind": "SMS_MARKETING", "content": "Salut"},
    ).json()
    page = httpx.get(f"{sim.root}/app/campaigns/{created['id']}")
    assert page.status_code == 200
    assert "Page « test »" in page.text and "Brouillon" in page.text
    assert "Salut" in page.text
    new = httpx.get(f"{sim.root}/app/campaigns/new")
    assert "Création d'une campagne avancée — simulateur Sarbacane" in new.text
    report = httpx.get(f"{sim.root}/app/reports/{created['id']}")
    assert report.status_code == 200 and "Statistiques" in report.text
    assert httpx.get(f"{sim.root}/app/campaigns/nope").status_code == 404


# -- what goes on the wire ------------------------------------------------


class Recorder:
    """A loopback server that records requests and answers like Sarbacane."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.app = Starlette(
            routes=[
                Route("/{path:path}", self.handle, methods=["GET", "POST", "DELETE"])
            ]
        )

    async def handle(self, request: Request) -> JSONResponse:
        body = await request.body()
        self.requests.append(
            {
                "method": request.method,
                "path": request.scope["raw_path"].decode(),
                "query": dict(request.query_params),
                "headers": dict(request.headers),
                "body": body,
            }
        )
        path = request.url.path
        if path.endswith("/campaigns/sms"):
            return JSONResponse({"id": "c1", "name": "x"})
        if "/campaigns/" in path and request.method == "GET":
            return JSONResponse(
                {"id": "c1", "name": "x", "state": self.state, "surprise": {"a": 1}}
            )
        return JSONResponse({})

    state = "DRAFT"


async def test_client_sends_the_documented_headers_and_paths() -> None:
    recorder = Recorder()
    with ServerThread(recorder.app) as server:
        base = server.url + "/some/prefix/v1"
        client = make_client(base, account_id="acc-42", api_key="secret-key")
        await client.info()
        await client.create_sms_campaign(
            name="N", kind="SMS_MARKETING", sms_from="Centre", content="C"
        )
        await client.get_campaign("c/1")
        await client.delete_campaign("c1")
        await client.aclose()
    methods_paths = [(r["method"], r["path"]) for r in recorder.requests]
    assert methods_paths == [
        ("GET", "/some/prefix/v1/info"),
        ("POST", "/some/prefix/v1/campaigns/sms"),
        ("GET", "/some/prefix/v1/campaigns/c%2F1"),
        ("DELETE", "/some/prefix/v1/campaigns/c1"),
    ]
    for request in recorder.requests:
        assert request["headers"]["accountid"] == "acc-42"
        assert request["headers"]["apikey"] == "secret-key"
        assert "authorization" not in request["headers"]
    create = recorder.requests[1]
    assert create["headers"]["content-type"] == "application/json"
    assert httpx.Response(200, content=create["body"]).json() == {
        "name": "N",
        "kind": "SMS_MARKETING",
        "smsFrom": "Centre",
        "content": "C",
    }


def test_the_key_never_appears_in_the_client_repr() -> None:
    client = SarbacaneClient("http://x/v1", "acc", "very-secret")
    assert "very-secret" not in repr(client)


def test_get_client_is_cached_per_base_url_and_account() -> None:
    settings = load_settings()
    assert get_client(settings) is get_client(settings)
    other = get_client(settings, account_id="someone-else", api_key="k")
    assert other is not get_client(settings)
    assert other.account_id == "someone-else"


async def test_client_speaks_every_documented_call() -> None:
    recorder = Recorder()
    when = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with ServerThread(recorder.app) as server:
        client = make_client(server.url + "/v1")
        await client.list_campaigns(offset=0, limit=50, search="Promo", state="FINISH")
        await client.add_recipients("c1", [("a@example.fr", "+33600000001")])
        await client.list_recipients("c1", offset=1000)
        await client.list_blacklists()
        await client.blacklist_entries("DEFAULT_BLACKLIST", phone="+33600000002")
        await client.add_to_blacklist("DEFAULT_BLACKLIST", phone="+33600000002")
        await client.assign_blacklists("c1", ["DEFAULT_BLACKLIST", "x"])
        await client.send_now("c1")
        await client.schedule("c1", when)
        await client.cancel("c1")
        await client.report("c1")
        await client.report_recipients("c1", offset=1000)
        await client.credits()
        recorder.state = "SOMETHING_NEW"
        campaign = await client.get_campaign("c1")
        await client.aclose()
    assert campaign.state == "SOMETHING_NEW" and campaign.raw["surprise"] == {"a": 1}
    calls = [
        (r["method"], r["path"], r["query"], r["body"] and json.loads(r["body"]))
        for r in recorder.requests[:-1]
    ]
    page = {"offset": "0", "limit": "1000"}
    assert calls == [
        (
            "GET",
            "/v1/campaigns",
            {"offset": "0", "limit": "50", "search": "Promo", "state": "FINISH"},
            b"",
        ),
        (
            "POST",
            "/v1/campaigns/c1/recipients",
            {},
            [{"email": "a@example.fr", "phone": "+33600000001"}],
        ),
        (
            "GET",
            "/v1/campaigns/c1/recipients",
            {"offset": "1000", "limit": "1000"},
            b"",
        ),
        ("GET", "/v1/blacklists", page, b""),
        (
            "GET",
            "/v1/blacklists/DEFAULT_BLACKLIST/unsubscribers",
            {**page, "phone": "+33600000002"},
            b"",
        ),
        (
            "POST",
            "/v1/blacklists/DEFAULT_BLACKLIST/unsubscribers",
            {},
            {"phone": "+33600000002"},
        ),
        (
            "POST",
            "/v1/campaigns/c1/blacklists",
            {},
            {"blacklistIds": ["DEFAULT_BLACKLIST", "x"]},
        ),
        ("GET", "/v1/campaigns/c1", {}, b""),
        ("POST", "/v1/campaigns/c1/send", {}, b""),
        ("GET", "/v1/campaigns/c1", {}, b""),
        (
            "POST",
            "/v1/campaigns/c1/send",
            {},
            {"requestedSendDate": "2026-12-01T08:30:00Z"},
        ),
        ("POST", "/v1/campaigns/c1/cancel", {}, b""),
        ("GET", "/v1/reports/c1", {}, b""),
        ("GET", "/v1/reports/c1/recipients", {"offset": "1000", "limit": "1000"}, b""),
        ("GET", "/v1/credits", {}, b""),
    ]


@pytest.mark.parametrize(
    ("payload", "sms"),
    [
        ([{"creditType": "SMS", "count": 42}], 42),
        ([{"creditType": "sms", "count": "42"}, {"creditType": "EMAIL_CAMPAIGNS"}], 42),
        ([{"creditType": "EMAIL_CAMPAIGNS", "count": 5}], 0),
        ([], 0),
        ([{"kind": "SMS", "remaining": 42}], None),
        ({"credits": [{"kind": "SMS", "remaining": 42}]}, None),
        ({"sms": 42}, None),
        ({}, None),
    ],
)
def test_credits_are_read_from_the_list_of_the_evidence_only(
    payload: Any, sms: int | None
) -> None:
    """Another shape is unknown (``None``: shown as unknown), never a guess."""
    assert Credits.parse(payload).sms == sms


def test_models_tolerate_missing_and_unknown_fields() -> None:
    campaign = RemoteCampaign.parse(
        {
            "campaign": {
                "id": "c",
                "state": "finish",
                "blacklists": [{"id": "B"}],
                "x": 1,
            }
        }
    )
    assert (campaign.state, campaign.blacklists, campaign.sends) == (
        "FINISH",
        ("B",),
        (),
    )
    assert campaign.kind is None and campaign.sent_date is None
    assert campaign.requested_send_date is None and campaign.cancelled is None
    report = CampaignReport.parse({"snd-1": {"sent": "3"}, "x": 1}, campaign_id="c")
    (send,) = report.sends
    assert (send.send_id, send.sent, send.delivered) == ("snd-1", 3, None)
    assert CampaignReport.parse({"sends": [{"sent": 3}]}, campaign_id="c").sends == ()
    row = RecipientReport.parse({"phone": "+33600000001", "bounce": "true"})
    assert (row.phone, row.bounce, row.success, row.clicks) == (
        "+33600000001",
        True,
        False,
        0,
    )
