"""« Modifier la campagne »: the Sarbacane campaign is replaced, under faults.

Whatever fails, the campaign is linked to exactly one Sarbacane campaign
afterwards and none is left orphaned there; no recipient is pushed twice.
"""

from __future__ import annotations

import httpx
import pytest

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.lifecycle import RELAUNCH_WARNING, Status
from sms_hub.domain.modification import (
    EDITED_IN_SARBACANE,
    KEPT_PREVIOUS,
    NO_CHANGE,
    SAVED,
    SAVED_PUSH_PENDING,
    Phase,
    Replacement,
)
from sms_hub.sarbacane import SarbacaneClient, get_client
from sms_hub.services import audience, modify, sending
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.context import Actor
from sms_hub.services.errors import GatewayError, InvalidInput, NotAllowed
from sms_hub.settings import get_settings
from sms_hub.store import audit_queries, campaign_queries
from sms_hub.store.models import Contact, ContactList
from tests.support.factories import db_scope, stored_campaign

CREATE = "POST /v1/campaigns/sms"
BLACKLISTS = "POST /v1/campaigns/{campaign_id}/blacklists"
RECIPIENTS = "POST /v1/campaigns/{campaign_id}/recipients"
DELETE = "DELETE /v1/campaigns/{campaign_id}"
PHONES = [f"+3361000{n:04d}" for n in range(3)]


class Crash(BaseException):
    """The process dies here: no handler of the service runs."""


async def _draft(actor: Actor, name: str) -> int:
    row = await campaign_service.create_campaign(
        actor, NewCampaign(name, CampaignKind.MARKETING, "CentreForm", "Bonjour")
    )
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=actor.tenant_id, name=f"liste {name}", contact_count=3
        )
        session.add(contact_list)
        session.flush()
        for i, phone in enumerate(PHONES):
            session.add(
                Contact(list_id=contact_list.id, phone=phone, email=f"c{i}@x.fr")
            )
        list_id = contact_list.id
    await audience.import_lists(actor, row.id, [list_id])
    return row.id


def _wanted(
    name: str, text: str = "Nouveau texte", sender: str = "Formation"
) -> NewCampaign:
    return NewCampaign(name, CampaignKind.MARKETING, sender, text)


async def _remote_ids(name: str) -> list[str]:
    """The ids of the Sarbacane campaigns whose name holds ``name``."""
    client: SarbacaneClient = get_client(get_settings())
    found = await client.list_campaigns(search=name, limit=1000)
    return sorted(c.id for c in found if c.name.startswith(name + " ["))


async def _remote_phones(sarbacane_id: str) -> list[str]:
    client: SarbacaneClient = get_client(get_settings())
    return sorted(r.phone for r in await client.list_recipients(sarbacane_id))


async def _assert_linked_to_only(actor: Actor, campaign_id: int, names: list[str]):
    campaign = stored_campaign(actor, campaign_id)
    assert campaign.replacement is None
    found = []
    for name in names:
        found += await _remote_ids(name)
    assert found == [campaign.sarbacane_id]
    return campaign


async def test_a_modification_replaces_the_sarbacane_campaign(actor: Actor, sim):
    campaign_id = await _draft(actor, "Modif ok")
    old = stored_campaign(actor, campaign_id)
    outcome = await modify.modify_campaign(actor, campaign_id, _wanted("Modif ok2"))
    assert outcome.message == SAVED
    assert outcome.changed == ("name", "sender", "content")
    new = await _assert_linked_to_only(actor, campaign_id, ["Modif ok", "Modif ok2"])
    assert new.sarbacane_id != old.sarbacane_id
    assert (new.name, new.sender, new.content) == (
        "Modif ok2",
        "Formation",
        "Nouveau texte\nSTOP au 36111",
    )
    assert new.created_at == old.created_at and new.recipient_count == 3
    assert await _remote_phones(new.sarbacane_id) == PHONES
    client = get_client(get_settings())
    remote = await client.get_campaign(new.sarbacane_id)
    assert remote.blacklists == ("DEFAULT_BLACKLIST",)
    with db_scope() as session:
        events = audit_queries.audit_events(session, actor.tenant_id, campaign_id)
        assert [(e.action, e.outcome) for e in events][-1] == ("modify", "ok")
        assert events[-1].detail == "Modifié : nom, expéditeur, texte"


async def test_unchanged_fields_change_nothing(actor: Actor, sim):
    campaign_id = await _draft(actor, "Inchangée")
    before = sim.count(CREATE)
    outcome = await modify.modify_campaign(
        actor, campaign_id, _wanted("Inchangée", "Bonjour", "CentreForm")
    )
    assert outcome == modify.ModifyOutcome((), NO_CHANGE)
    assert sim.count(CREATE) == before


async def test_invalid_fields_are_refused_as_at_creation(actor: Actor, sim):
    campaign_id = await _draft(actor, "Invalide")
    with pytest.raises(InvalidInput) as raised:
        await modify.modify_campaign(actor, campaign_id, _wanted("", "", "A B"))
    assert set(raised.value.field_errors) == {"name", "sender", "content"}


@pytest.mark.parametrize(
    "status", [Status.SCHEDULED, Status.RECEIVED, Status.SENDING, Status.FINISHED]
)
async def test_modify_is_refused_outside_draft_and_cancelled(
    actor: Actor, sim, status: Status
):
    campaign_id = await _draft(actor, f"Refus {status}")
    with db_scope() as session:
        campaign_queries.campaign_by_id(
            session, actor.tenant_id, campaign_id
        ).status = status
    with pytest.raises(NotAllowed, match="Brouillon ou Envoi annulé"):
        await modify.modify_campaign(actor, campaign_id, _wanted("X"))


async def test_a_cancelled_campaign_is_modified_and_still_warns_on_relaunch(
    actor: Actor, sim
):
    campaign_id = await _draft(actor, "Annulée")
    with db_scope() as session:
        row = campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        row.status = Status.CANCELLED
    outcome = await modify.modify_campaign(actor, campaign_id, _wanted("Annulée"))
    assert outcome.message == SAVED
    campaign = await _assert_linked_to_only(actor, campaign_id, ["Annulée"])
    assert campaign.status == Status.CANCELLED
    assert (await sending.preview(actor, campaign_id)).relaunch_warning == (
        RELAUNCH_WARNING
    )


@pytest.mark.parametrize(
    ("route", "name"),
    [(CREATE, "Echec creation"), (BLACKLISTS, "Echec exclusions")],
    ids=["the_create_fails", "the_exclusions_fail_and_the_new_one_is_deleted"],
)
async def test_a_failed_step_keeps_the_previous_version(
    actor: Actor, sim, route: str, name: str
):
    campaign_id = await _draft(actor, name)
    old = stored_campaign(actor, campaign_id)
    sim.set_faults(fault_route=route, error_next=10)
    with pytest.raises(GatewayError) as raised:
        await modify.modify_campaign(actor, campaign_id, _wanted(name))
    assert raised.value.user_message.startswith(KEPT_PREVIOUS)
    sim.reset()
    kept = await _assert_linked_to_only(actor, campaign_id, [name])
    assert (kept.sarbacane_id, kept.content) == (old.sarbacane_id, old.content)


async def test_a_lost_create_answer_is_read_back_without_a_duplicate(actor: Actor, sim):
    campaign_id = await _draft(actor, "Reponse perdue")
    sim.set_faults(fault_route=CREATE, drop_response_after_commit=1)
    outcome = await modify.modify_campaign(
        actor, campaign_id, _wanted("Reponse perdue")
    )
    assert outcome.message == SAVED
    campaign = await _assert_linked_to_only(actor, campaign_id, ["Reponse perdue"])
    assert await _remote_phones(campaign.sarbacane_id) == PHONES


async def test_a_failed_push_keeps_the_new_version_and_resumes(actor: Actor, sim):
    campaign_id = await _draft(actor, "Echec envoi")
    sim.set_faults(fault_route=RECIPIENTS, error_next=10)
    outcome = await modify.modify_campaign(actor, campaign_id, _wanted("Echec envoi"))
    assert outcome.message == SAVED_PUSH_PENDING
    sim.reset()
    campaign = await _assert_linked_to_only(actor, campaign_id, ["Echec envoi"])
    assert campaign.content.startswith("Nouveau texte")
    assert await audience.unpushed_count(actor, campaign_id) == 3
    await audience.push_pending(actor, campaign_id)
    assert await _remote_phones(campaign.sarbacane_id) == PHONES


async def test_a_failed_delete_of_the_old_one_is_retried_later(actor: Actor, sim):
    campaign_id = await _draft(actor, "Echec suppression")
    old = stored_campaign(actor, campaign_id)
    sim.set_faults(fault_route=DELETE, error_next=10)
    outcome = await modify.modify_campaign(
        actor, campaign_id, _wanted("Echec suppression")
    )
    assert outcome.message == SAVED
    sim.reset()
    campaign = stored_campaign(actor, campaign_id)
    step = Replacement.loads(campaign.replacement)
    assert (step.phase, step.old_id) == (Phase.DELETE_OLD, old.sarbacane_id)
    assert campaign.sarbacane_id == step.new_id
    assert await modify.resume_replacements() == 1
    new = await _assert_linked_to_only(actor, campaign_id, ["Echec suppression"])
    assert await _remote_phones(new.sarbacane_id) == PHONES


async def test_a_crash_after_the_create_is_cleaned_by_its_marker(
    actor: Actor, sim, monkeypatch
):
    campaign_id = await _draft(actor, "Crash creation")
    old = stored_campaign(actor, campaign_id)
    real = SarbacaneClient.create_sms_campaign

    async def created_then_crash(self, **kwargs):
        await real(self, **kwargs)
        raise Crash()

    monkeypatch.setattr(SarbacaneClient, "create_sms_campaign", created_then_crash)
    with pytest.raises(Crash):
        await modify.modify_campaign(actor, campaign_id, _wanted("Crash creation"))
    monkeypatch.undo()
    assert len(await _remote_ids("Crash creation")) == 2
    assert Replacement.loads(stored_campaign(actor, campaign_id).replacement).phase is (
        Phase.CREATE
    )
    assert await modify.resume_replacements() == 1
    kept = await _assert_linked_to_only(actor, campaign_id, ["Crash creation"])
    assert kept.sarbacane_id == old.sarbacane_id


async def test_a_crash_before_the_link_moves_is_undone_by_the_next_attempt(
    actor: Actor, sim, monkeypatch
):
    campaign_id = await _draft(actor, "Crash liaison")
    old = stored_campaign(actor, campaign_id)

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(modify, "_swap", crash)
    with pytest.raises(Crash):
        await modify.modify_campaign(actor, campaign_id, _wanted("Crash liaison"))
    monkeypatch.undo()
    assert stored_campaign(actor, campaign_id).sarbacane_id == old.sarbacane_id
    assert len(await _remote_ids("Crash liaison")) == 2
    outcome = await modify.modify_campaign(actor, campaign_id, _wanted("Crash liaison"))
    assert outcome.message == SAVED
    new = await _assert_linked_to_only(actor, campaign_id, ["Crash liaison"])
    assert await _remote_phones(new.sarbacane_id) == PHONES


async def test_the_form_warns_when_the_campaign_was_edited_in_sarbacane(
    actor: Actor, sim
):
    campaign_id = await _draft(actor, "Editee ailleurs")
    form = await modify.modification_form(actor, campaign_id)
    assert (form.name, form.text, form.edited_warning) == (
        "Editee ailleurs",
        "Bonjour",
        "",
    )
    campaign = stored_campaign(actor, campaign_id)
    client = get_client(get_settings())
    remote = await client.get_campaign(campaign.sarbacane_id)
    edited = httpx.post(
        f"{sim.root}/app/campaigns/{campaign.sarbacane_id}",
        data={"name": remote.name, "content": "Changé dans Sarbacane"},
    )
    assert edited.status_code == 303  # saved, back to the campaign's page
    form = await modify.modification_form(actor, campaign_id)
    assert form.edited_warning == EDITED_IN_SARBACANE
    await modify.modify_campaign(actor, campaign_id, _wanted("Editee ailleurs"))
    form = await modify.modification_form(actor, campaign_id)
    assert form.edited_warning == ""


async def test_the_history_keeps_the_figures_of_a_cancelled_send(actor: Actor, sim):
    campaign_id = await _draft(actor, "Envoi partiel")
    campaign = stored_campaign(actor, campaign_id)
    client = get_client(get_settings())
    await client.send_now(campaign.sarbacane_id)
    sim.set_faults(moderation_seconds=0, clock_offset_seconds=3600)
    assert len(await client.report_recipients(campaign.sarbacane_id)) == 3
    with db_scope() as session:
        row = campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        row.status = Status.CANCELLED
    outcome = await modify.modify_campaign(actor, campaign_id, _wanted("Envoi partiel"))
    assert outcome.message == SAVED
    await _assert_linked_to_only(actor, campaign_id, ["Envoi partiel"])
    with db_scope() as session:
        event = audit_queries.audit_events(session, actor.tenant_id, campaign_id)[-1]
    assert event.action == "modify"
    assert event.detail.startswith(
        "Modifié : expéditeur, texte. Envoi annulé précédent : 3 envoyé(s)"
    )


async def test_a_delete_during_the_replacement_leaves_nothing_in_sarbacane(
    actor: Actor, sim, monkeypatch
):
    campaign_id = await _draft(actor, "Supprimee pendant")
    real = modify.with_stop_list

    async def deleted_meanwhile(*args):
        await campaign_service.delete_campaign(actor, campaign_id)
        return await real(*args)

    monkeypatch.setattr(modify, "with_stop_list", deleted_meanwhile)
    with pytest.raises(NotAllowed, match=KEPT_PREVIOUS):
        await modify.modify_campaign(actor, campaign_id, _wanted("Supprimee pendant"))
    assert await _remote_ids("Supprimee pendant") == []
