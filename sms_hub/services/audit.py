"""Audit events written in a transaction of their own (after a Sarbacane call)."""

from __future__ import annotations

from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope


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
    with session_scope(get_settings().database_url) as session:
        campaign = (
            queries.campaign_by_id(session, actor.tenant_id, campaign_id)
            if campaign_id is not None
            else None
        )
        queries.record_audit(
            session,
            tenant_id=actor.tenant_id,
            actor=actor.user,
            action=action,
            outcome=outcome,
            campaign=campaign,
            campaign_name=campaign_name,
            detail=detail,
        )
