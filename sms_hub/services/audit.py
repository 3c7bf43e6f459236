"""Audit events: in the transaction of the change they record, or in one of
their own (after a Sarbacane call)."""

from __future__ import annotations

from sqlmodel import Session

from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.services.context import Actor
from sms_hub.store import audit_queries, campaign_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign


def record_in(
    session: Session,
    actor: Actor,
    action: AuditAction | str,
    outcome: AuditOutcome = AuditOutcome.OK,
    *,
    campaign: Campaign | None = None,
    campaign_name: str = "",
    detail: str | None = None,
) -> None:
    """Record an event in ``session``: stored with the change it records, or not at all."""
    audit_queries.record_audit(
        session,
        tenant_id=actor.tenant_id,
        actor=actor.user,
        action=action,
        outcome=outcome,
        campaign=campaign,
        campaign_name=campaign_name,
        detail=detail,
    )


def record(
    actor: Actor,
    action: AuditAction,
    outcome: AuditOutcome,
    *,
    campaign_id: int | None = None,
    campaign_name: str = "",
    detail: str | None = None,
) -> None:
    """Record an event; with ``campaign_id`` it names the campaign as stored now."""
    with transaction() as session:
        campaign = (
            campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)
            if campaign_id is not None
            else None
        )
        record_in(
            session,
            actor,
            action,
            outcome,
            campaign=campaign,
            campaign_name=campaign_name,
            detail=detail,
        )
