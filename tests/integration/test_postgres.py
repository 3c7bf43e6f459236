"""The same services on PostgreSQL: the scale-out database is a setting away."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.lifecycle import Status
from sms_hub.domain.paging import CampaignPageQuery, CampaignSort
from sms_hub.services import audience, sending
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store import (
    audit_queries,
    campaign_queries,
    centre_queries,
    lease_queries,
    outcome_queries,
)
from sms_hub.store.db import session_scope
from sms_hub.store.migrate import upgrade
from sms_hub.store.models import Contact, ContactList, Tenant
from tests.integration.postgres_support import postgres_cluster
from tests.integration.sarbacane_support import ACCOUNT_ID, API_KEY
from tests.support.factories import add_centre, db_scope


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_cluster() as url:
        upgrade(url)
        yield url


@pytest.fixture
def pg_actor(postgres_url, sim, tmp_path, monkeypatch):
    for name, value in {
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": postgres_url,
        "SARBACANE_API_URL": sim.api_url,
        "SARBACANE_ACCOUNT_ID": ACCOUNT_ID,
        "SARBACANE_API_KEY": API_KEY,
        "SECRETS_KEY": Fernet.generate_key().decode(),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield add_centre(
        f"pg-{tmp_path.name}",
        name="Centre PostgreSQL",
        user="pg@centre.fr",
        account=(ACCOUNT_ID, API_KEY),
    )
    get_settings.cache_clear()


async def test_campaign_lifecycle_on_postgresql(pg_actor):
    row = await campaign_service.create_campaign(
        pg_actor,
        NewCampaign("Relance PG", CampaignKind.NOTIFICATION, "CentreForm", "Bonjour"),
    )
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=pg_actor.tenant_id, name="pg", contact_count=3
        )
        session.add(contact_list)
        session.flush()
        for phone in ["+33611000001", "+33611000002", "+33611000003"]:
            session.add(Contact(list_id=contact_list.id, phone=phone, email=None))
        list_id = contact_list.id
    summary = await audience.import_lists(pg_actor, row.id, [list_id, list_id])
    assert (summary.added, summary.pushed) == (3, 3)
    results = await asyncio.gather(
        sending.launch(pg_actor, row.id, None), sending.launch(pg_actor, row.id, None)
    )
    assert sorted(results) == [False, True]
    with db_scope() as session:
        campaign = campaign_queries.campaign_by_id(session, pg_actor.tenant_id, row.id)
        assert campaign.status == Status.RECEIVED
        assert [
            e.action for e in audit_queries.audit_events(session, pg_actor.tenant_id)
        ] == [
            "create",
            "import_contacts",
            "launch",
        ]
        outcome_queries.set_outcomes(session, row.id, {"+33611000001": "failed"})
    page = await campaign_service.campaign_page(
        pg_actor, CampaignPageQuery(search="relance", sort=CampaignSort.NAME)
    )
    assert [r.name for r in page.rows] == ["Relance PG"]


def test_one_poller_lease_holder_at_a_time_on_postgresql(postgres_url):
    now = datetime.now(UTC)
    ttl = timedelta(seconds=10)
    with session_scope(postgres_url) as session:
        assert lease_queries.try_acquire_lease(
            session, "pg-lease", "worker-a", now, ttl
        )
    with session_scope(postgres_url) as session:
        assert not lease_queries.try_acquire_lease(
            session, "pg-lease", "worker-b", now, ttl
        )
    with session_scope(postgres_url) as session:
        later = now + timedelta(seconds=11)
        assert lease_queries.try_acquire_lease(
            session, "pg-lease", "worker-b", later, ttl
        )
        assert session.exec(select(Tenant)).all() is not None


async def test_recipient_zones_query_on_postgresql(pg_actor):
    from sms_hub.services.recipient_zones import recipient_zones

    row = await campaign_service.create_campaign(
        pg_actor,
        NewCampaign("Zones PG", CampaignKind.MARKETING, "CentreForm", "Bonjour"),
    )
    phones = ["+33611000001", "+33711000002", "+262692123456", "+262639012345"]
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=pg_actor.tenant_id, name="zones", contact_count=len(phones)
        )
        session.add(contact_list)
        session.flush()
        for phone in phones:
            session.add(Contact(list_id=contact_list.id, phone=phone, email=None))
        list_id = contact_list.id
    await audience.import_lists(pg_actor, row.id, [list_id])
    with db_scope() as session:
        tenant = centre_queries.tenant(session, pg_actor.tenant_id)
    zones = recipient_zones(pg_actor, row.id, tenant)
    assert [zone.timezone for zone in zones] == [
        "Europe/Paris",
        "Indian/Reunion",
        "Indian/Mayotte",
    ]


async def test_download_links_serve_once_and_three_at_a_time_on_postgresql(pg_actor):
    from sms_hub.services import downloads
    from sms_hub.services.downloads import Download, DownloadRefused

    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=pg_actor.tenant_id, name="dl", contact_count=1
        )
        session.add(contact_list)
        session.flush()
        session.add(Contact(list_id=contact_list.id, phone="+33611000009"))
        list_id = contact_list.id

    def opened(actor: Actor = pg_actor) -> downloads.DownloadLink:
        url = downloads.link_for(actor, Download.CONTACTS, str(list_id), "c.csv")
        return downloads.open_link(url.removeprefix(downloads.ROUTE_PREFIX))

    # six links started at once: three are served, three refused (429)
    links = [opened() for _ in range(6)]
    results = await asyncio.gather(
        *(asyncio.to_thread(downloads.begin, link) for link in links),
        return_exceptions=True,
    )
    served = [r for r in results if isinstance(r, downloads.Prepared)]
    refused = [r for r in results if isinstance(r, DownloadRefused)]
    assert len(served) == downloads.MAX_CONCURRENT_PER_USER
    assert {r.http_status for r in refused} == {429}
    assert served[0].file.read().decode("utf-8").startswith("\ufeffNom;")
    # a link served once never serves again; a finished download frees a place
    with pytest.raises(DownloadRefused) as again:
        downloads.begin(served[0].link)
    assert again.value.http_status == 410
    downloads.finish(served[0])
    refused_link = links[results.index(refused[0])]
    downloads.finish(downloads.begin(refused_link))  # a 429 left the link unused
    for prepared in served[1:]:
        downloads.finish(prepared)
