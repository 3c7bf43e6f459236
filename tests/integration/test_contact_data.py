"""« Données d'un contact »: search, export and erasure of one person.

An erasure leaves no trace of the number or the address in any text column
of any table, keeps every sent campaign's counts, and re-makes a draft
already pushed to Sarbacane without the person.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import text

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.lifecycle import Status
from sms_hub.sarbacane import SarbacaneClient, get_client
from sms_hub.services import audience, contact_data, downloads
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download
from sms_hub.services.errors import InvalidInput, NotAllowed
from sms_hub.settings import get_settings
from sms_hub.store import audit_queries, campaign_queries
from sms_hub.store.models import Campaign, CampaignRecipient, Contact, ContactList
from tests.support.factories import db_scope

PERSON = "+33612345678"
PERSON_EMAIL = "Camille.Martin@exemple.fr"
OTHERS = ["+33610000001", "+33610000002"]
#: Every form the number could be stored or shown in.
TRACES = ["612345678", "6 12 34 56 78", "camille.martin", "Camille.Martin"]


def _admin(actor: Actor) -> Actor:
    return replace(actor, is_admin=True)


def _list(actor: Actor, name: str) -> int:
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=actor.tenant_id, name=name, contact_count=3
        )
        session.add(contact_list)
        session.flush()
        session.add(
            Contact(
                list_id=contact_list.id,
                phone=PERSON,
                email=PERSON_EMAIL,
                last_name="Martin",
                first_name="Camille",
            )
        )
        for phone in OTHERS:
            session.add(Contact(list_id=contact_list.id, phone=phone))
        return contact_list.id


def _sent_campaign(actor: Actor) -> int:
    """A finished campaign with its kept per-recipient outcomes."""
    outcomes = {PERSON: "stop", OTHERS[0]: "delivered", OTHERS[1]: "failed"}
    with db_scope() as session:
        campaign = Campaign(
            tenant_id=actor.tenant_id,
            sarbacane_id="sent-1",
            name="Rentrée",
            kind="marketing",
            sender="CentreForm",
            content="Bonjour",
            status=Status.FINISHED,
            recipient_count=3,
            processed_count=3,
            report_summary=json.dumps({"pending": 0, "recipients": 3}),
        )
        session.add(campaign)
        session.flush()
        for phone, outcome in outcomes.items():
            session.add(
                CampaignRecipient(
                    campaign_id=campaign.id,
                    phone=phone,
                    email=PERSON_EMAIL if phone == PERSON else None,
                    pushed=True,
                    outcome=outcome,
                )
            )
        return campaign.id


async def _pushed_draft(actor: Actor, list_id: int) -> int:
    # A notification: the person answered STOP, and an SMS Marketing import
    # would leave them out of the draft already.
    row = await campaign_service.create_campaign(
        actor,
        NewCampaign("Brouillon RGPD", CampaignKind.NOTIFICATION, "CentreForm", "Hé"),
    )
    await audience.import_lists(actor, row.id, [list_id])
    return row.id


def _traces() -> list[tuple[str, str, str]]:
    """(table, column, value) of every text cell holding a trace of the person."""
    found = []
    with db_scope() as session:
        tables = session.exec(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
        ).all()
        for (table,) in tables:
            columns = session.exec(text(f'PRAGMA table_info("{table}")')).all()
            for column in columns:
                name, kind = column[1], (column[2] or "").upper()
                if not any(t in kind for t in ("CHAR", "TEXT", "CLOB", "STRING")):
                    continue
                for trace in TRACES:
                    rows = session.exec(
                        text(
                            f'SELECT "{name}" FROM "{table}" '
                            f'WHERE lower("{name}") LIKE :pattern'
                        ),
                        params={"pattern": f"%{trace.lower()}%"},
                    ).all()
                    found += [(table, name, r[0]) for r in rows]
    return found


def _outcomes(campaign_id: int) -> Counter:
    with db_scope() as session:
        rows = session.exec(
            text("SELECT outcome FROM campaignrecipient WHERE campaign_id = :c"),
            params={"c": campaign_id},
        ).all()
        return Counter(r[0] for r in rows)


async def test_search_finds_every_list_and_campaign_in_any_form(actor: Actor, sim):
    admin = _admin(actor)
    _list(actor, "Stagiaires")
    _sent_campaign(actor)
    for typed in ("06 12 34 56 78", "+33 6 12 34 56 78", "0612345678"):
        rows = await contact_data.find(admin, typed)
        assert sorted((r.kind, r.place) for r in rows) == [
            ("Destinataire de campagne", "Rentrée"),
            ("Liste de contacts", "Stagiaires"),
        ]
    by_email = await contact_data.find(admin, "camille.martin@EXEMPLE.fr")
    assert len(by_email) == 2
    sent = next(r for r in by_email if r.place == "Rentrée")
    assert sent.status == "Envoi terminé" and sent.outcome


async def test_only_admins_see_a_contact_and_a_bad_query_is_refused(actor, sim):
    with pytest.raises(NotAllowed):
        await contact_data.find(actor, "0612345678")
    with pytest.raises(InvalidInput):
        await contact_data.find(_admin(actor), "bonjour")


async def test_export_is_a_single_use_link_without_the_number(actor: Actor, sim):
    admin = _admin(actor)
    _list(actor, "Stagiaires")
    url, filename = await contact_data.export_link(admin, "0612345678")
    assert "612345678" not in url and filename.startswith("donnees-contact-")
    link = downloads.open_link(url.rsplit("/", 1)[-1])
    assert link.kind is Download.CONTACT_DATA
    body = "".join(downloads.stream(link))
    assert "Liste de contacts;Stagiaires" in body and "Camille" in body


async def test_erasure_leaves_no_trace_and_keeps_the_counts(actor: Actor, sim):
    admin = _admin(actor)
    list_id = _list(actor, "Stagiaires")
    sent_id = _sent_campaign(actor)
    draft_id = await _pushed_draft(actor, list_id)
    with db_scope() as session:
        old_sarbacane_id = campaign_queries.campaign_by_id(
            session, actor.tenant_id, draft_id
        ).sarbacane_id
    before = _outcomes(sent_id)
    assert _traces()

    report = await contact_data.erase(admin, "06.12.34.56.78")

    assert (report.lists, report.drafts, report.anonymised) == (1, 1, 1)
    assert (report.remade, report.remake_failed) == (1, 0)
    assert _traces() == []
    assert _outcomes(sent_id) == before  # the sent campaign's counts stay
    assert await contact_data.find(admin, "0612345678") == []
    with db_scope() as session:
        draft = campaign_queries.campaign_by_id(session, actor.tenant_id, draft_id)
        sent = campaign_queries.campaign_by_id(session, actor.tenant_id, sent_id)
        contact_list = session.get(ContactList, list_id)
        events = audit_queries.audit_events(session, actor.tenant_id, None)
        assert sent.recipient_count == 3
        assert draft.recipient_count == 2 and contact_list.contact_count == 2
        assert "contact_erase" in [e.action for e in events]
    assert draft.sarbacane_id != old_sarbacane_id
    client: SarbacaneClient = get_client(get_settings())
    remote = sorted(r.phone for r in await client.list_recipients(draft.sarbacane_id))
    assert remote == OTHERS
