"""Named queries on the audit trail: record an event, read a centre's events."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.store.models import (
    AuditEvent,
    Campaign,
)
from sms_hub.store.query_helpers import (
    counted_page,
)


def record_audit(
    session: Session,
    *,
    tenant_id: int,
    actor: str,
    action: AuditAction,
    outcome: AuditOutcome,
    campaign: Campaign | None = None,
    campaign_name: str = "",
    detail: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        tenant_id=tenant_id,
        campaign_id=campaign.id if campaign else None,
        campaign_name=campaign.name if campaign else campaign_name,
        actor=actor,
        action=action,
        outcome=outcome,
        detail=detail,
    )
    session.add(event)
    return event


def audit_events(
    session: Session, tenant_id: int, campaign_id: int | None = None
) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if campaign_id is not None:
        statement = statement.where(AuditEvent.campaign_id == campaign_id)
    return list(session.exec(statement.order_by(col(AuditEvent.id))).all())


def audit_page(
    session: Session,
    tenant_id: int,
    *,
    campaign_id: int | None = None,
    actions: list[str] | None = None,
    offset: int,
    limit: int,
) -> tuple[list[AuditEvent], int]:
    """One page of the centre's audit events, newest first, and their number:
    a campaign's (``campaign_id``), or those of some ``actions``."""
    where: list[Any] = [AuditEvent.tenant_id == tenant_id]
    if campaign_id is not None:
        where.append(AuditEvent.campaign_id == campaign_id)
    if actions is not None:
        where.append(col(AuditEvent.action).in_(actions))
    order = [col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc()]
    return counted_page(session, AuditEvent, where, order, offset=offset, limit=limit)
