"""« Dupliquer la campagne », « Renvoyer aux échecs », « Historique », and the
audit of contact lists, through the services against the simulator."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from sms_hub.domain.audit import AuditOutcome
from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.lifecycle import Action, Status
from sms_hub.services import (
    audience,
    contact_lists,
    copies,
    history,
    sending,
    statistics,
)
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.context import Actor
from sms_hub.services.errors import (
    GatewayError,
    InvalidFile,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from sms_hub.services.views import campaign_row
from sms_hub.settings import get_settings
from sms_hub.store import audit_queries, outcome_queries
from sms_hub.store.models import AuditEvent, Campaign, Tenant
from tests.integration.sarbacane_support import ACCOUNT_ID
from tests.support.factories import (
    add_contact_list,
    db_scope,
    mobile_numbers,
    poll_until_finished,
    remote_phones,
    sarbacane_account,
    stored_campaign,
)

BLACKLISTS_ROUTE = "POST /v1/campaigns/{campaign_id}/blacklists"
FAILING = ["+33612345613", "+33612345713"]  # the simulator fails …13
STOPPING = "+33612345699"  # …99 answers STOP


def _campaigns(actor: Actor) -> list[Campaign]:
    with db_scope() as session:
        return list(
            session.exec(
                select(Campaign).where(Campaign.tenant_id == actor.tenant_id)
            ).all()
        )


def _events(actor: Actor, campaign_id: int | None = None) -> list[AuditEvent]:
    with db_scope() as session:
        return audit_queries.audit_events(session, actor.tenant_id, campaign_id)


async def _remote_ids() -> set[str]:
    return {c.id for c in await sarbacane_account().list_campaigns(limit=1000)}


async def _draft(
    actor: Actor, name: str = "Session de janvier", kind=CampaignKind.MARKETING
) -> int:
    row = await campaign_service.create_campaign(
        actor, NewCampaign(name, kind, "CentreForm", "Bonjour")
    )
    return row.id


async def _with_exclusions(actor: Actor, campaign_id: int) -> list[tuple[str, str]]:
    choices = await audience.exclusion_choices(actor, campaign_id)
    chosen = [(c.id, c.name) for c in choices if c.recommended]
    await audience.assign_exclusions(actor, campaign_id, chosen)
    return chosen


async def _finished(actor: Actor, phones: list[str], name: str = "Relance") -> int:
    # Notification SMS: sent at any hour, so the test runs at any hour.
    campaign_id = await _draft(actor, name, CampaignKind.NOTIFICATION)
    await _with_exclusions(actor, campaign_id)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, name, phones)]
    )
    await sending.launch(actor, campaign_id, None)
    await poll_until_finished(actor, campaign_id)
    return campaign_id


# --- « Dupliquer la campagne » ----------------------------------------------


async def test_duplicate_makes_a_draft_with_the_same_settings_and_no_recipient(
    actor, sim
):
    source_id = await _draft(actor, "Portes ouvertes")
    exclusions = await _with_exclusions(actor, source_id)
    await audience.import_lists(
        actor, source_id, [add_contact_list(actor, "po", mobile_numbers(0, 5))]
    )

    preview = await copies.duplicate_preview(actor, source_id)
    assert preview.name == "Portes ouvertes (copie)"
    assert preview.recipients == 5
    assert preview.exclusions == [name for _, name in exclusions]

    result = await copies.duplicate_campaign(actor, source_id, with_recipients=False)
    assert result.row.name == "Portes ouvertes (copie)"
    assert result.row.status_label == "Brouillon"
    assert (result.recipients, result.pushed, result.push_error) == (0, 0, "")
    source, copy = (
        stored_campaign(actor, source_id),
        stored_campaign(actor, result.row.id),
    )
    assert (copy.kind, copy.sender, copy.content) == (
        source.kind,
        source.sender,
        source.content,
    )
    assert copy.content == "Bonjour\nSTOP au 36111"  # the mention is not doubled
    assert copy.recipient_count == 0
    assert copy.sarbacane_id != source.sarbacane_id
    assert copy.sarbacane_account_id == source.sarbacane_account_id == ACCOUNT_ID
    remote = await sarbacane_account().get_campaign(copy.sarbacane_id)
    assert remote.state == "DRAFT"
    assert set(remote.blacklists) == {i for i, _ in exclusions}
    assert await audience.current_exclusions(actor, copy.id) == [
        name for _, name in exclusions
    ]
    assert await remote_phones(copy) == []
    assert [(e.action, e.outcome, e.detail) for e in _events(actor, copy.id)] == [
        ("duplicate", "ok", "Copie de « Portes ouvertes », 0 destinataire")
    ]
    assert (
        "duplicate",
        "Copie créée : « Portes ouvertes (copie) », 0 destinataire",
    ) in [(e.action, e.detail) for e in _events(actor, source_id)]


async def test_duplicate_with_its_recipients_pushes_each_once(actor, sim):
    source_id = await _draft(actor)
    phones = mobile_numbers(0, 1500)
    await audience.import_lists(
        actor, source_id, [add_contact_list(actor, "gros", phones)]
    )
    pushes = sim.count("POST /v1/campaigns/{campaign_id}/recipients")

    reported: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        reported.append((done, total))

    result = await copies.duplicate_campaign(
        actor, source_id, with_recipients=True, progress=progress
    )
    assert (result.recipients, result.pushed, result.push_error) == (1500, 1500, "")
    assert reported[-1] == (1500, 1500)
    copy = stored_campaign(actor, result.row.id)
    assert copy.recipient_count == 1500
    assert await audience.unpushed_count(actor, copy.id) == 0
    assert await remote_phones(copy) == phones
    # Two batches of at most 1000 for the copy, nothing pushed twice.
    assert sim.count("POST /v1/campaigns/{campaign_id}/recipients") == pushes + 2


async def test_duplicate_of_any_status_even_sending_or_finished(actor, sim):
    source_id = await _finished(actor, mobile_numbers(100, 3), "Terminée")
    result = await copies.duplicate_campaign(actor, source_id, with_recipients=True)
    assert result.row.status_label == "Brouillon"
    assert result.recipients == 3
    assert stored_campaign(actor, source_id).status == Status.FINISHED


async def test_duplicate_of_a_long_name_keeps_within_the_name_limit(actor, sim):
    source_id = await _draft(actor, "N" * 100)
    result = await copies.duplicate_campaign(actor, source_id, with_recipients=False)
    assert result.row.name == "N" * 92 + " (copie)"


async def test_duplicate_refused_by_sarbacane_leaves_no_local_row(actor, sim):
    source_id = await _draft(actor, "Source")
    sim.set_faults(error_rate=1.0)
    with pytest.raises(GatewayError, match="Sarbacane ne répond pas"):
        await copies.duplicate_campaign(actor, source_id, with_recipients=False)
    sim.reset()
    assert [c.id for c in _campaigns(actor)] == [source_id]
    failed = [e for e in _events(actor, source_id) if e.action == "duplicate"]
    assert [(e.outcome, e.campaign_name) for e in failed] == [("failed", "Source")]


async def test_exclusions_refused_by_sarbacane_delete_the_new_campaign_there(
    actor, sim
):
    source_id = await _draft(actor, "Source")
    await _with_exclusions(actor, source_id)
    before = await _remote_ids()
    sim.set_faults(fault_route=BLACKLISTS_ROUTE, error_next=10)
    with pytest.raises(GatewayError):
        await copies.duplicate_campaign(actor, source_id, with_recipients=False)
    sim.reset()
    assert [c.id for c in _campaigns(actor)] == [source_id]
    assert await _remote_ids() == before


async def test_a_local_failure_after_sarbacane_created_deletes_it_there(
    actor, sim, monkeypatch
):
    source_id = await _draft(actor, "Source")
    before = await _remote_ids()

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(copies, "_insert_copy", broken)
    with pytest.raises(RuntimeError):
        await copies.duplicate_campaign(actor, source_id, with_recipients=True)
    assert [c.id for c in _campaigns(actor)] == [source_id]
    assert await _remote_ids() == before


async def test_a_push_stopped_by_sarbacane_keeps_the_draft_and_resumes(actor, sim):
    source_id = await _draft(actor)
    phones = mobile_numbers(0, 1200)
    await audience.import_lists(
        actor, source_id, [add_contact_list(actor, "coupure", phones)]
    )
    sim.set_faults(
        fault_route="POST /v1/campaigns/{campaign_id}/recipients", error_next=10
    )
    result = await copies.duplicate_campaign(actor, source_id, with_recipients=True)
    sim.reset()
    assert result.recipients == 1200
    assert "relancez l'import" in result.push_error
    assert await audience.unpushed_count(actor, result.row.id) == 1200
    await audience.push_pending(actor, result.row.id)
    assert await remote_phones(stored_campaign(actor, result.row.id)) == phones


async def test_another_centres_campaign_cannot_be_duplicated(actor, sim):
    source_id = await _draft(actor)
    with db_scope() as session:
        other = Tenant(slug="autre", name="Autre centre")
        session.add(other)
        session.flush()
        stranger = Actor(tenant_id=other.id, user="intrus@autre.fr")
    with pytest.raises(NotFound):
        await copies.duplicate_campaign(stranger, source_id, with_recipients=True)
    with pytest.raises(NotFound):
        await copies.resend_preview(stranger, source_id)
    with pytest.raises(NotFound):
        await history.campaign_history(stranger, source_id)


# --- « Renvoyer aux échecs » -------------------------------------------------


async def test_resend_goes_to_the_failures_never_to_stop(actor, sim):
    phones = [*mobile_numbers(0, 4), *FAILING, STOPPING]
    source_id = await _finished(actor, phones)
    # Not read yet: the row offers the action, the dialog reads the report.
    assert stored_campaign(actor, source_id).report_fetched_at is None

    preview = await copies.resend_preview(actor, source_id)
    assert preview.recipients == 2
    assert preview.name == "Relance (renvoi aux échecs)"

    result = await copies.resend_to_failed(actor, source_id)
    assert (result.recipients, result.pushed, result.push_error) == (2, 2, "")
    copy = stored_campaign(actor, result.row.id)
    assert copy.status == Status.DRAFT
    assert copy.sarbacane_account_id == ACCOUNT_ID
    assert sorted(await remote_phones(copy)) == FAILING
    assert set(
        (await sarbacane_account().get_campaign(copy.sarbacane_id)).blacklists
    ) == set(
        (
            await sarbacane_account().get_campaign(
                stored_campaign(actor, source_id).sarbacane_id
            )
        ).blacklists
    )
    assert [(e.action, e.detail) for e in _events(actor, copy.id)] == [
        ("resend_failed", "Renvoi aux échecs de « Relance », 2 destinataires")
    ]


async def test_a_number_that_answered_stop_elsewhere_is_not_resent(actor, sim):
    source_id = await _finished(actor, [*mobile_numbers(0, 2), *FAILING])
    other_id = await _draft(actor, "Autre")
    await audience.import_lists(
        actor, other_id, [add_contact_list(actor, "autre", FAILING[:1])]
    )
    with db_scope() as session:
        outcome_queries.set_outcomes(session, other_id, {FAILING[0]: "stop"})
    assert (await copies.resend_preview(actor, source_id)).recipients == 1
    result = await copies.resend_to_failed(actor, source_id)
    assert await remote_phones(stored_campaign(actor, result.row.id)) == FAILING[1:]


async def test_resend_is_refused_before_the_end_and_without_failures(actor, sim):
    draft_id = await _draft(actor)
    with pytest.raises(NotAllowed, match="Envoi terminé"):
        await copies.resend_preview(actor, draft_id)
    with pytest.raises(NotAllowed, match="Envoi terminé"):
        await copies.resend_to_failed(actor, draft_id)

    delivered_id = await _finished(actor, mobile_numbers(0, 3), "Sans échec")
    assert (await copies.resend_preview(actor, delivered_id)).recipients == 0
    created = sim.count("POST /v1/campaigns/sms")
    with pytest.raises(NotAllowed, match="Aucun SMS de cette campagne n'a échoué"):
        await copies.resend_to_failed(actor, delivered_id)
    assert sim.count("POST /v1/campaigns/sms") == created
    # Now that the report is kept, the row says why the action is off.
    row = campaign_row(stored_campaign(actor, delivered_id), get_settings())
    view = next(v for v in row.actions if v.key == Action.RESEND_FAILED)
    assert not view.enabled
    assert view.reason.startswith("Aucun SMS de cette campagne n'a échoué")


async def test_resend_refused_by_sarbacane_leaves_no_local_row(actor, sim):
    source_id = await _finished(actor, [*mobile_numbers(0, 2), *FAILING])
    await statistics.campaign_statistics(actor, source_id)  # report kept
    before = [c.id for c in _campaigns(actor)]
    sim.set_faults(fault_route="POST /v1/campaigns/sms", error_next=10)
    with pytest.raises(GatewayError):
        await copies.resend_to_failed(actor, source_id)
    sim.reset()
    assert [c.id for c in _campaigns(actor)] == before
    assert [
        e.outcome for e in _events(actor, source_id) if e.action == "resend_failed"
    ] == ["failed"]


# --- « Historique » ------------------------------------------------------------


async def test_history_shows_who_did_what_and_when_newest_first_in_pages(actor, sim):
    campaign_id = await _draft(actor, "Suivie")
    await _with_exclusions(actor, campaign_id)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "h", mobile_numbers(0, 2))]
    )
    sim.set_faults(error_rate=1.0)
    with pytest.raises(GatewayError):
        await copies.duplicate_campaign(actor, campaign_id, with_recipients=False)
    sim.reset()

    first = await history.campaign_history(actor, campaign_id, offset=0, limit=3)
    assert first.campaign_name == "Suivie"
    assert first.total == 4
    assert [(r.what, r.outcome, r.failed) for r in first.rows] == [
        ("Duplication", "Échec", True),
        ("Import de contacts", "Réussi", False),
        ("Listes d'exclusion", "Réussi", False),
    ]
    assert all(r.who == "formateur@centre.fr" for r in first.rows)
    assert first.rows[1].detail == "2 ajoutés, 0 déjà présents"
    assert all(
        len(r.when) == 16 and r.when[2] == "/" and r.when[5] == "/" for r in first.rows
    )
    second = await history.campaign_history(actor, campaign_id, offset=3, limit=3)
    assert [r.what for r in second.rows] == ["Création"]


# --- Contact lists, audited ---------------------------------------------------


async def test_contact_list_changes_are_audited(actor, sim):
    created = await contact_lists.create_contact_list(actor, "Stagiaires")
    await contact_lists.rename_contact_list(actor, created.id, "Stagiaires 2026")
    csv = "nom;téléphone\nDupont;06 12 34 56 78\nMartin;01 23 45 67 89\n"
    await contact_lists.import_csv(actor, created.id, io.BytesIO(csv.encode()))
    with pytest.raises(InvalidFile):
        await contact_lists.import_csv(actor, created.id, io.BytesIO(b"nom\nDupont\n"))
    await contact_lists.delete_contact_list(actor, created.id)

    events = [e for e in _events(actor) if e.action.startswith("list_")]
    assert [(e.action, e.outcome, e.actor) for e in events] == [
        ("list_create", AuditOutcome.OK, "formateur@centre.fr"),
        ("list_rename", AuditOutcome.OK, "formateur@centre.fr"),
        ("list_import", AuditOutcome.OK, "formateur@centre.fr"),
        ("list_import", AuditOutcome.FAILED, "formateur@centre.fr"),
        ("list_delete", AuditOutcome.OK, "formateur@centre.fr"),
    ]
    assert [e.detail for e in events][:3] == [
        "Liste « Stagiaires »",
        "Liste « Stagiaires » renommée « Stagiaires 2026 »",
        "Liste « Stagiaires 2026 » : 1 contact importé, 1 ligne écartée",
    ]
    assert events[3].detail.startswith(f"Liste n° {created.id} : ")
    assert events[4].detail == "Liste « Stagiaires 2026 » (1 contact)"
    assert all(e.campaign_id is None for e in events)


async def test_a_refused_list_change_records_nothing(actor, sim):
    await contact_lists.create_contact_list(actor, "Unique")
    with pytest.raises(InvalidInput) as refused:
        await contact_lists.create_contact_list(actor, "unique")
    assert "existe déjà" in refused.value.field_errors["name"]
    assert [e.action for e in _events(actor)] == ["list_create"]


async def test_the_lists_history_shows_only_list_changes_of_the_centre(actor, sim):
    created = await contact_lists.create_contact_list(actor, "Alternants")
    await contact_lists.rename_contact_list(actor, created.id, "Alternants 2026")
    await _draft(actor)  # a campaign event: not in the lists' history
    with db_scope() as session:
        other = Tenant(slug="autre", name="Autre centre")
        session.add(other)
        session.flush()
        stranger = Actor(tenant_id=other.id, user="autre@autre.fr")
    await contact_lists.create_contact_list(stranger, "Chez les autres")

    found = await history.contact_lists_history(actor, offset=0, limit=10)
    assert found.total == 2
    assert [(r.what, r.detail) for r in found.rows] == [
        (
            "Renommage d'une liste de contacts",
            "Liste « Alternants » renommée « Alternants 2026 »",
        ),
        ("Création d'une liste de contacts", "Liste « Alternants »"),
    ]
    assert (await history.contact_lists_history(stranger)).total == 1
