"""Named queries on a campaign's exclusion lists (Sarbacane blacklists)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from sms_hub.store import campaign_queries
from sms_hub.store.models import (
    Campaign,
    CampaignExclusion,
)


def campaign_exclusions(
    session: Session, tenant_id: int, campaign_id: int
) -> list[CampaignExclusion]:
    if campaign_queries.campaign_by_id(session, tenant_id, campaign_id) is None:
        return []
    return list(
        session.exec(
            select(CampaignExclusion)
            .where(CampaignExclusion.campaign_id == campaign_id)
            .order_by(col(CampaignExclusion.id))
        ).all()
    )


def replace_exclusions(
    session: Session, campaign: Campaign, chosen: list[tuple[str, str]]
) -> None:
    """Make the campaign's exclusion lists exactly ``chosen`` ((id, name) pairs).

    Not scoped: takes a campaign row its caller read for the centre (campaign_by_id) or
    just inserted for it.
    """
    session.exec(
        delete(CampaignExclusion).where(CampaignExclusion.campaign_id == campaign.id)
    )
    for blacklist_id, name in chosen:
        session.add(
            CampaignExclusion(
                campaign_id=campaign.id, blacklist_id=blacklist_id, blacklist_name=name
            )
        )
