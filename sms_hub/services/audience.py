"""A campaign's audience: import contact lists, push recipients, exclusions.

Importing copies the lists' contacts into the campaign in SQL (one row per
phone number), then pushes the new recipients to Sarbacane in batches of at
most 1000, one batch at a time. Each batch is marked pushed once Sarbacane
acknowledged it, so a fault or a restart resumes where it stopped; before
the first batch of a run the service reads back whether Sarbacane already
holds it (an answer lost just before the bookkeeping), so no recipient is
pushed twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sms_hub import metrics
from sms_hub.domain.adoption import FROM_SARBACANE
from sms_hub.domain.audit import AuditAction
from sms_hub.domain.campaign import (
    UNSUBSCRIBE_LIST_ID,
    lacks_unsubscribe_list,
    needs_unsubscribe_list,
    with_unsubscribe_list,
)
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.lifecycle import RULES, Action
from sms_hub.domain.phone import display_phone
from sms_hub.domain.unsubscribes import leaves_out_unsubscribed, skipped_message
from sms_hub.sarbacane import MAX_BATCH, RecipientIn, SarbacaneClient
from sms_hub.services import adopted_recipients, audit
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import GatewayError, NotAllowed, NotFound
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import campaign_for, campaign_in_centre, load_campaign
from sms_hub.services.lease_holders import holder_is_gone, new_holder
from sms_hub.store import (
    campaign_queries,
    contact_queries,
    exclusion_queries,
    lease_queries,
    recipient_queries,
    replacement_queries,
    unsubscribe_queries,
)
from sms_hub.store.db import transaction

log = logging.getLogger(__name__)

DEFAULT_UNSUBSCRIBE_LIST = UNSUBSCRIBE_LIST_ID

#: A push holds this lease so that two workers never write the same
#: campaign's recipients at once. Its heartbeat renews it while the push runs;
#: a push whose process died is free at once on its machine, and elsewhere
#: once the lease expires.
PUSH_LEASE_TTL = timedelta(seconds=30)
PUSH_HEARTBEAT_SECONDS = 5.0

#: Called with (recipients acknowledged by Sarbacane, recipients in all).
Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class ImportSummary:
    added: int
    skipped: int
    pushed: int
    total: int
    #: Unsubscribed contacts (STOP) an SMS Marketing left out.
    unsubscribed: int = 0

    @property
    def unsubscribed_message(self) -> str:
        return skipped_message(self.unsubscribed)


@dataclass(frozen=True)
class RecipientView:
    email: str
    phone: str
    phone_label: str
    #: On the centre's unsubscribe list, or answered STOP (« Désinscrit (STOP) »).
    unsubscribed: bool = False


@dataclass(frozen=True)
class ExclusionChoice:
    id: str
    name: str
    chosen: bool
    recommended: bool


async def contacts_to_add(actor: Actor, campaign_id: int, list_ids: list[int]) -> int:
    """How many distinct numbers the chosen lists hold (shown before import)."""

    def count() -> int:
        with transaction() as session:
            return recipient_queries.contacts_in_lists(
                session, actor.tenant_id, list_ids
            )

    return await in_thread(count)


async def import_lists(
    actor: Actor,
    campaign_id: int,
    list_ids: list[int],
    progress: Progress | None = None,
) -> ImportSummary:
    """Copy the lists' contacts into the campaign, then push them to Sarbacane."""
    await in_thread(campaign_for, actor, campaign_id, Action.IMPORT_CONTACTS)

    editable = [status.value for status in RULES[Action.IMPORT_CONTACTS].allowed_from]

    def copy() -> tuple[int, int]:
        with transaction() as session:
            if not campaign_queries.hold_campaign_in_statuses(
                session, actor.tenant_id, campaign_id, editable
            ):
                raise NotAllowed(RULES[Action.IMPORT_CONTACTS].refused)
            campaign = campaign_queries.campaign_by_id(
                session, actor.tenant_id, campaign_id
            )
            candidates = recipient_queries.contacts_in_lists(
                session, actor.tenant_id, list_ids
            )
            # An SMS Marketing never takes an unsubscribed contact (STOP).
            skip = campaign is not None and leaves_out_unsubscribed(campaign.kind)
            unsubscribed = (
                recipient_queries.unsubscribed_in_lists(
                    session, actor.tenant_id, campaign_id, list_ids
                )
                if skip
                else 0
            )
            added = recipient_queries.copy_list_contacts_into_campaign(
                session, actor.tenant_id, campaign_id, list_ids, skip_unsubscribed=skip
            )
            recipient_queries.refresh_recipient_count(session, campaign)
            present = candidates - added - unsubscribed
            detail = f"{number_fr(added)} ajoutés, {number_fr(present)} déjà présents"
            if unsubscribed:
                detail += f", {number_fr(unsubscribed)} désinscrits (STOP) ignorés"
            audit.record_in(
                session,
                actor,
                AuditAction.IMPORT_CONTACTS,
                campaign=campaign,
                detail=detail,
            )
            return added, present, unsubscribed

    added, skipped, unsubscribed = await in_thread(copy)
    pushed, total = await push_pending(actor, campaign_id, progress)
    return ImportSummary(
        added=added,
        skipped=skipped,
        pushed=pushed,
        total=total,
        unsubscribed=unsubscribed,
    )


async def push_pending(
    actor: Actor, campaign_id: int, progress: Progress | None = None
) -> tuple[int, int]:
    """Push the recipients Sarbacane has not acknowledged yet.

    Returns (pushed in this run, recipients in the campaign). Raises
    :class:`GatewayError` on a Sarbacane fault; what was acknowledged stays
    marked, and the next run resumes after it.
    """
    lease = f"push:{campaign_id}"
    holder = new_holder()
    if not await in_thread(_take_lease, lease, holder):
        raise GatewayError(
            "Un import vers Sarbacane est déjà en cours pour cette campagne : "
            "attendez qu'il se termine."
        )
    heartbeat = asyncio.create_task(_keep_alive(lease, holder))
    try:
        return await _push(actor, campaign_id, progress, lease, holder)
    finally:
        heartbeat.cancel()
        await asyncio.gather(heartbeat, return_exceptions=True)
        await in_thread(_release_lease, lease, holder)
        await in_thread(_mark_seen, campaign_id)


def _take_lease(name: str, holder: str) -> bool:
    with transaction() as session:
        return lease_queries.try_acquire_lease(
            session, name, holder, datetime.now(UTC), PUSH_LEASE_TTL, holder_is_gone
        )


async def _keep_alive(name: str, holder: str) -> None:
    """Renew the push lease while the push runs, however long a batch takes."""
    while True:
        await asyncio.sleep(PUSH_HEARTBEAT_SECONDS)
        try:
            await in_thread(_take_lease, name, holder)
        except Exception:
            log.exception("push lease %s: heartbeat failed", name)


def _release_lease(name: str, holder: str) -> None:
    with transaction() as session:
        lease_queries.release_lease(session, name, holder)


async def _push(
    actor: Actor, campaign_id: int, progress: Progress | None, lease: str, holder: str
) -> tuple[int, int]:
    found = await in_thread(campaign_in_centre, actor, campaign_id)
    campaign, client = found.campaign, found.sarbacane()
    already, total = await in_thread(_counts, campaign_id)
    pushed_now = 0
    while True:
        batch = await in_thread(_next_batch, campaign_id)
        if progress:
            await progress(already, max(total, already + len(batch)))
        if not batch:
            return pushed_now, already
        recipients = [
            RecipientIn(email=email, phone=phone) for _, email, phone in batch
        ]
        resume = (
            f"{number_fr(already)} destinataire(s) sur {number_fr(total)} sont déjà "
            "transmis ; "
            "relancez l'import pour reprendre."
        )
        async with sarbacane_call(actor, hint=resume):
            if pushed_now == 0 and await client.recipients_already_added(
                campaign.sarbacane_id, recipients, offset=already
            ):
                log.info("campaign %s: batch already in Sarbacane", campaign_id)
            else:
                await client.add_recipients(
                    campaign.sarbacane_id, recipients, already_pushed=already
                )
                metrics.PUSH_BATCHES.inc()
                metrics.RECIPIENTS_PUSHED.inc(len(recipients))
        await in_thread(
            _mark, [recipient_id for recipient_id, _, _ in batch], lease, holder
        )
        pushed_now += len(batch)
        already += len(batch)


def _mark_seen(campaign_id: int) -> None:
    """Hub3E's own writes move Sarbacane's ``edited`` date: remember them."""
    with transaction() as session:
        replacement_queries.mark_sarbacane_seen(session, campaign_id)


def _counts(campaign_id: int) -> tuple[int, int]:
    """(recipients already acknowledged, recipients in all)."""
    with transaction() as session:
        return (
            recipient_queries.count_recipients(session, campaign_id, pushed=True),
            recipient_queries.count_recipients(session, campaign_id),
        )


def _next_batch(campaign_id: int) -> list[tuple[int, str | None, str]]:
    with transaction() as session:
        return recipient_queries.pending_recipients(session, campaign_id, MAX_BATCH)


def _mark(recipient_ids: list[int], lease: str, holder: str) -> None:
    """Mark a batch acknowledged and renew the push lease, in one transaction."""
    with transaction() as session:
        recipient_queries.mark_pushed(session, recipient_ids)
        lease_queries.try_acquire_lease(
            session, lease, holder, datetime.now(UTC), PUSH_LEASE_TTL
        )


async def unpushed_count(actor: Actor, campaign_id: int) -> int:
    def count() -> int:
        with transaction() as session:
            load_campaign(session, actor, campaign_id)
            return recipient_queries.count_recipients(
                session, campaign_id, pushed=False
            )

    return await in_thread(count)


async def recipients_page(
    actor: Actor,
    campaign_id: int,
    *,
    search: str,
    offset: int,
    limit: int,
    only_unsubscribed: bool = False,
) -> tuple[list[RecipientView], int]:
    try:
        found = await in_thread(campaign_in_centre, actor, campaign_id)
    except NotFound:
        found = None  # another centre's: the local query finds nothing
    if found is not None and found.campaign.origin == FROM_SARBACANE:
        # Made in Sarbacane's interface: its recipients are read there.
        rows, total = await adopted_recipients.recipients_page(
            actor, found, search=search, offset=offset, limit=limit
        )
        return [RecipientView(*row) for row in rows], total

    def page() -> tuple[list[RecipientView], int]:
        with transaction() as session:
            rows, total = recipient_queries.recipient_page(
                session,
                actor.tenant_id,
                campaign_id,
                search=search,
                offset=offset,
                limit=limit,
                only_unsubscribed=only_unsubscribed,
            )
            stopped = unsubscribe_queries.unsubscribed_among(
                session, actor.tenant_id, [(r.phone, r.email) for r in rows]
            )
            return [
                RecipientView(
                    r.email or "",
                    r.phone,
                    display_phone(r.phone),
                    unsubscribed=r.phone in stopped,
                )
                for r in rows
            ], total

    return await in_thread(page)


async def exclusion_choices(actor: Actor, campaign_id: int) -> list[ExclusionChoice]:
    """Sarbacane's exclusion lists, with the campaign's current choice.

    A marketing campaign with no choice yet gets the STOP unsubscribe list
    preselected: the user documentation calls it « fortement recommandée »
    (RGPD).
    """
    found = await in_thread(campaign_in_centre, actor, campaign_id)
    campaign = found.campaign

    chosen = {
        blacklist_id for blacklist_id, _ in await exclusion_pairs(actor, campaign_id)
    }
    async with sarbacane_call(actor):
        lists = await found.sarbacane().list_blacklists()
    if not chosen and needs_unsubscribe_list(campaign.kind):
        chosen = {DEFAULT_UNSUBSCRIBE_LIST}
    lists.sort(key=lambda b: (b.id != DEFAULT_UNSUBSCRIBE_LIST, b.name.lower()))
    return [
        ExclusionChoice(
            id=b.id,
            name=b.name,
            chosen=b.id in chosen,
            recommended=b.id == DEFAULT_UNSUBSCRIBE_LIST,
        )
        for b in lists
    ]


async def assign_exclusions(
    actor: Actor, campaign_id: int, chosen: list[tuple[str, str]]
) -> None:
    """Save the exclusion lists in Sarbacane, then locally."""
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.EXCLUSIONS)
    async with sarbacane_call(actor):
        await found.sarbacane().assign_blacklists(
            found.campaign.sarbacane_id, [blacklist_id for blacklist_id, _ in chosen]
        )

    def save() -> None:
        with transaction() as session:
            row = campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)
            exclusion_queries.replace_exclusions(session, row, chosen)
            campaign_queries.save_touched_campaign(session, row)
            replacement_queries.mark_sarbacane_seen(session, campaign_id)
            audit.record_in(
                session,
                actor,
                AuditAction.EXCLUSIONS,
                campaign=row,
                detail=", ".join(name for _, name in chosen) or "aucune",
            )

    await in_thread(save)


async def exclusion_pairs(actor: Actor, campaign_id: int) -> list[tuple[str, str]]:
    """The campaign's exclusion lists as stored: (Sarbacane id, name) pairs."""

    def read() -> list[tuple[str, str]]:
        with transaction() as session:
            exclusions = exclusion_queries.campaign_exclusions(
                session, actor.tenant_id, campaign_id
            )
            return [(e.blacklist_id, e.blacklist_name) for e in exclusions]

    return await in_thread(read)


async def with_stop_list(
    client: SarbacaneClient, kind: str, exclusions: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The exclusion lists a new campaign of ``kind`` is made with: these,
    plus the account's unsubscribe (STOP) list for an SMS Marketing (its name
    read from Sarbacane, as the exclusions dialog shows it). Raises
    ``SarbacaneError``: call it inside the creation's Sarbacane block."""
    if not lacks_unsubscribe_list(kind, [i for i, _ in exclusions]):
        return list(exclusions)
    available = {b.id: b.name for b in await client.list_blacklists()}
    return with_unsubscribe_list(kind, exclusions, available)


async def assign_unsubscribe_list(actor: Actor, campaign_id: int) -> bool:
    """Give an SMS Marketing the centre's unsubscribe (STOP) list if it lacks
    it, in Sarbacane then locally, audited as the exclusions dialog saves it.

    For every way a marketing campaign comes to be (modified, adopted from
    Sarbacane…). Returns whether the list was added (False: not marketing,
    already there, or the account has no such list).
    """
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.EXCLUSIONS)
    current = await exclusion_pairs(actor, campaign_id)
    async with sarbacane_call(actor):
        wanted = await with_stop_list(found.sarbacane(), found.campaign.kind, current)
    if wanted == current:
        return False
    await assign_exclusions(actor, campaign_id, wanted)
    return True


async def current_exclusions(actor: Actor, campaign_id: int) -> list[str]:
    """The names of the campaign's exclusion lists, as stored."""
    return [name for _, name in await exclusion_pairs(actor, campaign_id)]


@dataclass(frozen=True)
class ListOption:
    id: int
    name: str
    contact_count: int
    contact_count_label: str


async def list_options(actor: Actor) -> list[ListOption]:
    def read() -> list[ListOption]:
        with transaction() as session:
            return [
                ListOption(
                    item.id or 0,
                    item.name,
                    item.contact_count,
                    number_fr(item.contact_count),
                )
                for item in contact_queries.contact_list_options(
                    session, actor.tenant_id
                )
            ]

    return await in_thread(read)
