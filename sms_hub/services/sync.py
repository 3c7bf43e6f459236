"""Live status: read Sarbacane for active campaigns and write the database.

One poller per deployment: every worker runs the loop, a lease in the
database elects the one that polls. Sarbacane is read in bulk, one
``GET /campaigns?state=…`` for each active state (MODERATION, ROUTING),
then one ``GET /campaigns/{id}`` for:

- the campaigns no active list mentions any more (finished, cancelled in
  Sarbacane, deleted), and scheduled ones whose date has come;
- at most ``PROGRESS_READS_PER_CYCLE`` sending campaigns, the ones read
  longest ago first, for their "sent / total" progress.

So a cycle costs a few requests plus one per change, whatever the number
of campaigns sending or the size of the history. The centres whose
campaigns changed are handed to ``on_change``, which pushes the change to
their open tabs (``state/live.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.lifecycle import (
    ACTIVE_STATUSES,
    NOT_SENT_DETAIL,
    REMOTE_ACTIVE_STATES,
    REMOTE_SENDING_STATE,
    Status,
    status_after_sync,
    status_when_never_sent,
)
from sms_hub.sarbacane import (
    MAX_BATCH,
    RemoteCampaign,
    SarbacaneClient,
    SarbacaneError,
    SarbacaneNotFound,
)
from sms_hub.services import audit, discovery
from sms_hub.services.accounts import (
    AccountNotConfigured,
    client_for,
    reaches_campaign,
)
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.lease_holders import holder_is_gone, this_process
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import Campaign, Tenant, utcnow

log = logging.getLogger(__name__)

LEASE_NAME = "status-poller"
_CONCURRENCY = 8
PROGRESS_READS_PER_CYCLE = 40
#: Centres read concurrently between two renewals of the poller's lease.
_CENTRES_PER_STEP = 16
_GONE = "La campagne n'existe plus dans Sarbacane."
#: Who the audit names for a change the poller makes.
SYNC_ACTOR = "Synchronisation Sarbacane"


@dataclass(frozen=True)
class Observation:
    """What Sarbacane says of one campaign."""

    state: str | None
    processed: int | None = None
    cancelled: bool = False
    requested_send_date: datetime | None = None
    gone: bool = False
    detailed: bool = False


def next_status(local: Status, seen: Observation) -> Status | None:
    """The status a campaign moves to, or None to leave it as it is."""
    return status_after_sync(local, seen.state, stopped=seen.gone or seen.cancelled)


async def _state_index(client: SarbacaneClient) -> dict[str, str]:
    """Sarbacane id → state, for every campaign of one account in an active state."""
    index: dict[str, str] = {}
    for state in REMOTE_ACTIVE_STATES:
        offset = 0
        while True:
            page = await client.list_campaigns(
                state=state, offset=offset, limit=MAX_BATCH
            )
            for summary in page:
                index[summary.id] = state
            if len(page) < MAX_BATCH:
                break
            offset += MAX_BATCH
    return index


def _observe(remote: RemoteCampaign) -> Observation:
    return Observation(
        state=remote.state,
        processed=remote.processed_count,
        cancelled=bool(remote.cancelled),
        requested_send_date=remote.requested_send_date,
        detailed=True,
    )


async def _detail(
    client: SarbacaneClient, sarbacane_id: str, semaphore: asyncio.Semaphore
) -> Observation:
    async with semaphore:
        try:
            return _observe(await client.get_campaign(sarbacane_id))
        except SarbacaneNotFound:
            return Observation(state=None, gone=True, detailed=True)


def _needs_detail(campaign: Campaign, remote_state: str | None, now: datetime) -> bool:
    """Whether a campaign must be read one by one (beyond the progress reads)."""
    if remote_state is not None:
        return False
    if campaign.status == Status.SCHEDULED:
        due = campaign.scheduled_at
        return due is not None and due <= now
    return True


def _oldest_read_first(campaign: Campaign) -> datetime:
    return (
        campaign.last_sync_at
        if campaign.last_sync_at
        else datetime.min.replace(tzinfo=UTC)
    )


async def _observe_centre(
    client: SarbacaneClient, campaigns: list[Campaign], semaphore: asyncio.Semaphore
) -> dict[int, Observation]:
    """Campaign id → what the centre's own Sarbacane account says of it."""
    index = await _state_index(client)
    now = datetime.now(UTC)
    transitions = [
        c for c in campaigns if _needs_detail(c, index.get(c.sarbacane_id), now)
    ]
    sending = sorted(
        (c for c in campaigns if index.get(c.sarbacane_id) == REMOTE_SENDING_STATE),
        key=_oldest_read_first,
    )[:PROGRESS_READS_PER_CYCLE]
    detailed = transitions + sending
    details = await asyncio.gather(
        *(_detail(client, c.sarbacane_id, semaphore) for c in detailed)
    )
    observations = {
        c.id or 0: Observation(state=index[c.sarbacane_id])
        for c in campaigns
        if c.sarbacane_id in index
    }
    observations.update(
        {c.id or 0: seen for c, seen in zip(detailed, details, strict=True)}
    )
    return observations


async def poll_once(renew_lease: Callable[[], Awaitable[bool]] | None = None) -> int:
    """One cycle over every active campaign; returns how many rows changed."""
    return sum((await poll_changes(renew_lease)).values())


async def poll_changes(
    renew_lease: Callable[[], Awaitable[bool]] | None = None,
) -> dict[int, int]:
    """One cycle over every active campaign; centre id → how many rows changed.

    Each centre is read through its own Sarbacane account; a centre whose
    account is missing or failing is skipped this cycle, the others go on.
    ``renew_lease`` is called between groups of centres: when it answers
    False (another worker took over) the cycle stops and writes nothing.
    """
    campaigns = await in_thread(_active_campaigns)
    if not campaigns:
        return {}
    tenants = await in_thread(_tenants, {c.tenant_id for c in campaigns})
    by_centre: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        by_centre[campaign.tenant_id].append(campaign)
    semaphore = asyncio.Semaphore(_CONCURRENCY)
    observations: dict[int, Observation] = {}
    centres = list(by_centre.items())
    for start in range(0, len(centres), _CENTRES_PER_STEP):
        step = centres[start : start + _CENTRES_PER_STEP]
        for seen in await asyncio.gather(
            *(_observe_safely(tenants.get(t), group, semaphore) for t, group in step)
        ):
            observations.update(seen)
        if renew_lease is not None and not await renew_lease():
            log.warning("status poll: lease lost mid-cycle; nothing written")
            return {}
    return await in_thread(_apply, observations)


async def _observe_safely(
    tenant: Tenant | None, campaigns: list[Campaign], semaphore: asyncio.Semaphore
) -> dict[int, Observation]:
    if tenant is None:
        return {}
    try:
        client = client_for(tenant)
        # A campaign made in the centre's previous account is not in this
        # one: read here it would look gone. It is skipped, never cancelled.
        campaigns = [
            c
            for c in campaigns
            if reaches_campaign(tenant, client, c.sarbacane_account_id)
        ]
        if not campaigns:
            return {}
        return await _observe_centre(client, campaigns, semaphore)
    except AccountNotConfigured:
        return {}
    except SarbacaneError as error:
        log.warning("status poll: centre %s: Sarbacane error: %s", tenant.id, error)
        return {}


def _active_campaigns() -> list[Campaign]:
    with session_scope(get_settings().database_url) as session:
        return queries.campaigns_in_statuses(
            session, [s.value for s in ACTIVE_STATUSES]
        )


def _tenants(ids: set[int]) -> dict[int, Tenant]:
    with session_scope(get_settings().database_url) as session:
        return {t.id or 0: t for t in queries.tenants_by_ids(session, ids)}


def _apply(observations: dict[int, Observation]) -> dict[int, int]:
    """Write what was seen; each write is a compare-and-set on the status read.

    Returns centre id → how many of its rows changed (status or progress)."""
    changed: dict[int, int] = defaultdict(int)
    now = utcnow()
    never_sent_after = timedelta(seconds=get_settings().stuck_after_seconds)
    with session_scope(get_settings().database_url) as session:
        for campaign in queries.campaigns_in_statuses(
            session, [s.value for s in ACTIVE_STATUSES]
        ):
            seen = observations.get(campaign.id or 0)
            if seen is None:
                continue
            target = next_status(Status(campaign.status), seen)
            never_sent = status_when_never_sent(
                Status(campaign.status),
                seen.state,
                now - _aware(campaign.status_changed_at),
                never_sent_after,
            )
            target = never_sent or target
            processed = seen.processed
            if processed is None and target is Status.FINISHED:
                processed = campaign.recipient_count
            written = queries.record_sync(
                session,
                campaign,
                now=now,
                read=seen.detailed,
                status=target.value if target else None,
                last_error=_GONE if target and seen.gone else None,
                processed_count=processed,
                remote_state=seen.state,
            )
            changed[campaign.tenant_id] += written
            if never_sent and written:
                actor = Actor(tenant_id=campaign.tenant_id, user=SYNC_ACTOR)
                audit.record_in(
                    session,
                    actor,
                    AuditAction.LAUNCH,
                    AuditOutcome.FAILED,
                    campaign=campaign,
                    detail=NOT_SENT_DETAIL,
                )
    return {tenant: rows for tenant, rows in changed.items() if rows}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _take_lease(ttl: timedelta) -> bool:
    with session_scope(get_settings().database_url) as session:
        return queries.try_acquire_lease(
            session, LEASE_NAME, this_process(), datetime.now(UTC), ttl, holder_is_gone
        )


async def run_poller(
    on_change: Callable[[set[int]], Awaitable[None]] | None = None,
) -> None:
    """Poll while this worker holds the lease; ``on_change`` gets the centres
    whose campaigns changed (to push the change to their open tabs)."""
    interval = get_settings().poll_interval_seconds
    ttl = timedelta(seconds=max(10.0, interval * 5))
    while True:
        try:
            if await in_thread(_take_lease, ttl):
                changes = await poll_changes(lambda: in_thread(_take_lease, ttl))
                # Campaigns made in Sarbacane's interface (at its own cadence).
                changes = {**changes, **dict.fromkeys(await discovery.run_due(), 1)}
                if changes and on_change is not None:
                    await on_change(set(changes))
        except SarbacaneError as error:
            log.warning("status poll: Sarbacane error: %s", error)
        except Exception:
            log.exception("status poll failed; retrying")
        await asyncio.sleep(interval)
