"""Every query of the product, named, in one file, always scoped by tenant.

No function here takes a campaign id without the tenant it must belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from sms_hub.store.models import (
    AuditEvent,
    Campaign,
    CampaignExclusion,
    CampaignRecipient,
    Tenant,
    utcnow,
)


class CampaignSort(StrEnum):
    CREATED = "created_at"
    NAME = "name"
    STATUS = "status"
    RECIPIENTS = "recipient_count"
    KIND = "kind"


@dataclass(frozen=True)
class CampaignPageQuery:
    search: str = ""
    sort: CampaignSort = CampaignSort.CREATED
    descending: bool = True
    offset: int = 0
    limit: int = 20


def tenant_by_slug(session: Session, slug: str) -> Tenant | None:
    return session.exec(select(Tenant).where(Tenant.slug == slug)).first()


def tenant_by_id(session: Session, tenant_id: int) -> Tenant | None:
    return session.get(Tenant, tenant_id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def campaign_page(
    session: Session, tenant_id: int, query: CampaignPageQuery
) -> tuple[list[Campaign], int]:
    """One page of a tenant's campaigns, and how many match in all."""
    where = [Campaign.tenant_id == tenant_id]
    search = query.search.strip()
    if search:
        pattern = f"%{_escape_like(search.lower())}%"
        where.append(func.lower(Campaign.name).like(pattern, escape="\\"))
    total = session.exec(select(func.count()).select_from(Campaign).where(*where)).one()
    sort_column = col(getattr(Campaign, query.sort.value))
    if query.sort is CampaignSort.NAME:
        sort_column = func.lower(sort_column)
    order = sort_column.desc() if query.descending else sort_column.asc()
    tie_break = col(Campaign.id).desc() if query.descending else col(Campaign.id)
    rows = session.exec(
        select(Campaign)
        .where(*where)
        .order_by(order, tie_break)
        .offset(query.offset)
        .limit(query.limit)
    ).all()
    return list(rows), int(total)


def campaign_by_id(
    session: Session, tenant_id: int, campaign_id: int
) -> Campaign | None:
    return session.exec(
        select(Campaign).where(
            Campaign.id == campaign_id, Campaign.tenant_id == tenant_id
        )
    ).first()


def delete_campaign_rows(session: Session, tenant_id: int, campaign_id: int) -> bool:
    """Delete a campaign and what hangs from it; False if it is not the tenant's."""
    campaign = campaign_by_id(session, tenant_id, campaign_id)
    if campaign is None:
        return False
    session.exec(
        delete(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id)
    )
    session.exec(
        delete(CampaignExclusion).where(CampaignExclusion.campaign_id == campaign_id)
    )
    session.delete(campaign)
    return True


def touch_campaign(campaign: Campaign) -> None:
    campaign.updated_at = utcnow()


def record_audit(
    session: Session,
    *,
    tenant_id: int,
    actor: str,
    action: str,
    outcome: str,
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
