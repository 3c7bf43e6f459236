"""The sending lifecycle: preview, launch now, schedule, cancel.

One place owns it (listmonk's "manager"): the handlers only ask. Launch and
cancel first claim the campaign with a compare-and-set on its status, so a
double click, two tabs or two workers act once; Sarbacane is then called
(the client reads back a lost answer instead of sending twice), and a
definite refusal puts the status back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sms_hub.domain import calendar, lifecycle, sms_text
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.centre_settings import days_from_text
from sms_hub.domain.formatting import date_time_fr
from sms_hub.domain.lifecycle import RELAUNCH_WARNING, Action, Claim, Status
from sms_hub.sarbacane import SarbacaneError
from sms_hub.services import audit, credits
from sms_hub.services.audience import (
    current_exclusions,
    push_pending,
    unpushed_count,
)
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import AlreadyDone, NotAllowed
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import campaign_in_centre
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import Tenant

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchPreview:
    recipients: int
    exclusions: list[str]
    parts: int
    encoding: str
    credits_needed: int
    credits_left: int | None
    relaunch_warning: str
    window_note: str
    next_slot: str
    next_slot_local: datetime | None
    timezone: str = "Europe/Paris"


def _scope():
    return session_scope(get_settings().database_url)


def sending_window(tenant: Tenant) -> calendar.SendingWindow:
    """The centre's own sending days, hours, time zone and holidays."""
    return calendar.SendingWindow(
        start=time.fromisoformat(tenant.window_start),
        end=time.fromisoformat(tenant.window_end),
        weekdays=days_from_text(tenant.sending_days),
        subdivision=tenant.holiday_subdivision,
        timezone=tenant.timezone,
    )


async def preview(actor: Actor, campaign_id: int) -> LaunchPreview:
    """What the launch modal shows before the user confirms."""
    found = await in_thread(campaign_in_centre, actor, campaign_id)
    campaign, tenant = found.campaign, found.tenant

    names = await current_exclusions(actor, campaign_id)
    measure = sms_text.measure(campaign.content)
    credits_left = await credits.sms_credits_left(
        tenant.id or 0, tenant.sarbacane_account_id or "", found.sarbacane()
    )
    note, slot, slot_local = "", "", None
    if calendar.requires_window(campaign.kind):
        now = datetime.now(UTC)
        window = sending_window(tenant)
        reason = calendar.refusal_reason(now, window)
        if reason:
            note = reason
            slot_local = calendar.next_allowed(now, window)
            slot = date_time_fr(slot_local, tenant.timezone)
    return LaunchPreview(
        recipients=campaign.recipient_count,
        exclusions=names,
        parts=measure.parts,
        encoding=measure.encoding,
        credits_needed=sms_text.credits(measure.parts, campaign.recipient_count),
        credits_left=credits_left,
        relaunch_warning=RELAUNCH_WARNING
        if campaign.status == Status.CANCELLED
        else "",
        window_note=note,
        next_slot=slot,
        next_slot_local=slot_local,
        timezone=tenant.timezone,
    )


async def launch(actor: Actor, campaign_id: int, when_utc: datetime | None) -> bool:
    """Send the campaign now (``when_utc`` None) or schedule it.

    Returns False when another request already launched it (nothing done).
    """
    try:
        found = await in_thread(campaign_in_centre, actor, campaign_id, Action.LAUNCH)
    except AlreadyDone:
        return False
    campaign = found.campaign
    date_problem = calendar.send_date_problem(
        campaign.kind, when_utc, sending_window(found.tenant), datetime.now(UTC)
    )
    if date_problem:
        raise NotAllowed(date_problem)
    if await unpushed_count(actor, campaign_id):
        await push_pending(actor, campaign_id)
    claim = lifecycle.claim(Action.LAUNCH, dated=when_utc is not None)
    if not await in_thread(_claim, actor, campaign_id, claim, scheduled_at=when_utc):
        return False

    async def undo(error: SarbacaneError) -> None:
        # A send that may have gone through keeps its status: no second send.
        if not getattr(error, "maybe_applied", False):
            await in_thread(_claim, actor, campaign_id, claim.undo(found.status))

    client = found.sarbacane()
    async with sarbacane_call(
        actor, AuditAction.LAUNCH, campaign_id=campaign_id, undo=undo
    ):
        if when_utc:
            await client.schedule(campaign.sarbacane_id, when_utc)
        else:
            await client.send_now(campaign.sarbacane_id)
    credits.forget(found.tenant.id or 0)
    zone = found.tenant.timezone
    detail = (
        f"planifiée le {date_time_fr(when_utc, zone)}" if when_utc else "envoi immédiat"
    )
    await in_thread(
        audit.record,
        actor,
        AuditAction.LAUNCH,
        AuditOutcome.OK,
        campaign_id=campaign_id,
        detail=detail,
    )
    return True


async def cancel(actor: Actor, campaign_id: int) -> bool:
    """Stop a scheduled or running send: *Envoi annulé par l'utilisateur*."""
    try:
        found = await in_thread(campaign_in_centre, actor, campaign_id, Action.CANCEL)
    except AlreadyDone:
        return False
    claim = lifecycle.claim(Action.CANCEL)
    if not await in_thread(_claim, actor, campaign_id, claim, scheduled_at=None):
        return False

    async def undo(error: SarbacaneError) -> None:
        await in_thread(_claim, actor, campaign_id, claim.undo(found.status))

    async with sarbacane_call(
        actor, AuditAction.CANCEL, campaign_id=campaign_id, undo=undo
    ):
        await found.sarbacane().cancel(found.campaign.sarbacane_id)
    await in_thread(
        audit.record,
        actor,
        AuditAction.CANCEL,
        AuditOutcome.OK,
        campaign_id=campaign_id,
    )
    return True


def _claim(actor: Actor, campaign_id: int, claim: Claim, **values: object) -> bool:
    """Move the campaign's status as ``claim`` says; False if another request did."""
    with _scope() as session:
        return queries.claim_status(
            session,
            actor.tenant_id,
            campaign_id,
            [s.value for s in claim.from_statuses],
            claim.to_status.value,
            **values,
        )
