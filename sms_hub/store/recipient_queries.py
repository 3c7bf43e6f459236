"""Named queries on a campaign's recipients: imported from contact lists, pushed to Sarbacane, paged, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import bindparam, case, func, text, update
from sqlmodel import Session, col, select

from sms_hub.domain.phone import search_digits
from sms_hub.store import campaign_queries, unsubscribe_queries
from sms_hub.store.models import (
    Campaign,
    CampaignRecipient,
    Contact,
    ContactList,
)
from sms_hub.store.query_helpers import (
    contains,
    counted_page,
)


def copy_list_contacts_into_campaign(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    list_ids: list[int],
    *,
    skip_unsubscribed: bool = False,
) -> int:
    """Copy the lists' contacts into the campaign, one row per phone number.

    A number already in the campaign, or in several lists, is copied once
    (the first list wins); with ``skip_unsubscribed``, an unsubscribed
    contact never (``unsubscribe_queries.is_unsubscribed``). Returns how
    many recipients were added.
    """
    if (
        not list_ids
        or campaign_queries.campaign_by_id(session, tenant_id, campaign_id) is None
    ):
        return 0
    placeholders = ", ".join(f":l{i}" for i in range(len(list_ids)))
    params = {f"l{i}": list_id for i, list_id in enumerate(list_ids)}
    skip = ""
    if skip_unsubscribed:
        skip = "AND NOT " + unsubscribe_queries.unsubscribed_sql("c.phone", "c.email")
        params.update(unsubscribe_queries.unsubscribed_text_params(tenant_id))
    statement = text(
        f"""
        INSERT INTO campaignrecipient (campaign_id, email, phone, source_list_id, pushed)
        SELECT :campaign_id, MIN(c.email), c.phone, MIN(c.list_id), :pushed
        FROM contact c JOIN contactlist l ON l.id = c.list_id
        WHERE l.tenant_id = :tenant_id AND c.list_id IN ({placeholders})
          AND NOT EXISTS (
            SELECT 1 FROM campaignrecipient r
            WHERE r.campaign_id = :campaign_id AND r.phone = c.phone)
          {skip}
        GROUP BY c.phone
        """
    )
    if skip_unsubscribed:
        statement = statement.bindparams(bindparam("stop_outcomes", expanding=True))
    result = session.execute(
        statement,
        {"campaign_id": campaign_id, "tenant_id": tenant_id, "pushed": False, **params},
    )
    return result.rowcount or 0


def unsubscribed_in_lists(
    session: Session, tenant_id: int, campaign_id: int, list_ids: list[int]
) -> int:
    """How many distinct numbers of the lists, not yet in the campaign, are
    unsubscribed (what an import into an SMS Marketing leaves out)."""
    if not list_ids:
        return 0
    placeholders = ", ".join(f":l{i}" for i in range(len(list_ids)))
    params: dict[str, Any] = {f"l{i}": list_id for i, list_id in enumerate(list_ids)}
    params.update(unsubscribe_queries.unsubscribed_text_params(tenant_id))
    statement = text(
        f"""
        SELECT COUNT(DISTINCT c.phone)
        FROM contact c JOIN contactlist l ON l.id = c.list_id
        WHERE l.tenant_id = :tenant_id AND c.list_id IN ({placeholders})
          AND NOT EXISTS (
            SELECT 1 FROM campaignrecipient r
            WHERE r.campaign_id = :campaign_id AND r.phone = c.phone)
          AND {unsubscribe_queries.unsubscribed_sql("c.phone", "c.email")}
        """
    ).bindparams(bindparam("stop_outcomes", expanding=True))
    found = session.execute(statement, {"campaign_id": campaign_id, **params})
    return int(found.scalar_one())


def contacts_in_lists(session: Session, tenant_id: int, list_ids: list[int]) -> int:
    """How many distinct phone numbers the lists hold."""
    if not list_ids:
        return 0
    return int(
        session.exec(
            select(func.count(func.distinct(Contact.phone)))
            .join(ContactList, col(ContactList.id) == col(Contact.list_id))
            .where(
                ContactList.tenant_id == tenant_id,
                col(Contact.list_id).in_(list_ids),
            )
        ).one()
    )


def refresh_recipient_count(session: Session, campaign: Campaign) -> int:
    """Not scoped: takes a campaign row its caller read for the centre (campaign_by_id) or
    just inserted for it.
    """
    campaign.recipient_count = int(
        session.exec(
            select(func.count())
            .select_from(CampaignRecipient)
            .where(CampaignRecipient.campaign_id == campaign.id)
        ).one()
    )
    campaign_queries.touch_campaign(campaign)
    session.add(campaign)
    return campaign.recipient_count


def pending_recipients(
    session: Session, campaign_id: int, limit: int
) -> list[tuple[int, str | None, str]]:
    """The next (id, email, phone) not yet acknowledged by Sarbacane, in push order.

    Not scoped: called only with a campaign id the guard (services/guard.py) already
    checked for this centre (services/audience.py, the push after campaign_in_centre).
    """
    table = CampaignRecipient.__table__
    return [
        (row.id, row.email, row.phone)
        for row in session.connection().execute(
            select(table.c.id, table.c.email, table.c.phone)
            .where(table.c.campaign_id == campaign_id, table.c.pushed.is_(False))
            .order_by(table.c.id)
            .limit(limit)
        )
    ]


def count_recipients(
    session: Session, campaign_id: int, *, pushed: bool | None = None
) -> int:
    """Not scoped: called only with a campaign id the guard (services/guard.py) already
    checked for this centre (services/audience.py: the push after campaign_in_centre,
    unpushed_count after load_campaign), or a campaign discovery read for its centre
    (services/discovery.py).
    """
    statement = (
        select(func.count())
        .select_from(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign_id)
    )
    if pushed is not None:
        statement = statement.where(col(CampaignRecipient.pushed).is_(pushed))
    return int(session.exec(statement).one())


def mark_pushed(session: Session, recipient_ids: list[int]) -> None:
    """Not scoped: called only with recipient ids pending_recipients gave for a campaign
    the guard (services/guard.py) already checked for this centre
    (services/audience.py).
    """
    session.exec(
        update(CampaignRecipient)
        .where(col(CampaignRecipient.id).in_(recipient_ids))
        .values(pushed=True)
    )


def recipient_page(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    *,
    search: str = "",
    offset: int = 0,
    limit: int = 20,
    only_unsubscribed: bool = False,
) -> tuple[list[CampaignRecipient], int]:
    if campaign_queries.campaign_by_id(session, tenant_id, campaign_id) is None:
        return [], 0
    where = [CampaignRecipient.campaign_id == campaign_id]
    if only_unsubscribed:
        where.append(
            unsubscribe_queries.is_unsubscribed(
                tenant_id, CampaignRecipient.phone, CampaignRecipient.email
            )
        )
    if search.strip():
        pattern = contains(search.strip().lower())
        matches = func.lower(func.coalesce(CampaignRecipient.email, "")).like(
            pattern, escape="\\"
        ) | col(CampaignRecipient.phone).like(pattern, escape="\\")
        digits = search_digits(search.strip())
        if digits:  # a number as shown (06 12 34…) finds its E.164 form
            matches = matches | col(CampaignRecipient.phone).like(
                contains(digits), escape="\\"
            )
        where.append(matches)
    return _recipients_page(session, where, offset, limit)


def _recipients_page(
    session: Session, where: list[Any], offset: int, limit: int
) -> tuple[list[CampaignRecipient], int]:
    order = [col(CampaignRecipient.id)]
    return counted_page(
        session, CampaignRecipient, where, order, offset=offset, limit=limit
    )


def campaign_recipients(
    session: Session, tenant_id: int, campaign_id: int
) -> Iterator[tuple[str | None, str, str | None]]:
    """Every recipient of the centre's campaign as (email, phone, outcome), streamed."""
    statement = (
        select(
            CampaignRecipient.email, CampaignRecipient.phone, CampaignRecipient.outcome
        )
        .join(Campaign, col(Campaign.id) == col(CampaignRecipient.campaign_id))
        .where(
            CampaignRecipient.campaign_id == campaign_id,
            Campaign.tenant_id == tenant_id,
        )
        .order_by(col(CampaignRecipient.id))
    )
    result = session.connection().execute(statement.execution_options(yield_per=1000))
    for row in result:
        yield tuple(row)  # type: ignore[misc]


def recipient_number_samples(
    session: Session,
    tenant_id: int,
    campaign_id: int,
    prefix_chars: int,
    single_zone_prefix: str,
) -> list[str]:
    """One number per group of the centre's campaign's recipients sharing
    their first ``prefix_chars`` characters (all numbers starting with
    ``single_zone_prefix`` make one group): what tells the campaign's time
    zones, read from the (campaign, phone) index without loading every row.
    """
    phone = col(CampaignRecipient.phone)
    size = len(single_zone_prefix)
    group = case(
        (func.substr(phone, 1, size) == single_zone_prefix, single_zone_prefix),
        else_=func.substr(phone, 1, prefix_chars),
    )
    statement = (
        select(func.min(phone))
        .join(Campaign, col(Campaign.id) == col(CampaignRecipient.campaign_id))
        .where(
            CampaignRecipient.campaign_id == campaign_id,
            Campaign.tenant_id == tenant_id,
        )
        .group_by(group)
    )
    return [number for number in session.exec(statement) if number]
