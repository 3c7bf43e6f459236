"""Named queries on delivery outcomes: each recipient's, the finished campaign's report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col

from sms_hub.store import campaign_queries
from sms_hub.store.models import (
    Campaign,
    CampaignRecipient,
    utcnow,
)
from sms_hub.store.query_helpers import (
    counted_page,
)


def set_outcomes(
    session: Session,
    campaign_id: int,
    outcomes: dict[str, str],
    moments: dict[str, datetime] | None = None,
) -> None:
    """Record each recipient's delivery outcome (by phone number), and when.

    Not scoped: called only with a campaign the guard (services/guard.py) already
    checked for this centre (services/statistics.py, campaign_in_centre).
    """
    if not outcomes:
        return
    moments = moments or {}
    table = CampaignRecipient.__table__
    session.connection().execute(
        update(table)
        .where(
            table.c.campaign_id == campaign_id,
            table.c.phone == bindparam("b_phone"),
        )
        .values(outcome=bindparam("b_outcome"), outcome_at=bindparam("b_at")),
        [
            {"b_phone": phone, "b_outcome": value, "b_at": moments.get(phone)}
            for phone, value in outcomes.items()
        ],
    )


def mark_report_kept(
    session: Session, tenant_id: int, campaign_id: int, summary: str
) -> None:
    """The finished campaign's report is stored, and the statistics computed
    from it: later opens read them locally."""
    session.exec(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id, col(Campaign.tenant_id) == tenant_id)
        .values(report_fetched_at=utcnow(), report_summary=summary)
    )


def outcome_page(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    *,
    outcome: str | None,
    offset: int,
    limit: int,
) -> tuple[list[CampaignRecipient], int]:
    """Recipients with their outcome; ``outcome`` "pending" means none known yet."""
    if campaign_queries.campaign_by_id(session, tenant_id, campaign_id) is None:
        return [], 0
    where = [CampaignRecipient.campaign_id == campaign_id]
    if outcome == "pending":
        where.append(col(CampaignRecipient.outcome).is_(None))
    elif outcome:
        where.append(CampaignRecipient.outcome == outcome)
    order = [col(CampaignRecipient.id)]
    return counted_page(
        session, CampaignRecipient, where, order, offset=offset, limit=limit
    )
