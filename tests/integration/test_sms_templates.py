"""« Modèles de SMS »: per centre, starters given once, edits audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.sms_templates import STARTERS
from sms_hub.services import campaigns
from sms_hub.services import sms_templates as service
from sms_hub.services.context import Actor
from sms_hub.services.errors import InvalidInput, NotFound
from sms_hub.store.models import AuditEvent, Campaign, Tenant
from tests.support.factories import db_scope


async def test_a_centre_gets_the_starters_once(actor: Actor):
    first = await service.list_templates(actor)
    assert [t.name for t in first] == sorted(name for name, _ in STARTERS)
    await service.delete_template(actor, first[0].id)
    again = await service.list_templates(actor)
    assert len(again) == len(STARTERS) - 1


async def test_create_edit_delete_are_audited_and_checked(actor: Actor):
    created = await service.save_template(actor, None, " Accueil ", "Bienvenue {date}")
    assert created.name == "Accueil"
    edited = await service.save_template(actor, created.id, "Accueil", "Bonjour")
    assert edited.content == "Bonjour"
    with pytest.raises(InvalidInput) as raised:
        await service.save_template(actor, None, "", "")
    assert set(raised.value.field_errors) == {"name", "content"}
    await service.delete_template(actor, created.id)
    with pytest.raises(NotFound):
        await service.delete_template(actor, created.id)
    with db_scope() as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions == ["template_create", "template_edit", "template_delete"]


async def test_another_centre_cannot_reach_a_template(actor: Actor):
    created = await service.save_template(actor, None, "Privé", "Texte")
    with db_scope() as session:
        other = Tenant(slug="autre", name="Autre centre")
        session.add(other)
        session.flush()
        other_id = other.id or 0
    stranger = Actor(tenant_id=other_id, user="intrus")
    with pytest.raises(NotFound):
        await service.save_template(stranger, created.id, "Volé", "Texte")
    with pytest.raises(NotFound):
        await service.delete_template(stranger, created.id)
    assert "Privé" not in [t.name for t in await service.list_templates(stranger)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Rendez-vous le {date} à {heure}.",
            "Renseignez les champs du modèle avant de créer la campagne : "
            "« Date », « Heure ».",
        ),
        (
            "Bonjour {prenom} !",
            "Champ inconnu : {prenom}. "
            "Les champs possibles sont {date}, {heure}, {lieu}, {formation}.",
        ),
    ],
)
async def test_a_campaign_with_braces_left_is_refused_and_sends_nothing(
    actor: Actor, sim, content: str, message: str
):
    draft = NewCampaign("Rentrée", CampaignKind.MARKETING, "CentreForm", content)
    with pytest.raises(InvalidInput) as raised:
        await campaigns.create_campaign(actor, draft)
    assert raised.value.field_errors == {"content": message}
    assert sim.count("POST /v1/campaigns/sms") == 0
    with db_scope() as session:
        assert session.exec(select(Campaign)).all() == []
