"""Named queries on a centre's campaigns: its page, one by id, inserts, compare-and-set status moves, deletes."""

from __future__ import annotations

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from sms_hub.domain.paging import CampaignPageQuery, CampaignSort
from sms_hub.store.models import (
    Campaign,
    CampaignExclusion,
    CampaignRecipient,
    utcnow,
)
from sms_hub.store.query_helpers import (
    counted_page,
    named_like,
    owned_row,
)


def campaign_page(
    session: Session, tenant_id: int, query: CampaignPageQuery
) -> tuple[list[Campaign], int]:
    """One page of a tenant's campaigns, and how many match in all."""
    where = named_like(Campaign, tenant_id, query.search)
    sort_column = col(getattr(Campaign, query.sort.value))
    if query.sort is CampaignSort.NAME:
        sort_column = func.lower(sort_column)
    order = sort_column.desc() if query.descending else sort_column.asc()
    tie_break = col(Campaign.id).desc() if query.descending else col(Campaign.id)
    return counted_page(
        session,
        Campaign,
        where,
        [order, tie_break],
        offset=query.offset,
        limit=query.limit,
    )


def campaign_linked_to(
    session: Session, sarbacane_account_id: str, sarbacane_id: str
) -> Campaign | None:
    """The local campaign already linked to this Sarbacane campaign, if any.

    Not scoped: only tells whether a Sarbacane campaign is already linked before one is
    inserted for the centre (services/campaigns.py, services/copies.py); the (account,
    Sarbacane id) pair is unique across centres.
    """
    return session.exec(
        select(Campaign).where(
            Campaign.sarbacane_account_id == sarbacane_account_id,
            Campaign.sarbacane_id == sarbacane_id,
        )
    ).first()


def campaign_by_id(
    session: Session, tenant_id: int, campaign_id: int
) -> Campaign | None:
    return owned_row(session, Campaign, tenant_id, campaign_id)


def insert_campaign(
    session: Session,
    *,
    tenant_id: int,
    sarbacane_account_id: str,
    sarbacane_id: str,
    name: str,
    kind: str,
    sender: str,
    content: str,
    status: str,
    remote_state: str | None,
    created_by: str,
) -> Campaign:
    """Store a new campaign; flushed, so it has its id."""
    campaign = Campaign(
        tenant_id=tenant_id,
        sarbacane_account_id=sarbacane_account_id,
        sarbacane_id=sarbacane_id,
        name=name,
        kind=kind,
        sender=sender,
        content=content,
        status=status,
        remote_state=remote_state,
        created_by=created_by,
    )
    session.add(campaign)
    session.flush()
    return campaign


def _update_in_statuses(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    statuses: list[str],
    **values: object,
) -> bool:
    """Set ``values`` on the campaign only if its status is one of ``statuses``.

    One ``UPDATE … WHERE status IN (…)``: the compare-and-set. True if it did.
    """
    result = session.exec(
        update(Campaign)
        .where(
            col(Campaign.id) == campaign_id,
            col(Campaign.tenant_id) == tenant_id,
            col(Campaign.status).in_(statuses),
        )
        .values(**values)
    )
    return bool(result.rowcount)


def hold_campaign_in_statuses(
    session: Session, tenant_id: int, campaign_id: int, statuses: list[str]
) -> Campaign | None:
    """The campaign, write-locked for this transaction, if its status is one of these.

    The compare-and-set of the actions that do not change the status (an
    import, a delete): an ``UPDATE … WHERE status IN (…)`` takes the row's
    lock, so a launch or cancel committing at the same moment either comes
    first (and this answers None) or waits for this transaction.
    """
    if not _update_in_statuses(
        session, tenant_id, campaign_id, statuses, updated_at=utcnow()
    ):
        return None
    campaign = campaign_by_id(session, tenant_id, campaign_id)
    if campaign is not None:
        session.refresh(campaign)
    return campaign


def delete_campaign_rows(
    session: Session, tenant_id: int, campaign_id: int, statuses: list[str]
) -> bool:
    """Delete a campaign and what hangs from it, if its status is still one of
    ``statuses``; False if it is not the tenant's or its status moved."""
    campaign = hold_campaign_in_statuses(session, tenant_id, campaign_id, statuses)
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
    """Not scoped: no query; takes a campaign row its caller read for the centre."""
    campaign.updated_at = utcnow()


def save_touched_campaign(session: Session, campaign: Campaign) -> None:
    """Mark the campaign changed (open tabs refresh) and save it.

    Not scoped: takes a campaign row its caller read for the centre (campaign_by_id).
    """
    touch_campaign(campaign)
    session.add(campaign)


def claim_status(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    from_statuses: list[str],
    to_status: str,
    **values,
) -> bool:
    """Atomically move a campaign from one of ``from_statuses`` to ``to_status``.

    The compare-and-set that makes launch and cancel idempotent: of two
    concurrent requests (double click, two tabs, two workers) one wins.
    """
    now = utcnow()
    return _update_in_statuses(
        session,
        tenant_id,
        campaign_id,
        from_statuses,
        status=to_status,
        status_changed_at=now,
        updated_at=now,
        **values,
    )


def count_campaigns_outside_account(
    session: Session, tenant_id: int, statuses: list[str], account_id: str
) -> int:
    """How many of this centre's campaigns in these statuses were made in
    another Sarbacane account than ``account_id``."""
    return session.exec(
        select(func.count())
        .select_from(Campaign)
        .where(
            Campaign.tenant_id == tenant_id,
            col(Campaign.status).in_(statuses),
            Campaign.sarbacane_account_id != account_id,
        )
    ).one()
