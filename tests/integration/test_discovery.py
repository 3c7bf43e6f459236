"""Campaigns made in Sarbacane's own interface appear in SMS Hub.

Each test works in a fresh Sarbacane account of the simulator (its
campaigns written as Sarbacane's interface writes them) and a fresh centre
in the app's database.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from sqlmodel import select

from sms_hub.domain.adoption import NO_TEMPLATE_WARNING
from sms_hub.domain.campaign import CampaignKind, NewCampaign, sarbacane_name
from sms_hub.domain.lifecycle import Status
from sms_hub.domain.paging import CampaignPageQuery
from sms_hub.services import audience, discovery, sending
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.accounts import client_for
from sms_hub.services.context import Actor
from sms_hub.store.db import session_scope
from sms_hub.store.migrate import upgrade
from sms_hub.store.models import AuditEvent, Campaign, Tenant
from tests.integration.postgres_support import postgres_cluster
from tests.support.factories import (
    centre_with_account,
    db_scope,
    made_in_sarbacane,
    next_sarbacane_time,
    tenant_of,
)

pytestmark = pytest.mark.usefixtures("fresh_discovery")

_now = next_sarbacane_time


def _rows(centre: Actor) -> list[Campaign]:
    with db_scope() as session:
        return list(
            session.exec(
                select(Campaign).where(Campaign.tenant_id == centre.tenant_id)
            ).all()
        )


async def test_standard_sms_made_in_sarbacane_appear_email_and_automated_do_not(
    actor, sim
):
    centre, store = centre_with_account(sim, "a")
    marketing = made_in_sarbacane(store, "Portes ouvertes", "SMS_MARKETING", "Hello")
    notice = made_in_sarbacane(store, "Rappel examen", "SMS_NOTIFICATION")
    made_in_sarbacane(store, "Lettre d'information", "EMAIL")
    made_in_sarbacane(store, "Relance automatique", "SMS_AUTOMATION", "Auto")
    store.add_recipients(
        marketing, [{"phone": "+33612340001"}, {"phone": "+33612340002"}], _now()
    )
    own = await campaign_service.create_campaign(
        centre,
        NewCampaign("Faite dans Hub3E", CampaignKind.NOTIFICATION, "Centre", "Bjr"),
    )

    await discovery.discover_centre(tenant_of(centre))

    page = await campaign_service.campaign_page(centre, CampaignPageQuery())
    shown = {row.name: row for row in page.rows}
    assert set(shown) == {"Portes ouvertes", "Rappel examen", "Faite dans Hub3E"}
    assert shown["Portes ouvertes"].adopted and shown["Rappel examen"].adopted
    assert not shown["Faite dans Hub3E"].adopted
    assert shown["Portes ouvertes"].kind == "SMS_MARKETING"
    assert shown["Rappel examen"].kind == "SMS_NOTIFICATION"
    assert shown["Portes ouvertes"].status == Status.DRAFT.value
    assert shown["Portes ouvertes"].recipient_count == 2
    assert shown["Faite dans Hub3E"].id == own.id
    # The SMS Marketing got the STOP list, in Sarbacane too.
    marketing_row = shown["Portes ouvertes"]
    assert await audience.current_exclusions(centre, marketing_row.id)
    assert "DEFAULT_BLACKLIST" in store.campaign(marketing, _now())["blacklists"]
    # A second run adds nothing.
    await discovery.discover_centre(tenant_of(centre))
    assert len(_rows(centre)) == 3
    assert {r.sarbacane_id for r in _rows(centre)} >= {marketing, notice}


async def test_two_concurrent_discoveries_adopt_one_row(actor, sim):
    centre, store = centre_with_account(sim, "race")
    made = [
        made_in_sarbacane(store, f"Session {n}", "SMS_NOTIFICATION") for n in range(30)
    ]
    tenant = tenant_of(centre)

    async def worker() -> int:
        # Each worker process has its own memory of where its reading stands.
        discovery._sweeps.clear()
        return await discovery.discover_centre(tenant)

    await asyncio.gather(worker(), worker(), worker())

    rows = _rows(centre)
    assert sorted(r.sarbacane_id for r in rows) == sorted(made)


async def test_a_centre_never_adopts_another_accounts_campaigns(actor, sim):
    centre_a, store_a = centre_with_account(sim, "a")
    centre_b, store_b = centre_with_account(sim, "b")
    made_in_sarbacane(store_a, "Campagne de A", "SMS_NOTIFICATION")
    made_in_sarbacane(store_b, "Campagne de B", "SMS_NOTIFICATION")

    await discovery.discover_all()

    assert [r.name for r in _rows(centre_a)] == ["Campagne de A"]
    assert [r.name for r in _rows(centre_b)] == ["Campagne de B"]
    assert (
        _rows(centre_a)[0].sarbacane_account_id
        == tenant_of(centre_a).sarbacane_account_id
    )


async def test_a_name_changed_in_sarbacane_is_shown(actor, sim):
    centre, store = centre_with_account(sim, "n")
    made = made_in_sarbacane(store, "Ancien nom", "SMS_NOTIFICATION", "Texte")
    await discovery.discover_centre(tenant_of(centre))
    assert [r.name for r in _rows(centre)] == ["Ancien nom"]

    store.edit_draft(made, name="Nouveau nom", content=None, now=_now())
    await discovery.discover_centre(tenant_of(centre))

    assert [r.name for r in _rows(centre)] == ["Nouveau nom"]


async def test_a_campaign_deleted_in_sarbacane_leaves_the_list(actor, sim):
    centre, store = centre_with_account(sim, "d")
    kept = made_in_sarbacane(store, "Gardée", "SMS_NOTIFICATION", "Texte")
    gone = made_in_sarbacane(store, "Supprimée", "SMS_NOTIFICATION", "Texte")
    await discovery.discover_centre(tenant_of(centre))
    assert len(_rows(centre)) == 2

    store.delete_campaign(gone, _now())
    await discovery.discover_centre(tenant_of(centre))

    assert [r.sarbacane_id for r in _rows(centre)] == [kept]
    with db_scope() as session:
        details = [e.detail for e in session.exec(select(AuditEvent)).all()]
    assert "La campagne n'existe plus dans Sarbacane." in details


async def _sent_from_sarbacane(tenant: Tenant, made: str) -> None:
    """Send the campaign as a person would in Sarbacane's interface, and wait
    (up to 20 s) until Sarbacane says it is sent."""
    client = client_for(tenant)
    await client.send_now(made)
    deadline = time.monotonic() + 20
    while (await client.get_campaign(made)).state != "FINISH":
        assert time.monotonic() < deadline, "the simulator did not send"
        await asyncio.sleep(0.05)


async def test_a_campaign_sent_in_sarbacane_takes_sarbacanes_status(actor, sim):
    centre, store = centre_with_account(sim, "s")
    made = made_in_sarbacane(store, "Déjà envoyée", "SMS_NOTIFICATION", "Texte")
    store.add_recipients(made, [{"phone": "+33612340003"}], _now())
    tenant = tenant_of(centre)
    await _sent_from_sarbacane(tenant, made)

    await discovery.discover_centre(tenant)

    (row,) = _rows(centre)
    assert row.status == Status.FINISHED.value


async def test_the_launch_of_an_adopted_campaign_without_text_warns(actor, sim):
    centre, store = centre_with_account(sim, "t")
    made_in_sarbacane(store, "Sans modèle", "SMS_NOTIFICATION")
    await discovery.discover_centre(tenant_of(centre))
    (row,) = _rows(centre)

    preview = await sending.preview(centre, row.id or 0)

    assert preview.no_template_warning == NO_TEMPLATE_WARNING
    # No text seen: the credits it will take are unknown, never "0".
    assert preview.credits_needed is None
    own = await campaign_service.create_campaign(
        centre, NewCampaign("Avec texte", CampaignKind.NOTIFICATION, "Centre", "Bjr")
    )
    own_preview = await sending.preview(centre, own.id)
    assert own_preview.no_template_warning == ""
    assert own_preview.credits_needed == 0  # a text seen, no recipient yet


async def test_an_adopted_campaigns_recipients_are_read_in_sarbacane(actor, sim):
    centre, store = centre_with_account(sim, "r")
    made = made_in_sarbacane(store, "Liste Sarbacane", "SMS_NOTIFICATION", "Txt")
    numbers = [f"+336123{n:05d}" for n in range(1203)]
    store.add_recipients(made, [{"phone": n} for n in numbers], _now())
    await discovery.discover_centre(tenant_of(centre))
    (row,) = _rows(centre)
    assert row.recipient_count == 1203

    shown, total = await audience.recipients_page(
        centre, row.id or 0, search="", offset=1200, limit=20
    )
    assert total == 1203
    assert [r.phone for r in shown] == numbers[1200:]
    found, matching = await audience.recipients_page(
        centre, row.id or 0, search="06 12 30 00 07", offset=0, limit=20
    )
    assert matching == 1 and found[0].phone == "+33612300007"


async def test_an_adopted_draft_sent_from_sarbacane_follows_its_state(actor, sim):
    centre, store = centre_with_account(sim, "f")
    made = made_in_sarbacane(store, "Envoyée ensuite", "SMS_NOTIFICATION", "Txt")
    store.add_recipients(made, [{"phone": "+33612340009"}], _now())
    tenant = tenant_of(centre)
    await discovery.discover_centre(tenant)
    assert _rows(centre)[0].status == Status.DRAFT.value
    await _sent_from_sarbacane(tenant, made)

    await discovery.discover_centre(tenant)

    assert _rows(centre)[0].status == Status.FINISHED.value


async def test_a_campaign_stored_before_accounts_were_recorded_is_not_adopted(
    actor, sim
):
    centre, store = centre_with_account(sim, "l")
    made = made_in_sarbacane(store, "Ancienne", "SMS_NOTIFICATION", "Txt")
    with db_scope() as session:
        session.add(
            Campaign(
                tenant_id=centre.tenant_id,
                sarbacane_account_id="",
                sarbacane_id=made,
                name="Ancienne",
                kind="SMS_NOTIFICATION",
                sender="Centre",
                content="Txt",
                status=Status.DRAFT.value,
            )
        )

    await discovery.discover_centre(tenant_of(centre))

    assert [(r.sarbacane_id, r.origin) for r in _rows(centre)] == [(made, "hub")]


def _adopt_twice_at_once(url: str) -> None:
    """Two workers adopting the same Sarbacane campaign at once: one row."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from sms_hub.store import adoption_queries

    with session_scope(url) as session:
        tenant = Tenant(slug=f"c-{uuid.uuid4().hex[:6]}", name="Centre")
        session.add(tenant)
        session.flush()
        tenant_id = tenant.id
    barrier = Barrier(2)

    def adopt() -> int | None:
        with session_scope(url) as session:
            barrier.wait(timeout=10)
            return adoption_queries.adopt(
                session,
                {
                    "tenant_id": tenant_id,
                    "sarbacane_account_id": "acc-pair",
                    "sarbacane_id": "sb-pair",
                    "name": "Créée sur Sarbacane",
                    "kind": "SMS_NOTIFICATION",
                    "sender": "",
                    "content": "",
                    "status": Status.DRAFT.value,
                    "recipient_count": 0,
                },
            )

    with ThreadPoolExecutor(2) as pool:
        ids = list(pool.map(lambda _: adopt(), range(2)))
    assert sorted(ids, key=lambda i: i is None)[1] is None
    assert any(ids)
    with session_scope(url) as session:
        rows = session.exec(
            select(Campaign).where(Campaign.sarbacane_id == "sb-pair")
        ).all()
    assert len(rows) == 1


def test_an_adoption_is_insert_or_ignore_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'adopt.db'}"
    upgrade(url)
    _adopt_twice_at_once(url)


def test_an_adoption_is_insert_or_ignore_on_postgresql():
    with postgres_cluster() as url:
        upgrade(url)
        _adopt_twice_at_once(url)


async def test_a_campaign_sms_hub_is_still_creating_is_not_adopted(actor, sim):
    """Between Sarbacane's answer and the local row, a creation's campaign is
    already listed in Sarbacane (named with its marker): a discovery running
    then must leave it to the creation, which links it a moment later."""
    centre, store = centre_with_account(sim, "race")
    in_creation = made_in_sarbacane(
        store, sarbacane_name("Relance", "H3E-0123456789ab"), "SMS_MARKETING", "Bjr"
    )

    await discovery.discover_centre(tenant_of(centre))

    page = await campaign_service.campaign_page(centre, CampaignPageQuery())
    assert page.total == 0
    with db_scope() as session:
        linked = session.exec(
            select(Campaign).where(Campaign.sarbacane_id == in_creation)
        ).all()
    assert linked == []
