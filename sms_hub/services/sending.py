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

from sms_hub.domain import calendar, sms_text
from sms_hub.domain.formatting import date_time_fr
from sms_hub.domain.statuses import (
    ACTIVE_STATUSES,
    RELAUNCH_WARNING,
    Action,
    Status,
    refusal,
)
from sms_hub.sarbacane import SarbacaneError
from sms_hub.services.audience import push_pending, unpushed_count
from sms_hub.services.context import Actor, in_thread, sarbacane
from sms_hub.services.errors import GatewayError, NotAllowed, NotFound
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import Campaign, Tenant

log = logging.getLogger(__name__)

_EDITABLE = [Status.DRAFT.value, Status.CANCELLED.value]
_ACTIVE = [s.value for s in ACTIVE_STATUSES]


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


def _scope():
    return session_scope(get_settings().database_url)


def _campaign_and_tenant(actor: Actor, campaign_id: int) -> tuple[Campaign, Tenant]:
    with _scope() as session:
        campaign = queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        tenant = queries.tenant_by_id(session, actor.tenant_id)
        if campaign is None or tenant is None:
            raise NotFound()
        return campaign, tenant


def sending_window(tenant: Tenant) -> calendar.SendingWindow:
    return calendar.SendingWindow(
        start=time.fromisoformat(tenant.window_start),
        end=time.fromisoformat(tenant.window_end),
        subdivision=tenant.holiday_subdivision,
    )


async def preview(actor: Actor, campaign_id: int) -> LaunchPreview:
    """What the launch modal shows before the user confirms."""
    campaign, tenant = await in_thread(_campaign_and_tenant, actor, campaign_id)

    def exclusions() -> list[str]:
        with _scope() as session:
            return [
                e.blacklist_name
                for e in queries.campaign_exclusions(
                    session, actor.tenant_id, campaign_id
                )
            ]

    names = await in_thread(exclusions)
    measure = sms_text.measure(campaign.content)
    try:
        credits_left = (await sarbacane().credits()).sms
    except SarbacaneError:
        credits_left = None
    note, slot, slot_local = "", "", None
    if calendar.requires_window(campaign.kind):
        now = datetime.now(UTC)
        window = sending_window(tenant)
        reason = calendar.refusal_reason(now, window)
        if reason:
            note = reason
            slot_local = calendar.next_allowed(now, window)
            slot = date_time_fr(slot_local)
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
    )


async def launch(actor: Actor, campaign_id: int, when_utc: datetime | None) -> bool:
    """Send the campaign now (``when_utc`` None) or schedule it.

    Returns False when another request already launched it (nothing done).
    """
    campaign, tenant = await in_thread(_campaign_and_tenant, actor, campaign_id)
    reason = refusal(Action.LAUNCH, Status(campaign.status), campaign.recipient_count)
    if reason:
        if campaign.status in _ACTIVE:
            return False
        raise NotAllowed(reason)
    date_problem = calendar.send_date_problem(
        campaign.kind, when_utc, sending_window(tenant), datetime.now(UTC)
    )
    if date_problem:
        raise NotAllowed(date_problem)
    if await unpushed_count(actor, campaign_id):
        await push_pending(actor, campaign_id)
    previous = campaign.status
    target = Status.SCHEDULED if when_utc else Status.RECEIVED
    claimed = await in_thread(
        _claim, actor, campaign_id, _EDITABLE, target, {"scheduled_at": when_utc}
    )
    if not claimed:
        return False
    client = sarbacane()
    try:
        if when_utc:
            await client.schedule(campaign.sarbacane_id, when_utc)
        else:
            await client.send_now(campaign.sarbacane_id)
    except SarbacaneError as error:
        maybe = getattr(error, "maybe_applied", False)
        if not maybe:
            await in_thread(_claim, actor, campaign_id, [target], previous, {})
        await in_thread(
            _audit, actor, campaign_id, "launch", "failed", error.user_message
        )
        raise GatewayError(error.user_message) from error
    detail = f"planifiée le {date_time_fr(when_utc)}" if when_utc else "envoi immédiat"
    await in_thread(_audit, actor, campaign_id, "launch", "ok", detail)
    return True


async def cancel(actor: Actor, campaign_id: int) -> bool:
    """Stop a scheduled or running send: *Envoi annulé par l'utilisateur*."""
    campaign, _ = await in_thread(_campaign_and_tenant, actor, campaign_id)
    reason = refusal(Action.CANCEL, Status(campaign.status), campaign.recipient_count)
    if reason:
        if campaign.status == Status.CANCELLED:
            return False
        raise NotAllowed(reason)
    previous = campaign.status
    claimed = await in_thread(
        _claim, actor, campaign_id, _ACTIVE, Status.CANCELLED, {"scheduled_at": None}
    )
    if not claimed:
        return False
    try:
        await sarbacane().cancel(campaign.sarbacane_id)
    except SarbacaneError as error:
        await in_thread(_claim, actor, campaign_id, [Status.CANCELLED], previous, {})
        await in_thread(
            _audit, actor, campaign_id, "cancel", "failed", error.user_message
        )
        raise GatewayError(error.user_message) from error
    await in_thread(_audit, actor, campaign_id, "cancel", "ok", None)
    return True


def _claim(
    actor: Actor,
    campaign_id: int,
    from_statuses: list[str],
    to_status: str,
    values: dict,
) -> bool:
    with _scope() as session:
        return queries.claim_status(
            session,
            actor.tenant_id,
            campaign_id,
            [str(s) for s in from_statuses],
            str(to_status),
            **values,
        )


def _audit(
    actor: Actor, campaign_id: int, action: str, outcome: str, detail: str | None
) -> None:
    with _scope() as session:
        campaign = queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        queries.record_audit(
            session,
            tenant_id=actor.tenant_id,
            actor=actor.user,
            action=action,
            outcome=outcome,
            campaign=campaign,
            detail=detail,
        )
