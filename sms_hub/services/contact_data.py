"""« Données d'un contact »: what the centre holds on one person, its export
(right of access) and its erasure (right to erasure). Admins only.

A person is found by mobile number (any usual form, normalised by
``domain.phone``) or e-mail address. Erasure removes them from every contact
list and every draft's recipients (a draft already pushed to Sarbacane is
re-made without them, as « Modifier la campagne » does), and anonymises them
in the recipients kept for every other campaign: outcomes stay, so the
statistics' counts stay right, but nothing leads back to the person. The
STOP list lives in Sarbacane and is left as it is, so a STOP stays honoured.
Audit events never hold the number or the address.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from sms_hub.domain.audit import AuditAction
from sms_hub.domain.contacts_csv import csv_lines
from sms_hub.domain.formatting import PARIS, count_fr
from sms_hub.domain.lifecycle import STATUS_INFO, Status
from sms_hub.domain.phone import display_phone, normalize_mobile
from sms_hub.domain.statistics import outcome_label
from sms_hub.services import audit, downloads
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.downloads import Download
from sms_hub.services.errors import GatewayError, InvalidInput, NotAllowed
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign, CampaignRecipient, Contact, ContactList

log = logging.getLogger(__name__)

ADMINS_ONLY = "Seuls les administrateurs du centre peuvent consulter ces données."
BAD_QUERY = "Saisissez un numéro de mobile ou une adresse e-mail."
SARBACANE_KEEPS = (
    "Sarbacane conserve ses propres traces des campagnes envoyées : "
    "effacez aussi ce contact dans Sarbacane."
)
EXPORT_HEADER = (
    "Type",
    "Liste ou campagne",
    "Statut",
    "Téléphone",
    "Email",
    "Nom",
    "Prénom",
    "Résultat d'envoi",
)
#: Stands in for an erased recipient's number (unique per campaign).
ANONYMOUS_PREFIX = "anonyme-"


@dataclass(frozen=True)
class Who:
    """The person searched: a number in E.164 or an e-mail (lower case)."""

    phone: str | None
    email: str | None


@dataclass(frozen=True)
class HeldRow:
    kind: str
    place: str
    status: str
    phone: str
    email: str
    last_name: str
    first_name: str
    outcome: str


@dataclass(frozen=True)
class ErasureReport:
    lists: int
    drafts: int
    anonymised: int
    remade: int
    remake_failed: int

    @property
    def message(self) -> str:
        text = (
            "Contact effacé : retiré de "
            f"{count_fr(self.lists, 'liste', 'listes')} et de "
            f"{count_fr(self.drafts, 'brouillon', 'brouillons')}, anonymisé dans "
            f"{count_fr(self.anonymised, 'campagne envoyée', 'campagnes envoyées')}."
        )
        if self.remake_failed:
            text += (
                f" {count_fr(self.remake_failed, 'brouillon', 'brouillons')} "
                "déjà dans Sarbacane n'a pas pu être refait : réessayez plus tard."
            )
        return text


def parse_query(typed: str) -> Who:
    """The person a search names; ``InvalidInput`` when it names none."""
    text = (typed or "").strip()
    if "@" in text:
        if " " in text or len(text) > 320:
            raise InvalidInput({"query": BAD_QUERY})
        return Who(None, text.lower())
    e164 = normalize_mobile(text).e164
    if not e164:
        raise InvalidInput({"query": BAD_QUERY})
    return Who(e164, None)


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed(ADMINS_ONLY)


def _matches(model, who: Who):
    if who.phone:
        return col(model.phone) == who.phone
    return func.lower(col(model.email)) == who.email


def _contacts(session: Session, tenant_id: int, who: Who):
    return session.exec(
        select(Contact, ContactList)
        .join(ContactList, col(ContactList.id) == col(Contact.list_id))
        .where(ContactList.tenant_id == tenant_id, _matches(Contact, who))
        .order_by(ContactList.name)
    ).all()


def _recipients(session: Session, tenant_id: int, who: Who):
    return session.exec(
        select(CampaignRecipient, Campaign)
        .join(Campaign, col(Campaign.id) == col(CampaignRecipient.campaign_id))
        .where(Campaign.tenant_id == tenant_id, _matches(CampaignRecipient, who))
        .order_by(col(Campaign.created_at).desc())
    ).all()


def _held(actor: Actor, who: Who) -> list[HeldRow]:
    _admin(actor)
    with transaction() as session:
        rows = [
            HeldRow(
                "Liste de contacts",
                contact_list.name,
                "",
                display_phone(contact.phone),
                contact.email or "",
                contact.last_name or "",
                contact.first_name or "",
                "",
            )
            for contact, contact_list in _contacts(session, actor.tenant_id, who)
        ]
        for recipient, campaign in _recipients(session, actor.tenant_id, who):
            rows.append(
                HeldRow(
                    "Destinataire de campagne",
                    campaign.name,
                    STATUS_INFO[Status(campaign.status)].label,
                    display_phone(recipient.phone),
                    recipient.email or "",
                    "",
                    "",
                    outcome_label(recipient.outcome) if recipient.outcome else "",
                )
            )
        return rows


async def find(actor: Actor, typed: str) -> list[HeldRow]:
    """Every list entry and campaign recipient the centre holds for the person."""
    return await in_thread(_held, actor, parse_query(typed))


def _export(actor: Actor, who: Who) -> str:
    rows = _held(actor, who)
    chunks = csv_lines(
        (
            (
                r.kind,
                r.place,
                r.status,
                r.phone,
                r.email,
                r.last_name,
                r.first_name,
                r.outcome,
            )
            for r in rows
        ),
        EXPORT_HEADER,
    )
    report_id = downloads.keep_report(actor, chunks)
    audit.record(
        actor,
        AuditAction.CONTACT_EXPORT,
        audit.AuditOutcome.OK,
        detail=f"Export de {count_fr(len(rows), 'ligne', 'lignes')}",
    )
    return report_id


async def export_link(actor: Actor, typed: str) -> tuple[str, str]:
    """A signed single-use link to the person's data as a CSV, and its name.

    The file is written first and named by a random id: the link never
    carries the number or the address."""
    who = parse_query(typed)
    report_id = await in_thread(_export, actor, who)
    filename = f"donnees-contact-{datetime.now(PARIS):%Y-%m-%d}.csv"
    url = await downloads.prepare(actor, Download.CONTACT_DATA, report_id, filename)
    return url, filename


def _erase_locally(actor: Actor, who: Who) -> tuple[ErasureReport, list[int]]:
    """One transaction: lists and drafts lose the person, other campaigns
    keep an anonymous recipient with its outcome. Returns the drafts already
    pushed to Sarbacane, to re-make."""
    _admin(actor)
    with transaction() as session:
        lists: set[int] = set()
        for contact, contact_list in _contacts(session, actor.tenant_id, who):
            lists.add(contact_list.id or 0)
            contact_list.contact_count = max(0, contact_list.contact_count - 1)
            session.add(contact_list)
            session.delete(contact)
        drafts: set[int] = set()
        pushed_drafts: set[int] = set()
        anonymised: set[int] = set()
        for recipient, campaign in _recipients(session, actor.tenant_id, who):
            if campaign.status == Status.DRAFT:
                drafts.add(campaign.id or 0)
                if recipient.pushed:
                    # Sarbacane cannot remove a recipient: the draft is re-made.
                    pushed_drafts.add(campaign.id or 0)
                campaign.recipient_count = max(0, campaign.recipient_count - 1)
                session.add(campaign)
                session.delete(recipient)
            else:
                anonymised.add(campaign.id or 0)
                recipient.phone = f"{ANONYMOUS_PREFIX}{uuid.uuid4().hex[:12]}"
                recipient.email = None
                recipient.source_list_id = None
                session.add(recipient)
        report = ErasureReport(len(lists), len(drafts), len(anonymised), 0, 0)
        audit.record_in(
            session, actor, AuditAction.CONTACT_ERASE, detail=report.message
        )
        return report, sorted(pushed_drafts)


async def erase(actor: Actor, typed: str) -> ErasureReport:
    """Erase the person everywhere in the centre (see the module doc)."""
    from sms_hub.services.modify import remake_campaign

    who = parse_query(typed)
    report, to_remake = await in_thread(_erase_locally, actor, who)
    remade = failed = 0
    for campaign_id in to_remake:
        try:
            await remake_campaign(
                actor, campaign_id, "Refaite sans un contact effacé (RGPD)"
            )
            remade += 1
        except (GatewayError, NotAllowed):
            log.warning("draft %s not re-made after an erasure", campaign_id)
            failed += 1
    return ErasureReport(report.lists, report.drafts, report.anonymised, remade, failed)
