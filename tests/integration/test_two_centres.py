"""Two training centres, two Sarbacane accounts: nothing of A ever reaches B.

Centre A uses the fixture's account; centre B has its own simulator account
(different STOP list, credits and campaigns). Every service B can call is
tried on A's data and must neither show nor change it.
"""

from __future__ import annotations

import asyncio

import pytest

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.paging import CampaignPageQuery
from sms_hub.sarbacane import SarbacaneConfigError
from sms_hub.sarbacane import _registry as registry
from sms_hub.services import audience, sending, statistics
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.accounts import client_for
from sms_hub.services.context import Actor
from sms_hub.services.errors import GatewayError, NotFound
from sms_hub.store import campaign_queries, secret_box
from sms_hub.store.models import Tenant
from tests.integration.sarbacane_support import ACCOUNT_ID, API_KEY
from tests.support.factories import (
    db_scope,
    finished_campaign,
    stored_campaign,
)


async def test_nothing_of_centre_a_is_visible_to_centre_b(actor, centre_b):
    a_campaign = await finished_campaign(actor)
    page = await campaign_service.campaign_page(centre_b, CampaignPageQuery())
    assert page.total == 0
    for use_case, args in [
        (statistics.campaign_statistics, ()),
        (audience.exclusion_choices, ()),
        (audience.assign_exclusions, (["DEFAULT_BLACKLIST"],)),
        (audience.import_lists, ([],)),
        (sending.preview, ()),
        (sending.launch, (None,)),
        (sending.cancel, ()),
        (campaign_service.delete_campaign, ()),
    ]:
        with pytest.raises(NotFound):
            await use_case(centre_b, a_campaign, *args)
    rows, total = await audience.recipients_page(
        centre_b, a_campaign, search="", offset=0, limit=20
    )
    assert (rows, total) == ([], 0)
    assert stored_campaign(actor, a_campaign) is not None

    b_row = await campaign_service.create_campaign(
        centre_b,
        NewCampaign("Relance B", CampaignKind.MARKETING, "CentreB", "Bonjour"),
    )
    preview = await sending.preview(centre_b, b_row.id)
    assert preview.credits_left == 777
    choices = await audience.exclusion_choices(centre_b, b_row.id)
    stop_list = next(c for c in choices if c.recommended)
    b_client = client_for(_tenant(centre_b))
    b_stop = [e.phone async for e in _entries(b_client, stop_list.id)]
    a_stop = [e.phone async for e in _entries(client_for(_tenant(actor)), stop_list.id)]
    assert "+33612345699" in a_stop
    assert "+33612345699" not in b_stop


def _tenant(actor: Actor) -> Tenant:
    with db_scope() as session:
        return session.get(Tenant, actor.tenant_id)


async def _entries(client, blacklist_id: str):
    for entry in await client.blacklist_entries(blacklist_id):
        yield entry


@pytest.fixture
def centre_b_same_account(actor: Actor) -> Actor:
    """A second centre whose admin entered the same Sarbacane account as A's."""
    with db_scope() as session:
        a = session.get(Tenant, actor.tenant_id)
        tenant = Tenant(
            slug="centre-b-shared",
            name="Centre B",
            sarbacane_account_id=a.sarbacane_account_id,
            sarbacane_api_key_encrypted=a.sarbacane_api_key_encrypted,
        )
        session.add(tenant)
        session.flush()
        return Actor(tenant_id=tenant.id or 0, user="b@centre-b.fr")


def _draft(name: str = "Relance") -> NewCampaign:
    return NewCampaign(name, CampaignKind.NOTIFICATION, "Centre", "Bonjour")


def _local_ids(actor: Actor) -> list[str]:
    with db_scope() as session:
        page, _ = campaign_queries.campaign_page(
            session, actor.tenant_id, CampaignPageQuery()
        )
        return [c.sarbacane_id for c in page]


async def test_a_failed_create_of_the_same_name_links_nothing_of_a(
    actor, centre_b_same_account, sim
):
    a_row = await campaign_service.create_campaign(actor, _draft())
    a_remote = _local_ids(actor)[0]
    sim.set_faults(error_next=1)  # B's create answers 500, nothing stored
    await campaign_service.create_campaign(centre_b_same_account, _draft())
    b_remote = _local_ids(centre_b_same_account)
    assert len(b_remote) == 1
    assert b_remote[0] != a_remote  # read back by its marker, never A's "Relance"
    assert _local_ids(actor) == [a_remote]
    assert stored_campaign(actor, a_row.id) is not None
    sim.set_faults(error_rate=1.0)  # now Sarbacane fails for good
    with pytest.raises(GatewayError):
        await campaign_service.create_campaign(centre_b_same_account, _draft())
    assert len(_local_ids(centre_b_same_account)) == 1


async def test_a_lost_create_answer_is_read_back_to_its_own_campaign_only(
    actor, centre_b_same_account, sim
):
    await campaign_service.create_campaign(actor, _draft())
    a_remote = _local_ids(actor)[0]
    sim.set_faults(drop_response_after_commit=1)  # stored, answer lost
    await campaign_service.create_campaign(centre_b_same_account, _draft())
    b_remote = _local_ids(centre_b_same_account)
    assert len(b_remote) == 1
    assert b_remote[0] != a_remote


async def test_two_centres_on_one_account_with_different_keys_keep_their_clients(
    actor, centre_b_same_account
):
    """Each centre keeps its own pooled client (its own key on the wire); a
    centre's new key replaces only its own client, and the old one is closed."""
    other_key = "another-key-of-centre-b"
    with db_scope() as session:
        b = session.get(Tenant, centre_b_same_account.tenant_id)
        b.sarbacane_api_key_encrypted = secret_box.encrypt(other_key)
    a_client = client_for(_tenant(actor))
    b_client = client_for(_tenant(centre_b_same_account))
    assert a_client is not b_client
    assert a_client.account_id == b_client.account_id
    assert a_client.uses_key(API_KEY) and b_client.uses_key(other_key)
    assert client_for(_tenant(actor)) is a_client  # B did not replace A's client
    assert client_for(_tenant(centre_b_same_account)) is b_client
    assert (await a_client.info()).account_id == ACCOUNT_ID
    with pytest.raises(SarbacaneConfigError):  # the simulator knows A's key only
        await b_client.info()
    for text in (repr(a_client), repr(b_client), repr(registry.pooled())):
        assert API_KEY not in text and other_key not in text

    pool = a_client._http  # the open connection pool of A's client
    assert pool is not None and not pool.is_closed
    with db_scope() as session:  # A's admin enters a new key
        a = session.get(Tenant, actor.tenant_id)
        a.sarbacane_api_key_encrypted = secret_box.encrypt("new-key-of-centre-a")
    renewed = client_for(_tenant(actor))
    assert renewed is not a_client and renewed.uses_key("new-key-of-centre-a")
    await asyncio.wait_for(registry.closed_replaced(), timeout=5)
    assert pool.is_closed
    assert client_for(_tenant(centre_b_same_account)) is b_client
    assert a_client not in registry.pooled()
