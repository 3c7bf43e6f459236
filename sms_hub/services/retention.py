"""The daily retention job (see ``domain.retention``), run by the poller's leader.

Each centre whose last run is a day old or more is processed in its own
transaction: the people past its « Durée de conservation » are anonymised in
the sent campaigns' recipients and removed from its contact lists; the run's
moment and count are kept on the centre for « Paramètres du centre ».
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from sms_hub.domain.lifecycle import Status
from sms_hub.domain.retention import cutoff, is_due
from sms_hub.services.contact_data import ANONYMOUS_PREFIX
from sms_hub.services.context import in_thread
from sms_hub.store.db import transaction
from sms_hub.store.models import (
    Campaign,
    CampaignRecipient,
    Contact,
    ContactList,
    Tenant,
)

log = logging.getLogger(__name__)

#: One run at a time in this process (a run outliving the poller's bound
#: goes on in its thread; the next cycle does not start another).
_RUNNING = threading.Lock()

#: Sends that reached their recipients; any other campaign is about to.
_SENT = (Status.FINISHED.value, Status.CANCELLED.value)


def _people_past(session: Session, tenant_id: int, limit: datetime) -> list[str]:
    """The numbers whose last sent campaign is older than ``limit`` and that
    no campaign under way or to come holds."""
    recipient, campaign = CampaignRecipient, Campaign
    last = func.max(col(campaign.status_changed_at))
    old = (
        select(recipient.phone)
        .join(campaign, col(campaign.id) == col(recipient.campaign_id))
        .where(
            campaign.tenant_id == tenant_id,
            col(campaign.status).in_(_SENT),
            ~col(recipient.phone).startswith(ANONYMOUS_PREFIX),
        )
        .group_by(recipient.phone)
        .having(last < limit)
    )
    kept = (
        select(recipient.phone)
        .join(campaign, col(campaign.id) == col(recipient.campaign_id))
        .where(campaign.tenant_id == tenant_id, ~col(campaign.status).in_(_SENT))
    )
    return sorted(set(session.exec(old).all()) - set(session.exec(kept).all()))


def _anonymise(session: Session, tenant_id: int, phones: list[str]) -> None:
    sent_ids = select(Campaign.id).where(
        Campaign.tenant_id == tenant_id, col(Campaign.status).in_(_SENT)
    )
    for phone in phones:
        rows = session.exec(
            select(CampaignRecipient).where(
                CampaignRecipient.phone == phone,
                col(CampaignRecipient.campaign_id).in_(sent_ids),
            )
        ).all()
        for row in rows:
            row.phone = f"{ANONYMOUS_PREFIX}{uuid.uuid4().hex[:12]}"
            row.email = None
            row.source_list_id = None
            session.add(row)
        entries = session.exec(
            select(Contact, ContactList)
            .join(ContactList, col(ContactList.id) == col(Contact.list_id))
            .where(ContactList.tenant_id == tenant_id, Contact.phone == phone)
        ).all()
        for contact, contact_list in entries:
            contact_list.contact_count = max(0, contact_list.contact_count - 1)
            session.add(contact_list)
            session.delete(contact)


def apply_to_centre(tenant_id: int, now: datetime) -> int:
    """Anonymise the centre's people past its limit at ``now``; how many."""
    with transaction() as session:
        tenant = session.get(Tenant, tenant_id)
        if tenant is None:
            return 0
        phones = _people_past(session, tenant_id, cutoff(now, tenant.retention_months))
        _anonymise(session, tenant_id, phones)
        session.exec(
            update(Tenant)
            .where(col(Tenant.id) == tenant_id)
            .values(retention_run_at=now, retention_count=len(phones))
        )
        return len(phones)


def _due_centres(now: datetime) -> list[int]:
    with transaction() as session:
        rows = session.exec(select(Tenant.id, Tenant.retention_run_at)).all()
    return [tenant_id for tenant_id, last in rows if is_due(_aware(last), now)]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def run_due(now: datetime | None = None) -> int:
    """Process every centre whose last run is a day old (blocking); how many
    people were anonymised in all."""
    if not _RUNNING.acquire(blocking=False):
        return 0
    try:
        now = now or datetime.now(UTC)
        total = 0
        for tenant_id in _due_centres(now):
            try:
                total += apply_to_centre(tenant_id, now)
            except Exception:
                log.exception("retention failed for centre %s", tenant_id)
        return total
    finally:
        _RUNNING.release()


async def run_due_retention() -> int:
    """The poller leader's hook: :func:`run_due` off the event loop."""
    return await in_thread(run_due)
