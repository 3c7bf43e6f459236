"""« Désinscrit (STOP) »: the centre's unsubscribe list read from Sarbacane
(the simulator), its contacts marked, the launch preview and the import into
an SMS Marketing leaving them out."""

from __future__ import annotations

from sqlmodel import select

from sms_hub.domain.campaign import UNSUBSCRIBE_LIST_ID, CampaignKind, NewCampaign
from sms_hub.domain.paging import PageQuery
from sms_hub.services import audience, copies, sending, unsubscribes
from sms_hub.services import campaigns as campaign_service
from sms_hub.services import contact_lists as list_service
from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store.models import CampaignRecipient, Contact, ContactList, Tenant
from tests.support.factories import db_scope, sarbacane_account

#: In the simulator's STOP list from the start (a number alone, an e-mail alone).
SEEDED_PHONE = "+33600000999"
SEEDED_EMAIL = "desinscrit@example.fr"

SINGLE = "+33611000001"  # an entry with one number (and an e-mail)
MULTI_A, MULTI_B = "+33611000002", "+33611000003"  # one entry, `phones` "a,b"
EMAIL_ONLY = "seulement.mail@example.fr"  # an entry with an e-mail only
KEPT = ["+33611000010", "+33611000011", "+33611000012"]


async def _stop_entries() -> None:
    """The three shapes of entry, written into the centre's STOP list."""
    client = sarbacane_account()
    await client.add_to_blacklist(
        UNSUBSCRIBE_LIST_ID, email="un@example.fr", phone=SINGLE
    )
    await client.add_to_blacklist(
        UNSUBSCRIBE_LIST_ID, email="deux@example.fr", phone=MULTI_A
    )
    await client.add_to_blacklist(
        UNSUBSCRIBE_LIST_ID, email="deux@example.fr", phone=MULTI_B
    )
    await client.add_to_blacklist(UNSUBSCRIBE_LIST_ID, email=EMAIL_ONLY)


def _list(actor: Actor, name: str, contacts: list[tuple[str, str]]) -> int:
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=actor.tenant_id, name=name, contact_count=len(contacts)
        )
        session.add(contact_list)
        session.flush()
        for phone, email in contacts:
            session.add(Contact(list_id=contact_list.id, phone=phone, email=email))
        return contact_list.id or 0


def _mixed_list(actor: Actor) -> int:
    return _list(
        actor,
        "Stagiaires 2026",
        [
            (SINGLE, "autre1@example.fr"),
            (MULTI_A, "autre2@example.fr"),
            (MULTI_B, "autre3@example.fr"),
            ("+33611000004", EMAIL_ONLY.upper()),  # unsubscribed by its e-mail
            ("+33611000005", SEEDED_EMAIL),
            (SEEDED_PHONE, "x@example.fr"),
            *((p, f"k{i}@example.fr") for i, p in enumerate(KEPT)),
        ],
    )


UNSUBSCRIBED = {SINGLE, MULTI_A, MULTI_B, "+33611000004", "+33611000005", SEEDED_PHONE}


async def _draft(actor: Actor, kind: CampaignKind) -> int:
    row = await campaign_service.create_campaign(
        actor, NewCampaign("Portes ouvertes", kind, "CentreForm", "Bonjour")
    )
    return row.id


async def test_the_stop_list_marks_the_right_contacts(actor, sim):
    await _stop_entries()
    list_id = _mixed_list(actor)
    assert "pas encore lue" in await unsubscribes.read_label(actor)

    label = await unsubscribes.refresh(actor)

    assert label.startswith("Liste des désinscrits mise à jour le ")
    page = await list_service.contact_page(actor, list_id, PageQuery(limit=50))
    marked = {row.phone for row in page.rows if row.unsubscribed}
    assert marked == UNSUBSCRIBED
    only = await list_service.contact_page(
        actor, list_id, PageQuery(limit=50), only_unsubscribed=True
    )
    assert {row.phone for row in only.rows} == UNSUBSCRIBED
    assert only.total == len(UNSUBSCRIBED)


async def test_the_poller_refreshes_a_centre_once_per_cadence(actor, sim, monkeypatch):
    late = "+33611000020"  # answers STOP after the poller's read
    list_id = _list(actor, "Relances", [(late, ""), (KEPT[0], "")])
    assert await unsubscribes.refresh_due(5.0) == 1
    await sarbacane_account().add_to_blacklist(UNSUBSCRIBE_LIST_ID, phone=late)

    # Read just now: not again before STOP_REFRESH_SECONDS.
    assert await unsubscribes.refresh_due(5.0) == 0
    page = await list_service.contact_page(actor, list_id, PageQuery(limit=50))
    assert not any(row.unsubscribed for row in page.rows)

    monkeypatch.setenv("STOP_REFRESH_SECONDS", "0")
    get_settings.cache_clear()
    assert await unsubscribes.refresh_due(5.0) == 1
    page = await list_service.contact_page(actor, list_id, PageQuery(limit=50))
    assert {row.phone for row in page.rows if row.unsubscribed} == {late}


async def test_a_marketing_import_skips_the_unsubscribed_a_notification_does_not(
    actor, sim
):
    await _stop_entries()
    await unsubscribes.refresh(actor)
    list_id = _mixed_list(actor)

    marketing = await _draft(actor, CampaignKind.MARKETING)
    summary = await audience.import_lists(actor, marketing, [list_id])
    assert summary.added == len(KEPT)
    assert summary.unsubscribed == len(UNSUBSCRIBED)
    assert summary.unsubscribed_message == (
        "6 contacts désinscrits (STOP) ignorés : ils ne recevront pas "
        "les SMS Marketing du centre."
    )
    recipients, total = await audience.recipients_page(
        actor, marketing, search="", offset=0, limit=50
    )
    assert {r.phone for r in recipients} == set(KEPT) and total == len(KEPT)

    notification = await _draft(actor, CampaignKind.NOTIFICATION)
    summary = await audience.import_lists(actor, notification, [list_id])
    assert summary.added == len(KEPT) + len(UNSUBSCRIBED)
    assert summary.unsubscribed == 0
    recipients, _ = await audience.recipients_page(
        actor, notification, search="", offset=0, limit=50
    )
    assert {r.phone for r in recipients if r.unsubscribed} == UNSUBSCRIBED
    _, total = await audience.recipients_page(
        actor, notification, search="", offset=0, limit=50, only_unsubscribed=True
    )
    assert total == len(UNSUBSCRIBED)


async def test_a_stop_answered_to_one_campaign_keeps_out_of_later_marketing(actor, sim):
    """Whatever list the contact comes from, even before the list is read again."""
    earlier = await _draft(actor, CampaignKind.MARKETING)
    await audience.import_lists(actor, earlier, [_list(actor, "A", [(SINGLE, "")])])
    with db_scope() as session:
        for row in session.exec(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == earlier)
        ):
            row.outcome = "stop"
            session.add(row)

    later = await _draft(actor, CampaignKind.MARKETING)
    other_list = _list(actor, "B", [(SINGLE, "z@example.fr"), (KEPT[0], "")])
    summary = await audience.import_lists(actor, later, [other_list])
    assert (summary.added, summary.unsubscribed) == (1, 1)


async def test_the_launch_preview_counts_and_credits_only_who_receives(actor, sim):
    await _stop_entries()
    await unsubscribes.refresh(actor)
    list_id = _mixed_list(actor)
    notification = await _draft(actor, CampaignKind.NOTIFICATION)
    await audience.import_lists(actor, notification, [list_id])
    # The notification carries no STOP list: all are counted.
    preview = await sending.preview(actor, notification)
    assert preview.recipients == 9 and preview.credits_needed == 9
    assert preview.unsubscribed_message == ""

    # With the STOP list among its exclusions, the six unsubscribed are not.
    await audience.assign_exclusions(
        actor, notification, [(UNSUBSCRIBE_LIST_ID, "Désinscrits STOP")]
    )
    preview = await sending.preview(actor, notification)
    assert preview.recipients == 9
    assert preview.unsubscribed == 6
    assert preview.credits_needed == 3
    assert preview.unsubscribed_message == (
        "6 destinataires désinscrits ne recevront pas ce SMS"
    )


async def test_another_centres_stop_list_marks_nothing_here(actor, sim):
    await _stop_entries()
    await unsubscribes.refresh(actor)
    with db_scope() as session:
        other = Tenant(slug="autre", name="Autre centre", opt_out_mention="STOP")
        session.add(other)
        session.flush()
        other_actor = Actor(tenant_id=other.id or 0, user="x@autre.fr")
    list_id = _mixed_list(other_actor)
    page = await list_service.contact_page(other_actor, list_id, PageQuery(limit=50))
    assert not any(row.unsubscribed for row in page.rows)


async def test_a_duplicated_marketing_campaign_leaves_the_unsubscribed_out(actor, sim):
    """Imported before the number was known as unsubscribed, then duplicated."""
    marketing = await _draft(actor, CampaignKind.MARKETING)
    await audience.import_lists(actor, marketing, [_mixed_list(actor)])
    assert (await sending.preview(actor, marketing)).recipients == 9
    await _stop_entries()
    await unsubscribes.refresh(actor)

    preview = await copies.duplicate_preview(actor, marketing)
    assert preview.recipients == len(KEPT)
    result = await copies.duplicate_campaign(actor, marketing, with_recipients=True)
    assert result.recipients == len(KEPT)
