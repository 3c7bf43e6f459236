"""What a service test starts from: contact lists, drafts, launched campaigns,
and the reads that check what the database and Sarbacane hold.

They act for the ``actor`` fixture's training centre (tests/integration/
conftest.py), whose settings name the database and the simulator account.
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AbstractContextManager

from sqlmodel import Session, select

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.lifecycle import Status
from sms_hub.sarbacane import SarbacaneClient, get_client
from sms_hub.sarbacane.simulator import Store
from sms_hub.services import audience, sending, sync
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store import campaign_queries, secret_box
from sms_hub.store.db import session_scope
from sms_hub.store.models import Campaign, Contact, ContactList, Tenant
from tests.integration.sarbacane_support import Simulator, simulator_settings


def sarbacane_account() -> SarbacaneClient:
    """The test centre's Sarbacane account, read directly (what Sarbacane holds)."""
    return get_client(get_settings())


def db_scope() -> AbstractContextManager[Session]:
    """A session on the test centre's database, committed on exit."""
    return session_scope(get_settings().database_url)


def mobile_numbers(start: int, count: int) -> list[str]:
    """``count`` distinct French mobile numbers (E.164), from ``start`` on."""
    return [f"+336{n:08d}" for n in range(start, start + count)]


def add_centre(
    slug: str,
    *,
    name: str = "",
    user: str = "",
    account: tuple[str, str] | None = None,
    **columns: object,
) -> Actor:
    """A training centre (« Centre <slug> » unless named), with its Sarbacane
    ``account`` (id, API key) when given; one of its users acting."""
    if account:
        columns["sarbacane_account_id"] = account[0]
        columns["sarbacane_api_key_encrypted"] = secret_box.encrypt(account[1])
    with db_scope() as session:
        tenant = Tenant(slug=slug, name=name or f"Centre {slug}", **columns)
        session.add(tenant)
        session.flush()
        return Actor(tenant_id=tenant.id or 0, user=user or f"{slug}@exemple.fr")


def contact_list_state(list_id: int) -> tuple[list[str], int]:
    """A contact list's numbers, in order, and its stored contact count."""
    with db_scope() as session:
        phones = session.exec(
            select(Contact.phone).where(Contact.list_id == list_id).order_by(Contact.id)
        ).all()
        contact_list = session.get(ContactList, list_id)
        assert contact_list is not None
        return list(phones), contact_list.contact_count


def add_contact_list(actor: Actor, name: str, phones: list[str]) -> int:
    """A contact list of the centre holding ``phones`` (one e-mail each); its id."""
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=actor.tenant_id, name=name, contact_count=len(phones)
        )
        session.add(contact_list)
        session.flush()
        for i, phone in enumerate(phones):
            session.add(
                Contact(list_id=contact_list.id, phone=phone, email=f"c{i}@{name}.fr")
            )
        return contact_list.id


async def create_draft(
    actor: Actor,
    kind: CampaignKind = CampaignKind.NOTIFICATION,
    name: str = "Session de janvier",
) -> int:
    """A draft created as « Créer une campagne standard » does; its id."""
    row = await campaign_service.create_campaign(
        actor, NewCampaign(name, kind, "CentreForm", "Bonjour")
    )
    return row.id


def stored_campaign(actor: Actor, campaign_id: int) -> Campaign:
    """The campaign as the database holds it now."""
    with db_scope() as session:
        return campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)


async def remote_phones(campaign: Campaign) -> list[str]:
    """The campaign's recipients as Sarbacane holds them, in its order."""
    phones: list[str] = []
    for offset in range(0, 5000, 1000):
        page = await sarbacane_account().list_recipients(
            campaign.sarbacane_id, offset=offset, limit=1000
        )
        phones += [r.phone for r in page]
    return phones


async def poll_until_finished(actor: Actor, campaign_id: int) -> Campaign:
    """Run the status poller until the campaign is *Envoi terminé* (at most
    200 cycles; the simulator sends within a few)."""
    for _ in range(200):
        await sync.poll_once()
        campaign = stored_campaign(actor, campaign_id)
        if campaign.status == Status.FINISHED:
            return campaign
        await asyncio.sleep(0.05)
    raise AssertionError("the campaign did not finish")


async def launched_campaign(actor: Actor) -> int:
    """A Notification SMS of three recipients, launched now (Sarbacane received it)."""
    campaign_id = await create_draft(actor)
    list_id = add_contact_list(actor, "a", mobile_numbers(0, 3))
    await audience.import_lists(actor, campaign_id, [list_id])
    assert await sending.launch(actor, campaign_id, None)
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED
    return campaign_id


def campaign_model(**fields: object) -> Campaign:
    """A draft's row, not stored (for the views' unit tests); ``fields`` override."""
    values: dict[str, object] = {
        "id": 7,
        "tenant_id": 1,
        "sarbacane_id": "abc",
        "name": "Relance",
        "kind": "SMS_MARKETING",
        "sender": "CentreForm",
        "content": "Bonjour",
        "status": Status.DRAFT.value,
    }
    values.update(fields)
    return Campaign(**values)


_SARBACANE_CLOCK = [1_800_000_000.0]


def next_sarbacane_time() -> float:
    """A later instant at each call: when Sarbacane's interface saves a campaign."""
    _SARBACANE_CLOCK[0] += 1
    return _SARBACANE_CLOCK[0]


def centre_with_account(sim: Simulator, label: str) -> tuple[Actor, Store]:
    """A centre with a Sarbacane account of its own, and the simulator's store of it."""
    account, key = f"acc-{label}-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    sim.add_account(account, key, name=f"Centre {label}", sms_credits=5000)
    with db_scope() as session:
        tenant = Tenant(
            slug=f"centre-{account[-12:]}",
            name=f"Centre {label}",
            opt_out_mention="STOP au 36111",
            sarbacane_account_id=account,
            sarbacane_api_key_encrypted=secret_box.encrypt(key),
        )
        session.add(tenant)
        session.flush()
        centre = Actor(tenant_id=tenant.id or 0, user=f"{label}@centre.fr")
    return centre, Store(simulator_settings(sim.db_path)).for_account(account)


def made_in_sarbacane(store: Store, name: str, kind: str, content: str = "") -> str:
    """A campaign saved in Sarbacane's own interface; its Sarbacane id."""
    return store.create_in_app(
        name=name,
        kind=kind,
        sms_from="Centre",
        content=content,
        now=next_sarbacane_time(),
    )["id"]


def tenant_of(centre: Actor) -> Tenant:
    with db_scope() as session:
        tenant = session.get(Tenant, centre.tenant_id)
        assert tenant is not None
        return tenant


async def finished_campaign(actor: Actor) -> int:
    """A notification sent to five numbers (one answers STOP), polled to its end."""
    row = await campaign_service.create_campaign(
        actor,
        NewCampaign("Relance A", CampaignKind.NOTIFICATION, "CentreA", "Bonjour"),
    )
    phones = [*mobile_numbers(500, 4), "+33612345699"]
    await audience.import_lists(
        actor, row.id, [add_contact_list(actor, "a-list", phones)]
    )
    await sending.launch(actor, row.id, None)
    await poll_until_finished(actor, row.id)
    return row.id
