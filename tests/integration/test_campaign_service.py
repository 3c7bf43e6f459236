"""Create and delete campaigns through the services, against the simulator."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import select

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.lifecycle import Status
from sms_hub.domain.paging import CampaignPageQuery, CampaignSort
from sms_hub.services import campaigns as service
from sms_hub.services.context import Actor
from sms_hub.services.errors import GatewayError, InvalidInput, NotAllowed, NotFound
from sms_hub.settings import get_settings
from sms_hub.store import audit_queries, campaign_queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import AuditEvent, Campaign
from tests.integration.sarbacane_support import ACCOUNT_ID, API_KEY


def _new(
    name: str = "Rentrée", kind=CampaignKind.MARKETING, content="Bonjour"
) -> NewCampaign:
    return NewCampaign(name=name, kind=kind, sender="CentreForm", content=content)


def db_session():
    return session_scope(get_settings().database_url)


def _sarbacane_id(actor: Actor, campaign_id: int) -> str:
    with db_session() as session:
        return campaign_queries.campaign_by_id(
            session, actor.tenant_id, campaign_id
        ).sarbacane_id


async def _remote(sim, sarbacane_id: str) -> dict | None:
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{sim.api_url}/campaigns/{sarbacane_id}",
            headers={"accountId": ACCOUNT_ID, "apiKey": API_KEY},
        )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    body = response.json()
    return body.get("campaign", body)


async def test_create_makes_a_draft_in_sarbacane_and_locally(actor: Actor, sim):
    row = await service.create_campaign(actor, _new())
    assert row.status_label == "Brouillon"
    assert row.kind_label == "SMS Marketing"
    with db_session() as session:
        campaign = campaign_queries.campaign_by_id(session, actor.tenant_id, row.id)
        assert campaign.status == Status.DRAFT
        remote = await _remote(sim, campaign.sarbacane_id)
        assert remote["kind"] == "SMS_MARKETING"
        assert re.fullmatch(r"Rentrée \[H3E-[0-9a-f]{12}\]", remote["name"])
        assert campaign.name == "Rentrée"
        assert campaign.content == "Bonjour\nSTOP au 36111"
        events = audit_queries.audit_events(session, actor.tenant_id, row.id)
        assert [(e.action, e.outcome, e.actor) for e in events] == [
            ("create", "ok", "formateur@centre.fr")
        ]


async def test_notification_sms_carry_no_opt_out_mention(actor: Actor):
    row = await service.create_campaign(
        actor,
        _new(kind=CampaignKind.NOTIFICATION, content="Votre session commence lundi."),
    )
    with db_session() as session:
        assert campaign_queries.campaign_by_id(
            session, actor.tenant_id, row.id
        ).content == ("Votre session commence lundi.")


async def test_invalid_fields_send_nothing(actor: Actor, sim):
    with pytest.raises(InvalidInput) as raised:
        await service.create_campaign(
            actor,
            NewCampaign(name="", kind=CampaignKind.MARKETING, sender="A B", content=""),
        )
    assert set(raised.value.field_errors) == {"name", "sender", "content"}
    assert sim.count("POST /v1/campaigns/sms") == 0
    with db_session() as session:
        assert session.exec(select(Campaign)).all() == []


async def test_a_name_longer_than_the_limit_is_refused_and_sends_nothing(
    actor: Actor, sim
):
    with pytest.raises(InvalidInput) as raised:
        await service.create_campaign(actor, _new(name="R" * 300))
    assert raised.value.field_errors == {
        "name": "Le nom de la campagne ne peut pas dépasser 100 caractères."
    }
    assert sim.count("POST /v1/campaigns/sms") == 0
    row = await service.create_campaign(actor, _new(name="R" * 100))
    assert len(row.name) == 100


async def test_too_long_text_is_refused_with_its_size(actor: Actor):
    with pytest.raises(InvalidInput) as raised:
        await service.create_campaign(actor, _new(content="x" * 1600))
    assert "trop long" in raised.value.field_errors["content"]


async def test_sarbacane_failure_leaves_no_local_row_and_a_clear_message(
    actor: Actor, sim
):
    sim.set_faults(error_rate=1.0)
    with pytest.raises(GatewayError) as raised:
        await service.create_campaign(actor, _new())
    assert "Sarbacane ne répond pas" in raised.value.user_message
    with db_session() as session:
        assert session.exec(select(Campaign)).all() == []
        failed = session.exec(select(AuditEvent)).all()
        assert [(e.action, e.outcome) for e in failed] == [("create", "failed")]


async def test_delete_removes_it_in_sarbacane_and_locally_with_an_audit_event(
    actor: Actor, sim
):
    row = await service.create_campaign(actor, _new("À supprimer"))
    sarbacane_id = _sarbacane_id(actor, row.id)
    assert await service.delete_campaign(actor, row.id) == "À supprimer"
    assert await _remote(sim, sarbacane_id) is None
    with db_session() as session:
        assert campaign_queries.campaign_by_id(session, actor.tenant_id, row.id) is None
        assert [
            (e.action, e.campaign_name)
            for e in audit_queries.audit_events(session, actor.tenant_id)
        ] == [
            ("create", "À supprimer"),
            ("delete", "À supprimer"),
        ]


async def test_delete_is_refused_while_sending(actor: Actor, sim):
    row = await service.create_campaign(actor, _new())
    with db_session() as session:
        campaign = campaign_queries.campaign_by_id(session, actor.tenant_id, row.id)
        campaign.status = Status.SENDING.value
    with pytest.raises(NotAllowed, match="doivent d'abord être annulées"):
        await service.delete_campaign(actor, row.id)
    assert await _remote(sim, _sarbacane_id(actor, row.id)) is not None


async def test_another_centre_cannot_touch_the_campaign(actor: Actor):
    row = await service.create_campaign(actor, _new())
    stranger = Actor(tenant_id=actor.tenant_id + 1, user="intrus@ailleurs.fr")
    with pytest.raises(NotFound):
        await service.delete_campaign(stranger, row.id)
    page = await service.campaign_page(stranger, CampaignPageQuery())
    assert page.total == 0


async def test_page_search_sort_and_paging(actor: Actor):
    for name in ["Bêta", "alpha", "Gamma", "Alpha 2"]:
        await service.create_campaign(actor, _new(name))
    page = await service.campaign_page(
        actor,
        CampaignPageQuery(search="ALPHA", sort=CampaignSort.NAME, descending=False),
    )
    assert (page.total, [r.name for r in page.rows]) == (2, ["alpha", "Alpha 2"])
    first = await service.campaign_page(actor, CampaignPageQuery(limit=3))
    second = await service.campaign_page(actor, CampaignPageQuery(offset=3, limit=3))
    assert first.total == 4
    assert [r.name for r in first.rows] == ["Alpha 2", "Gamma", "alpha"]
    assert [r.name for r in second.rows] == ["Bêta"]


async def test_a_campaign_stuck_in_received_shows_the_warning(actor: Actor):
    from datetime import UTC, datetime, timedelta

    row = await service.create_campaign(actor, _new("Bloquée"))
    with db_session() as session:
        campaign = campaign_queries.campaign_by_id(session, actor.tenant_id, row.id)
        campaign.status = Status.RECEIVED.value
        campaign.status_changed_at = datetime.now(UTC) - timedelta(minutes=11)
    page = await service.campaign_page(actor, CampaignPageQuery())
    stuck = page.rows[0]
    assert stuck.stuck
    assert stuck.status_label == "Reçue par le serveur d'envoi"
    cancel = next(a for a in stuck.actions if a.key == "cancel")
    assert cancel.enabled
