"""Every query of the product, named, in one file, always scoped by tenant.

No function here takes a campaign id without the tenant it must belong to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.paging import CampaignPageQuery, CampaignSort
from sms_hub.domain.phone import search_digits
from sms_hub.store import unsubscribe_queries
from sms_hub.store.models import (
    AuditEvent,
    Campaign,
    CampaignExclusion,
    CampaignRecipient,
    Contact,
    ContactList,
    Lease,
    SmsTemplate,
    Tenant,
    utcnow,
)
from sms_hub.store.query_helpers import (
    contains,
    counted_page,
    named_like,
    owned_row,
)


def tenant_by_slug(session: Session, slug: str) -> Tenant | None:
    return session.exec(select(Tenant).where(Tenant.slug == slug)).first()


def tenant_by_id(session: Session, tenant_id: int) -> Tenant | None:
    return session.get(Tenant, tenant_id)


def insert_tenant(
    session: Session, *, slug: str, name: str, opt_out_mention: str
) -> Tenant:
    tenant = Tenant(slug=slug, name=name, opt_out_mention=opt_out_mention)
    session.add(tenant)
    session.flush()
    return tenant


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
    """The local campaign already linked to this Sarbacane campaign, if any."""
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
    campaign.updated_at = utcnow()


def save_touched_campaign(session: Session, campaign: Campaign) -> None:
    """Mark the campaign changed (open tabs refresh) and save it."""
    touch_campaign(campaign)
    session.add(campaign)


def record_sync(
    session: Session,
    campaign: Campaign,
    *,
    now: datetime,
    read: bool,
    status: str | None = None,
    last_error: str | None = None,
    processed_count: int | None = None,
    remote_state: str | None = None,
) -> bool:
    """Write what the poller saw of one campaign, if its status is still the one read.

    A compare-and-set: a cancel or a launch that committed since the poller
    read ``campaign`` wins, and this write is dropped. ``read``: the campaign
    was read one by one (its ``last_sync_at``); a ``status`` also sets when
    it changed. Returns whether a field the list shows changed (status or
    progress), which marks the campaign updated.
    """
    values: dict = {}
    if read:
        values["last_sync_at"] = now
    changed = False
    if status is not None:
        if last_error:
            values["last_error"] = last_error
        values["status"] = status
        values["status_changed_at"] = now
        changed = True
    if processed_count is not None and processed_count != campaign.processed_count:
        values["processed_count"] = processed_count
        changed = True
    if remote_state and remote_state != campaign.remote_state:
        values["remote_state"] = remote_state
    if changed:
        values["updated_at"] = now
    if not values:
        return False
    result = session.exec(
        update(Campaign)
        .where(
            col(Campaign.id) == campaign.id,
            col(Campaign.tenant_id) == campaign.tenant_id,
            col(Campaign.status) == campaign.status,
        )
        .values(**values)
    )
    return changed and bool(result.rowcount)


def tenants_by_ids(session: Session, ids: set[int]) -> list[Tenant]:
    """The centres with these ids (the poller's accounts)."""
    if not ids:
        return []
    return list(session.exec(select(Tenant).where(col(Tenant.id).in_(ids))).all())


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


# Campaign recipients and exclusions


_COPIED_RECIPIENTS = """
    FROM campaignrecipient r JOIN campaign c ON c.id = r.campaign_id
    WHERE c.tenant_id = :tenant_id AND r.campaign_id = :source_id
      {only}
      AND r.phone NOT IN (
        SELECT s.phone FROM campaignrecipient s JOIN campaign sc ON sc.id = s.campaign_id
        WHERE sc.tenant_id = :tenant_id AND s.outcome IN :never)
"""


def _copied_recipients(only: list[str] | None, unsubscribed: bool = False) -> str:
    found = _COPIED_RECIPIENTS.format(only="AND r.outcome IN :only" if only else "")
    if unsubscribed:  # leave out the centre's unsubscribed contacts too
        found += " AND NOT " + unsubscribe_queries.unsubscribed_sql(
            "r.phone", "r.email"
        )
    return found


def _copy_params(
    tenant_id: int,
    source_id: int,
    only: list[str] | None,
    never: list[str],
    unsubscribed: bool = False,
) -> tuple[list[Any], dict[str, Any]]:
    binds = [bindparam("never", expanding=True)]
    params: dict[str, Any] = {
        "tenant_id": tenant_id,
        "source_id": source_id,
        "never": never or ["-"],
    }
    if only:
        binds.append(bindparam("only", expanding=True))
        params["only"] = only
    if unsubscribed:
        binds.append(bindparam("stop_outcomes", expanding=True))
        params.update(unsubscribe_queries.unsubscribed_text_params(tenant_id))
    return binds, params


def count_copied_recipients(
    session: Session,
    tenant_id: int,
    source_id: int,
    *,
    only: list[str] | None,
    never: list[str],
    unsubscribed: bool = False,
) -> int:
    """How many of the centre's campaign's recipients a copy would take:
    those whose outcome is in ``only`` (all when None), never a number that
    had an outcome in ``never`` in any campaign of the centre, nor (with
    ``unsubscribed``) a contact on the centre's unsubscribe list."""
    binds, params = _copy_params(tenant_id, source_id, only, never, unsubscribed)
    statement = text(
        "SELECT COUNT(*) " + _copied_recipients(only, unsubscribed)
    ).bindparams(*binds)
    return int(session.execute(statement, params).scalar_one())


def copy_campaign_recipients(
    session: Session,
    tenant_id: int,
    source_id: int,
    target_id: int,
    *,
    only: list[str] | None,
    never: list[str],
    unsubscribed: bool = False,
) -> int:
    """Copy those recipients (see :func:`count_copied_recipients`) into the
    centre's campaign ``target_id``, not yet pushed to Sarbacane; how many."""
    if campaign_by_id(session, tenant_id, target_id) is None:
        return 0
    binds, params = _copy_params(tenant_id, source_id, only, never, unsubscribed)
    statement = text(
        "INSERT INTO campaignrecipient "
        "(campaign_id, email, phone, source_list_id, pushed) "
        "SELECT :target_id, r.email, r.phone, r.source_list_id, :pushed "
        + _copied_recipients(only, unsubscribed)
        + " AND NOT EXISTS (SELECT 1 FROM campaignrecipient t "
        "WHERE t.campaign_id = :target_id AND t.phone = r.phone)"
    ).bindparams(*binds)
    result = session.execute(
        statement, {**params, "target_id": target_id, "pushed": False}
    )
    return result.rowcount or 0


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
    if not list_ids or campaign_by_id(session, tenant_id, campaign_id) is None:
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
    campaign.recipient_count = int(
        session.exec(
            select(func.count())
            .select_from(CampaignRecipient)
            .where(CampaignRecipient.campaign_id == campaign.id)
        ).one()
    )
    touch_campaign(campaign)
    session.add(campaign)
    return campaign.recipient_count


def pending_recipients(
    session: Session, campaign_id: int, limit: int
) -> list[tuple[int, str | None, str]]:
    """The next (id, email, phone) not yet acknowledged by Sarbacane, in push order."""
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
    statement = (
        select(func.count())
        .select_from(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign_id)
    )
    if pushed is not None:
        statement = statement.where(col(CampaignRecipient.pushed).is_(pushed))
    return int(session.exec(statement).one())


def mark_pushed(session: Session, recipient_ids: list[int]) -> None:
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
    if campaign_by_id(session, tenant_id, campaign_id) is None:
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


def campaign_exclusions(
    session: Session, tenant_id: int, campaign_id: int
) -> list[CampaignExclusion]:
    if campaign_by_id(session, tenant_id, campaign_id) is None:
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
    """Make the campaign's exclusion lists exactly ``chosen`` ((id, name) pairs)."""
    session.exec(
        delete(CampaignExclusion).where(CampaignExclusion.campaign_id == campaign.id)
    )
    for blacklist_id, name in chosen:
        session.add(
            CampaignExclusion(
                campaign_id=campaign.id, blacklist_id=blacklist_id, blacklist_name=name
            )
        )


def campaigns_in_statuses(session: Session, statuses: list[str]) -> list[Campaign]:
    """Every tenant's campaigns in these statuses (the poller's work list)."""
    return list(
        session.exec(select(Campaign).where(col(Campaign.status).in_(statuses))).all()
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


def try_acquire_lease(
    session: Session,
    name: str,
    holder: str,
    now: datetime,
    ttl: timedelta,
    holder_is_gone: Callable[[str], bool] = lambda _: False,
) -> bool:
    """Take or renew the lease ``name`` for ``holder``; False if another holds it.

    Another holder's lease is taken when it has expired, or at once when
    ``holder_is_gone`` says its process has stopped (compare-and-set on that
    holder, so two takers cannot both win).
    """
    expires = now + ttl
    lease = session.get(Lease, name)
    if lease is None:
        session.add(Lease(name=name, holder=holder, expires_at=expires))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return False
        return True
    takeable = (col(Lease.holder) == holder) | (col(Lease.expires_at) < now)
    if lease.holder != holder and holder_is_gone(lease.holder):
        takeable = takeable | (col(Lease.holder) == lease.holder)
    result = session.exec(
        update(Lease)
        .where(col(Lease.name) == name, takeable)
        .values(holder=holder, expires_at=expires)
    )
    return bool(result.rowcount)


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


def contact_list_options(session: Session, tenant_id: int) -> list[ContactList]:
    """Every contact list of the tenant, by name (the import modal's choices)."""
    return list(
        session.exec(
            select(ContactList)
            .where(ContactList.tenant_id == tenant_id)
            .order_by(func.lower(ContactList.name))
        ).all()
    )


def set_outcomes(
    session: Session,
    campaign_id: int,
    outcomes: dict[str, str],
    moments: dict[str, datetime] | None = None,
) -> None:
    """Record each recipient's delivery outcome (by phone number), and when."""
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
    if campaign_by_id(session, tenant_id, campaign_id) is None:
        return [], 0
    where = [CampaignRecipient.campaign_id == campaign_id]
    if outcome == "pending":
        where.append(col(CampaignRecipient.outcome).is_(None))
    elif outcome:
        where.append(CampaignRecipient.outcome == outcome)
    return _recipients_page(session, where, offset, limit)


def release_lease(session: Session, name: str, holder: str) -> None:
    session.exec(
        delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder)
    )


def sms_templates(session: Session, tenant_id: int) -> list[SmsTemplate]:
    """The centre's templates, by name."""
    return list(
        session.exec(
            select(SmsTemplate)
            .where(col(SmsTemplate.tenant_id) == tenant_id)
            .order_by(col(SmsTemplate.name), col(SmsTemplate.id))
        ).all()
    )


def sms_template(
    session: Session, tenant_id: int, template_id: int
) -> SmsTemplate | None:
    return session.exec(
        select(SmsTemplate).where(
            col(SmsTemplate.id) == template_id, col(SmsTemplate.tenant_id) == tenant_id
        )
    ).first()


def give_starter_templates(
    session: Session, tenant_id: int, starters: Iterable[tuple[str, str]]
) -> bool:
    """Give the centre its starter templates once (compare-and-set on the
    tenant's flag, so two tabs opening at once give them once)."""
    taken = session.exec(
        update(Tenant)
        .where(col(Tenant.id) == tenant_id, col(Tenant.templates_given).is_(False))
        .values(templates_given=True)
    )
    if not taken.rowcount:
        return False
    session.add_all(
        SmsTemplate(tenant_id=tenant_id, name=name, content=content)
        for name, content in starters
    )
    return True
