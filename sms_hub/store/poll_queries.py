"""The status poller's queries: the campaigns it writes, each centre's poll health."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from sms_hub.domain.polling import retry_delay
from sms_hub.store.models import Campaign, PollHealth

#: Ids per ``IN (…)``, well under every database's bound-parameter limit.
_IDS_PER_QUERY = 500


def campaigns_to_write(
    session: Session, campaign_ids: Collection[int], statuses: list[str]
) -> list[Campaign]:
    """These campaigns (any centre), those still in one of ``statuses``.

    Not scoped: the poller's leader works across all centres (services/sync.py).
    """
    ids = sorted(campaign_ids)
    found: list[Campaign] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        found.extend(
            session.exec(
                select(Campaign).where(
                    col(Campaign.id).in_(chunk), col(Campaign.status).in_(statuses)
                )
            ).all()
        )
    return found


def flagged_centres(session: Session) -> dict[int, PollHealth]:
    """Centre id → its poll health, for the centres whose account is failing.

    Not scoped: the poller's leader works across all centres (services/sync.py).
    """
    rows = session.exec(
        select(PollHealth).where(col(PollHealth.consecutive_failures) > 0)
    ).all()
    return {row.tenant_id: row for row in rows}


def record_poll_failure(
    session: Session, tenant_id: int, code: str, now: datetime
) -> PollHealth:
    """One more failed read of the centre's account: flagged, backed off."""
    health = session.get(PollHealth, tenant_id) or PollHealth(tenant_id=tenant_id)
    health.consecutive_failures += 1
    health.last_error_code = code[:100]
    health.last_failure_at = now
    health.next_attempt_at = now + retry_delay(health.consecutive_failures)
    session.add(health)
    return health


def record_poll_recovery(session: Session, tenant_id: int, now: datetime) -> None:
    """The centre's account answered again: no longer flagged nor backed off."""
    health = session.get(PollHealth, tenant_id)
    if health is None or health.consecutive_failures == 0:
        return
    health.consecutive_failures = 0
    health.next_attempt_at = None
    health.recovered_at = now
    session.add(health)


def campaigns_in_statuses(session: Session, statuses: list[str]) -> list[Campaign]:
    """Every tenant's campaigns in these statuses (the poller's work list).

    Not scoped: the poller's leader works across all centres (services/sync.py).
    """
    return list(
        session.exec(select(Campaign).where(col(Campaign.status).in_(statuses))).all()
    )


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

    Not scoped: takes a campaign row the poller or discovery read, and writes only where
    its own tenant_id still matches.
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
