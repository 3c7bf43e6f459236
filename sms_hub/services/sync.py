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

One account never holds back the others: a centre's reads have an overall
deadline (``CENTRE_READ_SECONDS``, whatever the HTTP timeout) and one
attempt each (the next cycle is the retry); each centre's result is
written as soon as it is in, batched with whatever else is ready. A centre
whose read fails is flagged (``PollHealth``: failures in a row, last error
code, next attempt) and left alone for a backoff that doubles with each
failure (``domain/polling.py``). The lease is renewed by a heartbeat every
quarter of its length, whatever the cycle is doing, and a write goes ahead
only while it is held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sms_hub import metrics
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.lifecycle import (
    ACTIVE_STATUSES,
    GONE_FROM_SARBACANE,
    NOT_SENT_DETAIL,
    REMOTE_ACTIVE_STATES,
    REMOTE_SENDING_STATE,
    Status,
    status_after_sync,
    status_when_never_sent,
)
from sms_hub.logs import log_context
from sms_hub.sarbacane import (
    MAX_BATCH,
    RemoteCampaign,
    SarbacaneClient,
    SarbacaneError,
    SarbacaneNotFound,
)
from sms_hub.services import audit, discovery, unsubscribes
from sms_hub.services.accounts import (
    AccountNotConfigured,
    client_for,
    reaches_campaign,
)
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.lease_holders import holder_is_gone, this_process
from sms_hub.services.modify import resume_replacements
from sms_hub.services.retention import run_due_retention
from sms_hub.settings import get_settings
from sms_hub.store import centre_queries, lease_queries, poll_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign, PollHealth, Tenant, utcnow

log = logging.getLogger(__name__)

LEASE_NAME = "status-poller"
#: Shortest lease of the poller; its heartbeat renews it every quarter of it.
LEASE_SECONDS = 10.0
#: Overall deadline of one centre's reads in a cycle, well under the lease.
CENTRE_READ_SECONDS = 3.0
#: Failure code of a centre whose account did not answer within the deadline.
TIMEOUT_CODE = "TIMEOUT"
#: Detail reads at once on one centre's account.
_CONCURRENCY = 8
#: Centres read at once. Kept at 16 although each centre is its own account:
#: the cycle is bound by how many requests the server answers a second, not
#: by round trips, so more centres at once only queue longer (measured over
#: 300 centres: 32 was slower, 64 pushed reads past CENTRE_READ_SECONDS and
#: flagged healthy centres as failing).
_CENTRES_AT_ONCE = 16
PROGRESS_READS_PER_CYCLE = 40
_lease_executor: ThreadPoolExecutor | None = None
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


@dataclass
class CentreRead:
    """One centre's read in a cycle: campaign id → what its account says
    (what came before the deadline), and the failure code if it failed.
    ``recorded`` is false when there is no account to judge (none set)."""

    tenant_id: int = 0
    observations: dict[int, Observation] = field(default_factory=dict)
    failure: str | None = None
    recorded: bool = True
    was_flagged: bool = False


def next_status(local: Status, seen: Observation) -> Status | None:
    """The status a campaign moves to, or None to leave it as it is."""
    return status_after_sync(local, seen.state, stopped=seen.gone or seen.cancelled)


async def _state_index(client: SarbacaneClient) -> dict[str, str]:
    """Sarbacane id → state, for every campaign of one account in an active state.

    The lists by state are read at once (one round trip, not one per state);
    the first one that fails fails the read and stops the others."""
    lists = [
        asyncio.ensure_future(_listed_in(client, state))
        for state in REMOTE_ACTIVE_STATES
    ]
    try:
        found = await asyncio.gather(*lists)
    finally:
        for listed in lists:  # the first error (or the deadline) stops the others
            listed.cancel()
        await asyncio.gather(*lists, return_exceptions=True)
    return {
        campaign_id: state
        for state, ids in zip(REMOTE_ACTIVE_STATES, found, strict=True)
        for campaign_id in ids
    }


async def _listed_in(client: SarbacaneClient, state: str) -> list[str]:
    """Ids of the account's campaigns in one state, page by page, one attempt each."""
    ids: list[str] = []
    offset = 0
    while True:
        page = await client.list_campaigns(
            state=state, offset=offset, limit=MAX_BATCH, retry=False
        )
        ids.extend(summary.id for summary in page)
        if len(page) < MAX_BATCH:
            return ids
        offset += MAX_BATCH


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
            return _observe(await client.get_campaign(sarbacane_id, retry=False))
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
    client: SarbacaneClient,
    campaigns: list[Campaign],
    found: dict[int, Observation],
) -> None:
    """Fill ``found`` (campaign id → observation) from the centre's own account:
    the bulk lists first, then each detail read as it comes in, so that a
    deadline keeps whatever was read before it."""
    index = await _state_index(client)
    now = datetime.now(UTC)
    transitions = [
        c for c in campaigns if _needs_detail(c, index.get(c.sarbacane_id), now)
    ]
    sending = sorted(
        (c for c in campaigns if index.get(c.sarbacane_id) == REMOTE_SENDING_STATE),
        key=_oldest_read_first,
    )[:PROGRESS_READS_PER_CYCLE]
    found.update(
        {
            c.id or 0: Observation(state=index[c.sarbacane_id])
            for c in campaigns
            if c.sarbacane_id in index
        }
    )
    semaphore = asyncio.Semaphore(_CONCURRENCY)

    async def detail(campaign: Campaign) -> None:
        seen = await _detail(client, campaign.sarbacane_id, semaphore)
        found[campaign.id or 0] = seen

    reads = [asyncio.ensure_future(detail(c)) for c in transitions + sending]
    try:
        await asyncio.gather(*reads)
    finally:
        for read in reads:  # the first error (or the deadline) stops the others
            read.cancel()
        await asyncio.gather(*reads, return_exceptions=True)


async def poll_once(still_leader: Callable[[], Awaitable[bool]] | None = None) -> int:
    """One cycle over every active campaign; returns how many rows changed."""
    return sum((await poll_changes(still_leader)).values())


async def poll_changes(
    still_leader: Callable[[], Awaitable[bool]] | None = None,
    on_change: Callable[[set[int]], Awaitable[None]] | None = None,
) -> dict[int, int]:
    """One cycle over every active campaign; centre id → how many rows changed.

    Each centre is read through its own Sarbacane account, within
    ``CENTRE_READ_SECONDS``; what a centre's read found is written as soon
    as it is in (with whatever else is ready), then handed to ``on_change``.
    A centre whose account is missing is skipped; one whose read fails is
    flagged and backed off, the others go on. ``still_leader`` is asked
    before each write: when it answers False (the lease is lost), the cycle
    stops and writes nothing more.
    """
    campaigns = await in_thread(_active_campaigns)
    if not campaigns:
        return {}
    by_centre: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        by_centre[campaign.tenant_id].append(campaign)
    tenants, flagged = await in_thread(_centres, set(by_centre))
    now = datetime.now(UTC)
    due = [
        (tenants.get(tenant_id), tenant_id in flagged, group)
        for tenant_id, group in by_centre.items()
        if not _backed_off(flagged.get(tenant_id), now)
    ]
    ready: asyncio.Queue[CentreRead] = asyncio.Queue()
    slots = asyncio.Semaphore(_CENTRES_AT_ONCE)

    async def read(tenant: Tenant | None, was_flagged: bool, group: list[Campaign]):
        result = CentreRead(recorded=False)
        try:
            async with slots:
                result = await _read_centre(tenant, group)
                result.was_flagged = was_flagged
        finally:
            ready.put_nowait(result)

    readers = [asyncio.create_task(read(*centre)) for centre in due]
    changed: dict[int, int] = {}
    try:
        waiting = len(readers)
        while waiting:
            batch = [await ready.get()]
            while not ready.empty():
                batch.append(ready.get_nowait())
            waiting -= len(batch)
            if still_leader is not None and not await still_leader():
                log.warning(
                    "status poll: lease lost mid-cycle; the rest is not written"
                )
                break
            written = await in_thread(_apply, batch)
            changed.update(written)
            if written and on_change is not None:
                await on_change(set(written))
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return changed


def _backed_off(health: PollHealth | None, now: datetime) -> bool:
    return bool(health and health.next_attempt_at and health.next_attempt_at > now)


def _failure_code(error: SarbacaneError) -> str:
    if error.code:
        return error.code
    if error.status_code:
        return f"HTTP {error.status_code}"
    return type(error).__name__


async def _read_centre(tenant: Tenant | None, campaigns: list[Campaign]) -> CentreRead:
    """What the centre's own account says, within ``CENTRE_READ_SECONDS``, one
    attempt per request (the next cycle is the retry)."""
    if tenant is None:
        return CentreRead(recorded=False)
    with log_context(centre=tenant.slug):
        result = await _read_own_account(tenant, campaigns)
    if result.failure is not None:
        metrics.centre_failed(tenant.slug, "poll")
    return result


async def _read_own_account(tenant: Tenant, campaigns: list[Campaign]) -> CentreRead:
    result = CentreRead(tenant_id=tenant.id or 0)
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
            return result
    except AccountNotConfigured:
        result.recorded = False
        return result
    try:
        async with asyncio.timeout(CENTRE_READ_SECONDS):
            await _observe_centre(client, campaigns, result.observations)
    except TimeoutError:
        if not result.observations:  # nothing at all came in time
            result.failure = TIMEOUT_CODE
        log.warning(
            "status poll: centre %s: Sarbacane did not answer within %.1f s "
            "(%d campaign(s) read)",
            tenant.id,
            CENTRE_READ_SECONDS,
            len(result.observations),
        )
    except SarbacaneError as error:
        result.failure = _failure_code(error)
        log.warning("status poll: centre %s: Sarbacane error: %s", tenant.id, error)
    except Exception as error:
        result.failure = type(error).__name__
        log.exception("status poll: centre %s: read failed", tenant.id)
    return result


def _active_campaigns() -> list[Campaign]:
    with transaction() as session:
        return poll_queries.campaigns_in_statuses(
            session, [s.value for s in ACTIVE_STATUSES]
        )


def _centres(ids: set[int]) -> tuple[dict[int, Tenant], dict[int, PollHealth]]:
    """The centres of the work list, and those whose account is failing."""
    with transaction() as session:
        tenants = {t.id or 0: t for t in centre_queries.tenants_by_ids(session, ids)}
        return tenants, poll_queries.flagged_centres(session)


def _apply(reads: list[CentreRead]) -> dict[int, int]:
    """Write what was seen; each write is a compare-and-set on the status read.

    Also records each centre's poll health (a failure flags and backs it
    off, a success clears a flag). Returns centre id → how many of its rows
    changed (status or progress)."""
    observations = {
        campaign_id: seen
        for read in reads
        for campaign_id, seen in read.observations.items()
    }
    changed: dict[int, int] = defaultdict(int)
    now = utcnow()
    never_sent_after = timedelta(seconds=get_settings().stuck_after_seconds)
    with transaction() as session:
        for campaign in poll_queries.campaigns_to_write(
            session, observations.keys(), [s.value for s in ACTIVE_STATUSES]
        ):
            seen = observations[campaign.id or 0]
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
            written = poll_queries.record_sync(
                session,
                campaign,
                now=now,
                read=seen.detailed,
                status=target.value if target else None,
                last_error=GONE_FROM_SARBACANE if target and seen.gone else None,
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
        for read in reads:
            if not read.recorded:
                continue
            if read.failure is not None:
                poll_queries.record_poll_failure(
                    session, read.tenant_id, read.failure, now
                )
            elif read.was_flagged:
                poll_queries.record_poll_recovery(session, read.tenant_id, now)
    return {tenant: rows for tenant, rows in changed.items() if rows}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _lease_thread() -> ThreadPoolExecutor:
    """The lease's own thread: a renewal never queues behind other work."""
    global _lease_executor
    if _lease_executor is None:
        _lease_executor = ThreadPoolExecutor(1, thread_name_prefix="poller-lease")
    return _lease_executor


def _take_lease(ttl: timedelta, holder: str | None = None) -> bool:
    with transaction() as session:
        return lease_queries.try_acquire_lease(
            session,
            LEASE_NAME,
            holder or this_process(),
            datetime.now(UTC),
            ttl,
            holder_is_gone,
        )


class Leadership:
    """This worker's hold on the poller's lease, kept by a heartbeat.

    The heartbeat takes or renews the lease every quarter of its length,
    whatever a cycle is doing (however long a read takes); a write goes
    ahead only while the last renewal leaves at least a quarter of the
    lease to run.
    """

    def __init__(
        self, holder: str, ttl: timedelta, watch: metrics.PollerWatch | None = None
    ) -> None:
        self.holder = holder
        self.ttl = ttl
        self.watch = watch
        self._held_until = 0.0  # time.monotonic()

    @property
    def period(self) -> float:
        return self.ttl.total_seconds() / 4

    async def beat(self) -> bool:
        """Take or renew the lease once; whether this worker holds it."""
        started = time.monotonic()
        try:
            loop = asyncio.get_running_loop()
            won = await loop.run_in_executor(
                _lease_thread(), _take_lease, self.ttl, self.holder
            )
        except Exception:
            log.exception("status poll: the lease could not be renewed")
            won = False
        self._held_until = started + self.ttl.total_seconds() if won else 0.0
        if self.watch is not None:
            self.watch.leadership(won)
        return won

    def held(self) -> bool:
        return time.monotonic() + self.period < self._held_until

    async def still_held(self) -> bool:
        return self.held()

    async def keep(self) -> None:
        """The heartbeat (a task for as long as the poller runs)."""
        while True:
            await asyncio.sleep(self.period)
            await self.beat()


def lease_ttl(interval: float) -> timedelta:
    return timedelta(seconds=max(LEASE_SECONDS, interval * 5))


async def run_poller(
    on_change: Callable[[set[int]], Awaitable[None]] | None = None,
    *,
    holder: str | None = None,
    watch: metrics.PollerWatch | None = None,
) -> None:
    """Poll while this worker holds the lease; ``on_change`` gets the centres
    whose campaigns changed (to push the change to their open tabs).

    ``holder`` names this poller in the lease (this process by default);
    ``watch`` records its leadership and cycles (``/_health``, metrics; this
    worker's ``metrics.POLLER`` by default)."""
    interval = get_settings().poll_interval_seconds
    watch = watch or metrics.POLLER
    watch.poller_started(interval)
    leadership = Leadership(holder or this_process(), lease_ttl(interval), watch)
    await leadership.beat()
    heartbeat = asyncio.create_task(leadership.keep())
    discovering: asyncio.Task | None = None
    try:
        while True:
            if leadership.held():
                watch.cycle_started()
                try:
                    await poll_changes(leadership.still_held, on_change)
                    # Modifications interrupted (a crash, an error), bounded
                    # like a centre's read so a silent account holds nothing.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(CENTRE_READ_SECONDS):
                            await resume_replacements()
                    # The centres' unsubscribe (STOP) lists, every
                    # STOP_REFRESH_SECONDS, bounded the same way.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(CENTRE_READ_SECONDS):
                            await unsubscribes.refresh_due(CENTRE_READ_SECONDS)
                    # « Durée de conservation »: each centre once a day.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(CENTRE_READ_SECONDS):
                            await run_due_retention()
                    watch.cycle_ended()
                except Exception:
                    log.exception("status poll failed; retrying")
                # Campaigns made in Sarbacane's interface, at their own cadence
                # and beside the status polls (a long read never delays them).
                if discovering is None or discovering.done():
                    discovering = asyncio.create_task(_discover(on_change))
            await asyncio.sleep(interval)
    finally:
        for task in (heartbeat, discovering):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def _discover(on_change: Callable[[set[int]], Awaitable[None]] | None) -> None:
    """One due discovery run; the centres that gained or changed campaigns
    are pushed to their open tabs."""
    try:
        adopted = await discovery.run_due()
    except Exception:
        log.exception("campaign discovery failed; retrying at its next turn")
        return
    if adopted and on_change is not None:
        await on_change(set(adopted))
