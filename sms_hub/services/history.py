"""« Historique »: a campaign's audit events, or the centre's contact-list
changes, a page at a time, in French."""

from __future__ import annotations

from dataclasses import dataclass

from sms_hub.domain.audit import (
    LIST_ACTIONS,
    AuditOutcome,
    action_label,
    outcome_label,
)
from sms_hub.domain.formatting import date_time_fr
from sms_hub.domain.lifecycle import Action
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.guard import campaign_in_centre, centre_of
from sms_hub.store import audit_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import AuditEvent

#: Events per page of the dialog.
HISTORY_PAGE_SIZE = 10


@dataclass
class HistoryRow:
    when: str
    who: str
    what: str
    outcome: str
    failed: bool
    detail: str


@dataclass(frozen=True)
class HistoryPage:
    campaign_name: str
    rows: list[HistoryRow]
    total: int


def _row(event: AuditEvent, zone: str) -> HistoryRow:
    return HistoryRow(
        when=date_time_fr(event.created_at, zone),
        who=event.actor,
        what=action_label(event.action),
        outcome=outcome_label(event.outcome),
        failed=event.outcome == AuditOutcome.FAILED,
        detail=event.detail or "",
    )


def _page(actor: Actor, campaign_id: int, offset: int, limit: int) -> HistoryPage:
    found = campaign_in_centre(actor, campaign_id, Action.HISTORY)
    zone = found.tenant.timezone
    with transaction() as session:
        events, total = audit_queries.audit_page(
            session,
            actor.tenant_id,
            campaign_id=campaign_id,
            offset=offset,
            limit=limit,
        )
        rows = [_row(event, zone) for event in events]
    return HistoryPage(found.campaign.name, rows, total)


def _lists_page(actor: Actor, offset: int, limit: int) -> HistoryPage:
    zone = centre_of(actor).timezone
    with transaction() as session:
        events, total = audit_queries.audit_page(
            session,
            actor.tenant_id,
            actions=sorted(LIST_ACTIONS),
            offset=offset,
            limit=limit,
        )
        return HistoryPage("", [_row(event, zone) for event in events], total)


async def contact_lists_history(
    actor: Actor, *, offset: int = 0, limit: int = HISTORY_PAGE_SIZE
) -> HistoryPage:
    """The changes of the centre's contact lists, newest first."""
    return await in_thread(_lists_page, actor, offset, limit)


async def campaign_history(
    actor: Actor, campaign_id: int, *, offset: int = 0, limit: int = HISTORY_PAGE_SIZE
) -> HistoryPage:
    """Who did what to the centre's campaign, when, and how it ended; newest first."""
    return await in_thread(_page, actor, campaign_id, offset, limit)
