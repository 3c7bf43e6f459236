"""The sending lifecycle: preview, launch now, schedule, cancel.

One place owns it (listmonk's "manager"): the handlers only ask. Launch and
cancel first claim the campaign with a compare-and-set on its status, so a
double click, two tabs or two workers act once; Sarbacane is then called
(the client reads back a lost answer instead of sending twice), and a
definite refusal puts the status back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sms_hub.domain import calendar, lifecycle, sms_text, unsubscribes
from sms_hub.domain.adoption import NO_TEMPLATE_WARNING, lacks_visible_text
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.campaign import (
    NO_STOP_LIST_AUDIT,
    NO_STOP_LIST_REFUSED,
    NO_STOP_LIST_WARNING,
    lacks_unsubscribe_list,
)
from sms_hub.domain.centre_settings import days_from_text
from sms_hub.domain.formatting import date_time_fr
from sms_hub.domain.lifecycle import (
    CANCEL_OF_UNSENT_LEADS_TO,
    NOT_SENT_DETAIL,
    RELAUNCH_WARNING,
    Action,
    Claim,
    Status,
)
from sms_hub.sarbacane import SarbacaneError, SarbacaneRejected
from sms_hub.services import audit, credits
from sms_hub.services.audience import (
    exclusion_pairs,
    push_pending,
    unpushed_count,
)
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import (
    AlreadyDone,
    GatewayError,
    NotAllowed,
    OutsideWindow,
    ServiceError,
)
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import campaign_in_centre, claim_campaign
from sms_hub.services.recipient_zones import recipient_zones
from sms_hub.store import unsubscribe_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Tenant

log = logging.getLogger(__name__)

#: Sarbacane's answer to a cancel of a campaign that has no send.
NOT_SENT_CODE = "CAMPAIGN_NOT_SENT"


@dataclass(frozen=True)
class LaunchPreview:
    recipients: int
    exclusions: list[str]
    parts: int
    encoding: str
    #: None when Hub3E sees no text of the campaign (made in Sarbacane).
    credits_needed: int | None
    credits_left: int | None
    relaunch_warning: str
    window_note: str
    next_slot: str
    next_slot_local: datetime | None
    timezone: str = "Europe/Paris"
    #: Non-empty for an SMS Marketing without the unsubscribe (STOP) list:
    #: its launch must be confirmed.
    stop_list_warning: str = ""
    #: Non-empty for a campaign made in Sarbacane whose SMS text Hub3E does
    #: not see: it may stay stuck under *Reçue par le serveur d'envoi*.
    no_template_warning: str = ""
    #: Recipients the unsubscribe (STOP) list leaves out: not counted in
    #: ``credits_needed``; its French line (empty when none).
    unsubscribed: int = 0
    unsubscribed_message: str = ""


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

    pairs = await exclusion_pairs(actor, campaign_id)
    names = [name for _, name in pairs]
    no_stop_list = lacks_unsubscribe_list(campaign.kind, [i for i, _ in pairs])
    unsubscribed = 0
    if unsubscribes.excluded_by(i for i, _ in pairs):
        unsubscribed = await in_thread(_unsubscribed_recipients, actor, campaign_id)
    receiving = max(0, campaign.recipient_count - unsubscribed)
    measure = sms_text.measure(campaign.content)
    credits_left = await credits.sms_credits_left(
        tenant.id or 0, tenant.sarbacane_account_id or "", found.sarbacane()
    )
    note = calendar.WindowNote()
    if calendar.requires_window(campaign.kind):
        zones = await in_thread(recipient_zones, actor, campaign_id, tenant)
        note = calendar.window_note(datetime.now(UTC), sending_window(tenant), zones)
    return LaunchPreview(
        recipients=campaign.recipient_count,
        exclusions=names,
        parts=measure.parts,
        encoding=measure.encoding,
        credits_needed=None
        if lacks_visible_text(campaign.origin, campaign.content)
        else sms_text.credits(measure.parts, receiving),
        credits_left=credits_left,
        relaunch_warning=RELAUNCH_WARNING
        if campaign.status == Status.CANCELLED
        else "",
        window_note=note.reason,
        next_slot=note.slot,
        next_slot_local=note.slot_local,
        timezone=tenant.timezone,
        stop_list_warning=NO_STOP_LIST_WARNING if no_stop_list else "",
        no_template_warning=NO_TEMPLATE_WARNING
        if lacks_visible_text(campaign.origin, campaign.content)
        else "",
        unsubscribed=unsubscribed,
        unsubscribed_message=unsubscribes.excluded_message(unsubscribed),
    )


def _unsubscribed_recipients(actor: Actor, campaign_id: int) -> int:
    with transaction() as session:
        return unsubscribe_queries.count_unsubscribed_recipients(
            session, actor.tenant_id, campaign_id
        )


async def launch(
    actor: Actor,
    campaign_id: int,
    when_utc: datetime | None,
    *,
    without_stop_list_confirmed: bool = False,
) -> bool:
    """Send the campaign now (``when_utc`` None) or schedule it.

    An SMS Marketing without the unsubscribe (STOP) list is refused unless
    the user confirmed it (``without_stop_list_confirmed``); the launch's
    audit event then says so. Returns False when another request already
    launched it (nothing done).
    """
    try:
        found = await in_thread(campaign_in_centre, actor, campaign_id, Action.LAUNCH)
    except AlreadyDone:
        return False
    campaign = found.campaign
    # An unusable account is refused here, before any status is claimed.
    client = found.sarbacane()
    zones = None
    if calendar.requires_window(campaign.kind):
        zones = await in_thread(recipient_zones, actor, campaign_id, found.tenant)
    date_problem = calendar.send_date_problem(
        campaign.kind, when_utc, sending_window(found.tenant), datetime.now(UTC), zones
    )
    if date_problem:
        raise OutsideWindow(date_problem)
    no_stop_list = lacks_unsubscribe_list(
        campaign.kind, [i for i, _ in await exclusion_pairs(actor, campaign_id)]
    )
    if no_stop_list and not without_stop_list_confirmed:
        raise NotAllowed(NO_STOP_LIST_REFUSED)
    if await unpushed_count(actor, campaign_id):
        await push_pending(actor, campaign_id)
    claim = lifecycle.claim(Action.LAUNCH, dated=when_utc is not None)
    if not await in_thread(
        claim_campaign, actor, campaign_id, claim, scheduled_at=when_utc
    ):
        # Another request moved it: done already (False), or refused (a delete).
        with suppress(AlreadyDone):
            await in_thread(campaign_in_centre, actor, campaign_id, Action.LAUNCH)
        return False

    async def undo(error: SarbacaneError) -> None:
        # A send that may have gone through keeps its status: no second send.
        if not getattr(error, "maybe_applied", False):
            await in_thread(claim_campaign, actor, campaign_id, undo_claim)

    undo_claim = claim.undo(found.status)
    async with (
        _undone_on_service_error(actor, campaign_id, undo_claim),
        sarbacane_call(actor, AuditAction.LAUNCH, campaign_id=campaign_id, undo=undo),
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
    if no_stop_list:
        detail = f"{detail}, {NO_STOP_LIST_AUDIT}"
    await in_thread(
        audit.record,
        actor,
        AuditAction.LAUNCH,
        AuditOutcome.OK,
        campaign_id=campaign_id,
        detail=detail,
    )
    return True


@asynccontextmanager
async def _undone_on_service_error(
    actor: Actor, campaign_id: int, undo_claim: Claim
) -> AsyncIterator[None]:
    """Put the status back when the block fails with a service error other
    than a Sarbacane one (``sarbacane_call`` decides those: a send that may
    have gone through keeps its status)."""
    try:
        yield
    except GatewayError:
        raise
    except ServiceError:
        await in_thread(claim_campaign, actor, campaign_id, undo_claim)
        raise


async def cancel(actor: Actor, campaign_id: int) -> bool:
    """Stop a scheduled or running send: *Envoi annulé par l'utilisateur*.

    When Sarbacane answers that the campaign was never sent
    (``CAMPAIGN_NOT_SENT``), nothing is sending and nobody received
    anything: the campaign goes back to *Brouillon*, as Sarbacane holds it.
    """
    try:
        found = await in_thread(campaign_in_centre, actor, campaign_id, Action.CANCEL)
    except AlreadyDone:
        return False
    # An unusable account is refused here, before any status is claimed.
    client = found.sarbacane()
    claim = lifecycle.claim(Action.CANCEL)
    if not await in_thread(claim_campaign, actor, campaign_id, claim):
        return False
    undo_claim = claim.undo(found.status)

    async def undo(error: SarbacaneError) -> None:
        await in_thread(claim_campaign, actor, campaign_id, undo_claim)

    never_sent = False
    async with (
        _undone_on_service_error(actor, campaign_id, undo_claim),
        sarbacane_call(actor, AuditAction.CANCEL, campaign_id=campaign_id, undo=undo),
    ):
        try:
            await client.cancel(found.campaign.sarbacane_id)
        except SarbacaneRejected as error:
            if error.code != NOT_SENT_CODE:
                raise
            never_sent = True
    if never_sent:
        back = Claim(frozenset({claim.to_status}), CANCEL_OF_UNSENT_LEADS_TO)
        await in_thread(claim_campaign, actor, campaign_id, back, scheduled_at=None)
    await in_thread(
        audit.record,
        actor,
        AuditAction.CANCEL,
        AuditOutcome.OK,
        campaign_id=campaign_id,
        detail=NOT_SENT_DETAIL if never_sent else None,
    )
    return True
