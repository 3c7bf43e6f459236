"""Several Sarbacane accounts on one simulator (one per training centre):
nothing of one account is visible to, or changed by, another."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sms_hub.sarbacane import (
    SarbacaneClient,
    SarbacaneConfigError,
    SarbacaneNotFound,
)
from sms_hub.sarbacane.simulator import DEFAULT_BLACKLIST, DEFAULT_BOUNCELIST, Store
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    Simulator,
    make_client,
    phones,
    simulator_settings,
)

STAFF = "salaries-centre"


@dataclass
class Centre:
    account_id: str
    api_key: str
    client: SarbacaneClient

    def http(self, sim: Simulator) -> httpx.Client:
        return httpx.Client(
            base_url=sim.api_url,
            headers={"accountId": self.account_id, "apiKey": self.api_key},
        )


@pytest.fixture
async def centres(sim: Simulator) -> AsyncIterator[tuple[Centre, Centre]]:
    """Two fresh accounts, A with 1 000 SMS credits and B with 2 000."""
    made = []
    for label, credits in (("a", 1000), ("b", 2000)):
        account_id, api_key = f"centre-{label}-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        sim.add_account(
            account_id, api_key, name=f"Centre {label}", sms_credits=credits
        )
        client = make_client(sim.api_url, account_id=account_id, api_key=api_key)
        made.append(Centre(account_id, api_key, client))
    yield made[0], made[1]
    for centre in made:
        await centre.client.aclose()


async def sent_campaign(client: SarbacaneClient, numbers: list[str]) -> str:
    """A campaign of ``numbers``, sent and finished."""
    ref = await client.create_sms_campaign(
        name=f"Rentrée {uuid.uuid4().hex[:8]}",
        kind="SMS_MARKETING",
        sms_from="Centre",
        content="Bonjour",
    )
    await client.add_recipients(ref.id, [(None, n) for n in numbers])
    await client.send_now(ref.id)
    deadline = asyncio.get_running_loop().time() + 5
    while (await client.get_campaign(ref.id)).state != "FINISH":
        assert asyncio.get_running_loop().time() < deadline, "never finished"
        await asyncio.sleep(0.02)
    return ref.id


# -- accounts -------------------------------------------------------------


async def test_an_added_account_has_its_own_identity_and_credits(
    sim: Simulator,
) -> None:
    account_id = f"centre-{uuid.uuid4().hex[:8]}"
    created = sim.http.post(
        "/_admin/accounts",
        json={"accountId": account_id, "apiKey": "k1", "smsCredits": 42},
    )
    assert created.status_code == 201
    assert created.json()["smsCredits"] == 42
    again = sim.http.post(
        "/_admin/accounts", json={"accountId": account_id, "apiKey": "k1"}
    )
    assert again.status_code == 200 and again.json() == created.json()
    other_key = sim.http.post(
        "/_admin/accounts", json={"accountId": account_id, "apiKey": "k2"}
    )
    assert other_key.status_code == 409
    assert sim.http.post("/_admin/accounts", json={"apiKey": "k"}).status_code == 400
    assert (
        sim.http.post(
            "/_admin/accounts",
            json={"accountId": "x", "apiKey": "k", "smsCredits": -1},
        ).status_code
        == 400
    )

    client = make_client(sim.api_url, account_id=account_id, api_key="k1")
    info = await client.info()
    assert info.account_id == account_id
    assert info.name == created.json()["name"] and account_id in (info.name or "")
    assert (await client.credits()).sms == 42
    await client.aclose()
    settings_account = make_client(sim.api_url)
    assert (await settings_account.info()).account_id == ACCOUNT_ID
    await settings_account.aclose()


async def test_a_key_only_opens_its_own_account(
    sim: Simulator, centres: tuple[Centre, Centre]
) -> None:
    a, b = centres
    for account_id, api_key in (
        (a.account_id, "wrong"),
        (a.account_id, b.api_key),
        (ACCOUNT_ID, a.api_key),
        (a.account_id, API_KEY),
        ("no-such-account", a.api_key),
    ):
        client = make_client(sim.api_url, account_id=account_id, api_key=api_key)
        with pytest.raises(SarbacaneConfigError) as caught:
            await client.info()
        await client.aclose()
        assert caught.value.status_code == 401
        assert caught.value.code == "API_KEY_UNAUTHORIZED"


# -- campaigns, recipients, reports ----------------------------------------


async def test_a_campaign_of_one_account_is_not_found_by_another(
    sim: Simulator, centres: tuple[Centre, Centre]
) -> None:
    a, b = centres
    numbers = phones(3)
    campaign_id = await sent_campaign(a.client, numbers)
    name = (await a.client.get_campaign(campaign_id)).name

    assert await b.client.list_campaigns(search=name) == []
    assert await b.client.list_campaigns() == []
    for read in (
        b.client.get_campaign,
        b.client.list_recipients,
        b.client.report,
        b.client.report_recipients,
    ):
        with pytest.raises(SarbacaneNotFound):
            await read(campaign_id)

    campaign = f"/campaigns/{campaign_id}"
    with b.http(sim) as http:
        for method, path, body in (
            ("GET", campaign, None),
            ("GET", f"{campaign}/recipients", None),
            ("GET", f"/reports/{campaign_id}", None),
            ("GET", f"/reports/{campaign_id}/recipients", None),
            ("POST", f"{campaign}/recipients", [{"phone": phones(1)[0]}]),
            ("POST", f"{campaign}/blacklists", {"blacklistIds": [DEFAULT_BLACKLIST]}),
            ("POST", f"{campaign}/send", None),
            ("POST", f"{campaign}/cancel", None),
            ("DELETE", campaign, None),
        ):
            answer = http.request(method, path, json=body)
            assert answer.status_code == 404, (method, path, answer.text)

    kept = await a.client.get_campaign(campaign_id)
    assert (kept.state, kept.recipient_count, len(kept.sends)) == ("FINISH", 3, 1)
    assert kept.raw["blacklists"] == []
    report = await a.client.report(campaign_id)
    assert [s.sent for s in report.sends] == [3]
    assert {r.phone for r in await a.client.report_recipients(campaign_id)} == set(
        numbers
    )
    assert [c.id for c in await a.client.list_campaigns(search=name)] == [campaign_id]


async def test_the_same_campaign_name_lives_in_each_account(
    centres: tuple[Centre, Centre],
) -> None:
    a, b = centres
    name = f"Même nom {uuid.uuid4().hex[:8]}"
    refs = [
        await centre.client.create_sms_campaign(
            name=name, kind="SMS_MARKETING", sms_from="Centre", content="Bonjour"
        )
        for centre in (a, b)
    ]
    assert [c.id for c in await a.client.list_campaigns(search=name)] == [refs[0].id]
    assert [c.id for c in await b.client.list_campaigns(search=name)] == [refs[1].id]
    await b.client.delete_campaign(refs[1].id)
    assert (await a.client.get_campaign(refs[0].id)).name == name


# -- exclusion lists --------------------------------------------------------


async def test_each_account_has_its_own_seeded_exclusion_lists(
    centres: tuple[Centre, Centre],
) -> None:
    a, b = centres
    (number,) = phones(1)
    await a.client.add_to_blacklist(STAFF, phone=number)
    assert number in {e.phone for e in await a.client.blacklist_entries(STAFF)}
    for centre in (a, b):
        lists = {x.id: x.name for x in await centre.client.list_blacklists()}
        assert lists[DEFAULT_BLACKLIST] == "Désinscrits STOP"
        assert lists[DEFAULT_BOUNCELIST] == "Adresses en erreur"
    b_staff = await b.client.blacklist_entries(STAFF)
    assert len(b_staff) == 3 and number not in {e.phone for e in b_staff}
    assert await b.client.blacklist_entries(STAFF, phone=number) == []


async def test_stop_answers_and_bounces_go_to_the_sending_account_only(
    centres: tuple[Centre, Centre],
) -> None:
    a, b = centres
    (stop,), (bounce,) = phones(1, ending="99"), phones(1, ending="13")
    await sent_campaign(a.client, [stop, bounce, *phones(2)])
    stops = await a.client.blacklist_entries(DEFAULT_BLACKLIST)
    assert [e.phone for e in stops if e.phone] == ["+33600000999", stop]
    assert await a.client.blacklist_entries(
        DEFAULT_BOUNCELIST, kind="bounces", phone=bounce
    )
    assert await b.client.blacklist_entries(DEFAULT_BLACKLIST, phone=stop) == []
    assert (
        await b.client.blacklist_entries(
            DEFAULT_BOUNCELIST, kind="bounces", phone=bounce
        )
        == []
    )

    # A's STOP list does not exclude the number from B's campaigns, and B's
    # own STOP list still does its job.
    ref = await b.client.create_sms_campaign(
        name="Relance", kind="SMS_MARKETING", sms_from="Centre", content="Bonjour"
    )
    await b.client.add_recipients(ref.id, [(None, stop), (None, "+33600000999")])
    await b.client.assign_blacklists(ref.id, [DEFAULT_BLACKLIST])
    await b.client.send_now(ref.id)
    report = await b.client.report(ref.id)
    assert [s.raw["recipients"] for s in report.sends] == [1]


# -- credits --------------------------------------------------------------


async def test_a_send_uses_the_credits_of_its_account_only(
    centres: tuple[Centre, Centre],
) -> None:
    a, b = centres
    await sent_campaign(a.client, phones(3))
    assert (await a.client.credits()).sms == 1000 - 3
    assert (await b.client.credits()).sms == 2000
    campaign_id = await sent_campaign(b.client, phones(5))
    await b.client.delete_campaign(campaign_id)
    assert (await b.client.credits()).sms == 2000 - 5
    assert (await a.client.credits()).sms == 1000 - 3


# -- pages and schema -------------------------------------------------------


async def test_the_pages_show_a_campaign_of_any_account(
    sim: Simulator, centres: tuple[Centre, Centre]
) -> None:
    a, _ = centres
    campaign_id = await sent_campaign(a.client, phones(2))
    name = (await a.client.get_campaign(campaign_id)).name
    for page in (f"/app/campaigns/{campaign_id}", f"/app/reports/{campaign_id}"):
        answer = sim.http.get(page)
        assert answer.status_code == 200 and name in answer.text
    assert sim.http.get("/app/campaigns/no-such-campaign").status_code == 404


def test_a_file_of_an_older_schema_is_recreated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE campaigns (id TEXT PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO campaigns VALUES ('old', 'Ancienne')")
        db.commit()
    store = Store(simulator_settings(path))
    assert (
        store.list_campaigns(
            search=None, state=None, offset=0, limit=10, now=time.time()
        )
        == []
    )
    assert DEFAULT_BLACKLIST in {b["id"] for b in store.blacklists(offset=0, limit=10)}
    Store(simulator_settings(path))  # a second start keeps the tables
    assert store.authenticate(ACCOUNT_ID, API_KEY)
