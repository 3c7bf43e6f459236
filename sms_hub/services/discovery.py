"""Campaigns made in Sarbacane's own interface appear in SMS Hub.

The French user documentation says: « les campagnes automatisées créées
depuis l'interface Sarbacane ne seront pas visibles sur l'interface
Hub3E »; the centre's standard SMS campaigns made there are. Discovery reads
each centre's account (``GET /campaigns``, pages of 1000, through the
centre's own client) and:

- adopts each standard SMS campaign (``domain.adoption.is_adoptable``) not
  yet linked: one row per (account, Sarbacane id), an insert-or-ignore on
  the unique pair, so two workers or two runs never make a second row and a
  campaign SMS Hub made itself is never adopted; its status comes from
  Sarbacane's state by the lifecycle table; an SMS Marketing still a draft
  gets the unsubscribe (STOP) list;
- shows a newer name (Sarbacane's ``edited`` moved) and the recipient count
  Sarbacane lists for an adopted campaign;
- after a whole reading, marks an adopted campaign Sarbacane no longer has
  (confirmed one by one) as the poller does: « La campagne n'existe plus
  dans Sarbacane. ».

Its cost is bounded: at most ``MAX_PAGES_PER_CYCLE`` pages per centre per
run; a longer listing resumes from where the last run stopped. The
poller's leader calls :func:`run_due` once per cycle (every
``DISCOVERY_INTERVAL_SECONDS``); opening the campaigns page calls
:func:`discover_if_due` (at most once a minute per centre).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sms_hub.domain.adoption import FROM_SARBACANE, is_adoptable
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.campaign import CampaignKind, made_by_hub
from sms_hub.domain.lifecycle import (
    ACTIVE_STATUSES,
    GONE_FROM_SARBACANE,
    INITIAL_STATUS,
    Status,
    status_after_sync,
    status_from_sarbacane,
)
from sms_hub.sarbacane import (
    CampaignSummary,
    SarbacaneClient,
    SarbacaneError,
    SarbacaneNotFound,
)
from sms_hub.services import audit
from sms_hub.services.accounts import AccountNotConfigured, client_for
from sms_hub.services.audience import assign_unsubscribe_list
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import ServiceError
from sms_hub.services.tenants import DEMO_SLUG
from sms_hub.settings import get_settings
from sms_hub.store import adoption_queries as adopted_q
from sms_hub.store import (
    campaign_queries,
    centre_queries,
    poll_queries,
    recipient_queries,
)
from sms_hub.store.db import transaction
from sms_hub.store.models import Tenant, utcnow

log = logging.getLogger(__name__)

#: Pages of 1000 read per centre per run (a longer listing resumes later).
MAX_PAGES_PER_CYCLE = 2
#: A page opened triggers a discovery of its centre at most this often.
ON_OPEN_MIN_INTERVAL_SECONDS = 60.0
#: Who the audit names for what discovery does.
DISCOVERY_ACTOR = "Synchronisation Sarbacane"


@dataclass
class _Sweep:
    """Where a centre's reading of its account stands (resumable)."""

    offset: int = 0
    seen: set[str] = field(default_factory=set)


_sweeps: dict[tuple[int, str], _Sweep] = {}
_last_run: dict[int, float] = {}
_last_cycle: list[float] = []


@dataclass(frozen=True)
class Outcome:
    adopted: list[int]
    changed: int


def _initial_status(state: str | None) -> Status:
    """An adopted campaign's status, from Sarbacane's state (the table)."""
    return status_after_sync(INITIAL_STATUS, state, stopped=False) or (
        status_from_sarbacane(state) or INITIAL_STATUS
    )


def _adopt_and_refresh(
    tenant_id: int, account_id: str, rows: list[CampaignSummary]
) -> Outcome:
    adopted: list[int] = []
    changed = 0
    with transaction() as session:
        linked = {
            c.sarbacane_id: c
            for c in adopted_q.linked_in_account(session, tenant_id, account_id)
        }
        for row in rows:
            if not row.id or not is_adoptable(row.kind) or made_by_hub(row.name):
                continue
            known = linked.get(row.id)
            if known is not None:
                if known.origin != FROM_SARBACANE:
                    continue
                changed += _follow_state(session, known, row.state)
                newer = row.edited is not None and (
                    known.sarbacane_edited is None
                    or row.edited > _aware(known.sarbacane_edited)
                )
                changed += adopted_q.refresh_adopted(
                    session,
                    known,
                    name=row.name if newer and row.name else None,
                    edited=row.edited if newer else None,
                    recipient_count=_count(session, known, row.count),
                )
                continue
            new_id = adopted_q.adopt(
                session,
                {
                    "tenant_id": tenant_id,
                    "sarbacane_account_id": account_id,
                    "sarbacane_id": row.id,
                    "name": row.name or row.id,
                    "kind": (row.kind or "").strip().upper(),
                    "sender": "",
                    "content": "",
                    "status": _initial_status(row.state).value,
                    "remote_state": row.state,
                    "recipient_count": row.count or 0,
                    "sarbacane_edited": row.edited,
                },
            )
            if new_id is not None:
                adopted.append(new_id)
                changed += 1
    return Outcome(adopted, changed)


def _follow_state(session, campaign, state: str | None) -> bool:
    """An adopted campaign launched or ended in Sarbacane's interface takes
    the status the lifecycle table gives; an active one is the poller's."""
    local = Status(campaign.status)
    if local in ACTIVE_STATUSES:
        return False
    target = status_after_sync(local, state, stopped=False)
    if target is None:
        return False
    return poll_queries.record_sync(
        session,
        campaign,
        now=utcnow(),
        read=False,
        status=target.value,
        remote_state=state,
    )


def _count(session, campaign, listed: int | None) -> int | None:
    """Sarbacane's recipient count of an adopted campaign, never below what
    Hub3E imported into it (a listing read before a push lands lags)."""
    if listed is None or listed >= campaign.recipient_count:
        return listed
    return max(listed, recipient_queries.count_recipients(session, campaign.id or 0))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _missing(tenant_id: int, account_id: str, seen: set[str]) -> list[int]:
    with transaction() as session:
        return [
            c.id or 0
            for c in adopted_q.linked_in_account(session, tenant_id, account_id)
            if c.origin == FROM_SARBACANE and c.sarbacane_id not in seen
        ]


def _mark_gone(tenant_id: int, campaign_ids: list[int]) -> int:
    """As the poller marks a campaign Sarbacane no longer has: an active one
    is cancelled with « La campagne n'existe plus dans Sarbacane. »; an
    adopted draft (nothing was sent, nothing of it is Hub3E's) is removed,
    audited with the same sentence."""
    changed = 0
    now = utcnow()
    with transaction() as session:
        for campaign_id in campaign_ids:
            campaign = campaign_queries.campaign_by_id(session, tenant_id, campaign_id)
            if campaign is None:
                continue
            target = status_after_sync(Status(campaign.status), None, stopped=True)
            actor = Actor(tenant_id=tenant_id, user=DISCOVERY_ACTOR)
            if target is not None:
                changed += poll_queries.record_sync(
                    session,
                    campaign,
                    now=now,
                    read=True,
                    status=target.value,
                    last_error=GONE_FROM_SARBACANE,
                )
            elif campaign_queries.delete_campaign_rows(
                session, tenant_id, campaign_id, [campaign.status]
            ):
                audit.record_in(
                    session,
                    actor,
                    AuditAction.DELETE,
                    AuditOutcome.OK,
                    campaign=campaign,
                    detail=GONE_FROM_SARBACANE,
                )
                changed += 1
    return changed


def _sarbacane_ids(tenant_id: int, ids: list[int]) -> list[tuple[int, str]]:
    with transaction() as session:
        return [
            (c.id or 0, c.sarbacane_id)
            for i in ids
            if (c := campaign_queries.campaign_by_id(session, tenant_id, i)) is not None
        ]


async def _confirmed_gone(
    client: SarbacaneClient, ids: list[int], tenant_id: int
) -> list[int]:
    """Of the adopted campaigns a reading missed, those Sarbacane answers 404
    for (a row deleted during the reading may have hidden another one)."""
    pairs = await in_thread(_sarbacane_ids, tenant_id, ids)
    gone = []
    for campaign_id, sarbacane_id in pairs:
        try:
            await client.get_campaign(sarbacane_id)
        except SarbacaneNotFound:
            gone.append(campaign_id)
    return gone


def _marketing_drafts(tenant_id: int, campaign_ids: list[int]) -> list[int]:
    with transaction() as session:
        return [
            i
            for i in campaign_ids
            if (c := campaign_queries.campaign_by_id(session, tenant_id, i)) is not None
            and c.kind == CampaignKind.MARKETING.value
            and c.status == INITIAL_STATUS.value
        ]


async def _give_stop_list(tenant_id: int, campaign_ids: list[int]) -> None:
    actor = Actor(tenant_id=tenant_id, user=DISCOVERY_ACTOR)
    marketing_drafts = await in_thread(_marketing_drafts, tenant_id, campaign_ids)
    for campaign_id in marketing_drafts:
        try:
            await assign_unsubscribe_list(actor, campaign_id)
        except ServiceError as error:
            log.warning(
                "discovery: STOP list not assigned to %s: %s", campaign_id, error
            )


async def discover_centre(
    tenant: Tenant, *, max_pages: int = MAX_PAGES_PER_CYCLE
) -> int:
    """One bounded run over a centre's account; how many of its rows changed."""
    try:
        client = client_for(tenant)
    except AccountNotConfigured:
        return 0
    tenant_id = tenant.id or 0
    account_id = client.account_id
    sweep = _sweeps.setdefault((tenant_id, account_id), _Sweep())
    rows: list[CampaignSummary] = []
    complete = False
    async for page in client.campaign_pages(offset=sweep.offset, max_pages=max_pages):
        rows.extend(page.items)
        sweep.offset = page.next_offset
        complete = page.last
    sweep.seen.update(r.id for r in rows if r.id)
    outcome = await in_thread(_adopt_and_refresh, tenant_id, account_id, rows)
    changed = outcome.changed
    if complete:
        seen, sweep.offset, sweep.seen = sweep.seen, 0, set()
        missing = await in_thread(_missing, tenant_id, account_id, seen)
        if missing:
            gone = await _confirmed_gone(client, missing, tenant_id)
            changed += await in_thread(_mark_gone, tenant_id, gone)
    if outcome.adopted:
        await _give_stop_list(tenant_id, outcome.adopted)
    return changed


def _centres() -> list[Tenant]:
    settings = get_settings()
    with transaction() as session:
        centres = adopted_q.centres_with_account(session)
        demo = centre_queries.tenant_by_slug(session, DEMO_SLUG)
    if settings.demo_mode and demo is not None and demo not in centres:
        centres.append(demo)
    return centres


async def discover_all() -> set[int]:
    """One bounded run over every centre; the centres whose rows changed."""
    changed: set[int] = set()
    for tenant in await in_thread(_centres):
        try:
            if await discover_centre(tenant):
                changed.add(tenant.id or 0)
        except SarbacaneError as error:
            log.warning("discovery: centre %s: Sarbacane error: %s", tenant.id, error)
        _last_run[tenant.id or 0] = time.monotonic()
    return changed


async def run_due() -> set[int]:
    """The poller's leader calls this once per cycle: a discovery of every
    centre when ``DISCOVERY_INTERVAL_SECONDS`` passed since the last one.
    Returns the centres whose rows changed (to push to their tabs)."""
    now = time.monotonic()
    interval = get_settings().discovery_interval_seconds
    if _last_cycle and now - _last_cycle[0] < interval:
        return set()
    _last_cycle[:] = [now]
    try:
        return await discover_all()
    except Exception:
        log.exception("discovery failed; retrying next time")
        return set()


def _tenant(tenant_id: int) -> Tenant | None:
    with transaction() as session:
        return centre_queries.tenant(session, tenant_id)


_running: dict[int, asyncio.Lock] = {}


async def discover_if_due(tenant_id: int) -> bool:
    """When a user opens the campaigns page: a discovery of their centre,
    at most once a minute; whether its rows changed."""
    now = time.monotonic()
    last = _last_run.get(tenant_id)
    if last is not None and now - last < ON_OPEN_MIN_INTERVAL_SECONDS:
        return False
    lock = _running.setdefault(tenant_id, asyncio.Lock())
    if lock.locked():
        return False
    async with lock:
        _last_run[tenant_id] = now
        tenant = await in_thread(_tenant, tenant_id)
        if tenant is None:
            return False
        try:
            return bool(await discover_centre(tenant))
        except SarbacaneError as error:
            log.warning("discovery: centre %s: Sarbacane error: %s", tenant_id, error)
            return False
