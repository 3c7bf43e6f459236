"""Queries of a campaign's Sarbacane replacement (see ``services.modify``).

Every write is a compare-and-set on the stored replacement (and, for the
swap, on the linked Sarbacane id and the status), so two workers never both
move one replacement on.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from sms_hub.store.models import Campaign, CampaignRecipient, utcnow


def set_replacement(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    expected: str | None,
    value: str | None,
    *,
    statuses: list[str] | None = None,
    sarbacane_id: str | None = None,
) -> bool:
    """Move the stored replacement from ``expected`` to ``value``; False if
    another request changed it (or the status or link) first."""
    stored = col(Campaign.replacement)
    conditions = [
        col(Campaign.id) == campaign_id,
        col(Campaign.tenant_id) == tenant_id,
        stored.is_(None) if expected is None else stored == expected,
    ]
    if statuses is not None:
        conditions.append(col(Campaign.status).in_(statuses))
    if sarbacane_id is not None:
        conditions.append(col(Campaign.sarbacane_id) == sarbacane_id)
    result = session.exec(update(Campaign).where(*conditions).values(replacement=value))
    return bool(result.rowcount)


def swap_sarbacane_campaign(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    *,
    old_id: str,
    expected: str,
    statuses: list[str],
    **values: object,
) -> bool:
    """Link the campaign to its new Sarbacane campaign (``values`` hold the
    new id, fields and replacement) and mark every recipient to be pushed to
    it, in one transaction; False if the campaign moved meanwhile."""
    result = session.exec(
        update(Campaign)
        .where(
            col(Campaign.id) == campaign_id,
            col(Campaign.tenant_id) == tenant_id,
            col(Campaign.sarbacane_id) == old_id,
            col(Campaign.replacement) == expected,
            col(Campaign.status).in_(statuses),
        )
        .values(updated_at=utcnow(), **values)
    )
    if not result.rowcount:
        return False
    session.exec(
        update(CampaignRecipient)
        .where(col(CampaignRecipient.campaign_id) == campaign_id)
        .values(pushed=False)
    )
    return True


def campaigns_being_replaced(session: Session) -> list[Campaign]:
    """Every campaign with a replacement under way (all centres).

    Not scoped: resuming interrupted replacements, run by the poller's leader, works
    across all centres, each with its own centre's account (services/modify.py).
    """
    return list(
        session.exec(select(Campaign).where(col(Campaign.replacement).is_not(None)))
    )


def mark_sarbacane_seen(session: Session, campaign_id: int) -> None:
    """Hub3E has just written to or read the campaign's Sarbacane campaign.

    Not scoped: called only with a campaign id the guard (services/guard.py) already
    checked for this centre (services/audience.py); it only stamps when Hub3E last
    touched its Sarbacane campaign.
    """
    session.exec(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id)
        .values(sarbacane_seen_at=utcnow())
    )
