"""« Modifier la campagne »: replace the Sarbacane campaign behind a campaign.

Sarbacane's API cannot update a campaign, so a change of name, kind, sender
or text creates a new Sarbacane campaign (with its creation marker), gives it
the same exclusion lists (and the STOP list for an SMS Marketing), links the
Hub3E campaign to it, deletes the previous one, then pushes the same
recipients to it (the resumable push). The Hub3E campaign keeps its id,
recipients, history and place in the list.

Each step is persisted first (``Campaign.replacement``, see
``domain.modification``), so an error, a lost answer or a crash between two
steps is cleaned by the next attempt or by :func:`resume_replacements`: before
the link moves, the new Sarbacane campaign is deleted and the previous
version kept; after, the previous one is deleted. The work holds a lease per
campaign, so a cleanup never races a replacement still running.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sms_hub.domain import sms_text
from sms_hub.domain.audit import AuditAction
from sms_hub.domain.campaign import (
    NewCampaign,
    final_text,
    sarbacane_name,
    validate_new_campaign,
)
from sms_hub.domain.lifecycle import (
    EDITABLE_STATUSES,
    INITIAL_STATUS,
    RULES,
    Action,
    Status,
    sarbacane_state,
)
from sms_hub.domain.modification import (
    ALREADY_RUNNING,
    EDITED_IN_SARBACANE,
    KEPT_PREVIOUS,
    NO_CHANGE,
    SAVED,
    SAVED_PUSH_PENDING,
    Phase,
    Replacement,
    changed_fields,
    changes_detail,
    edited_since_seen,
    partial_send_detail,
    typed_text,
)
from sms_hub.domain.statistics import CampaignStats, outcome_of, summarize
from sms_hub.sarbacane import MAX_BATCH, SarbacaneClient, SarbacaneError
from sms_hub.services import audit
from sms_hub.services.accounts import client_for_campaign
from sms_hub.services.audience import exclusion_pairs, push_pending, with_stop_list
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import GatewayError, InvalidInput, NotAllowed
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import campaign_in_centre
from sms_hub.services.lease_holders import holder_is_gone, new_holder
from sms_hub.store import (
    campaign_queries,
    centre_queries,
    exclusion_queries,
    lease_queries,
    replacement_queries,
)
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign, Tenant

log = logging.getLogger(__name__)

#: A replacement before its link moves is a few Sarbacane calls; its lease
#: outlives them. A holder whose process died frees it at once.
MODIFY_LEASE_TTL = timedelta(minutes=5)
_EDITABLE = [status.value for status in EDITABLE_STATUSES]


@dataclass(frozen=True)
class ModifyOutcome:
    """What a modification did: the fields changed and the French message."""

    changed: tuple[str, ...]
    message: str


def _lease_name(campaign_id: int) -> str:
    return f"modify:{campaign_id}"


def _take_lease(campaign_id: int, holder: str) -> bool:
    with transaction() as session:
        return lease_queries.try_acquire_lease(
            session,
            _lease_name(campaign_id),
            holder,
            datetime.now(UTC),
            MODIFY_LEASE_TTL,
            holder_is_gone,
        )


def _release_lease(campaign_id: int, holder: str) -> None:
    with transaction() as session:
        lease_queries.release_lease(session, _lease_name(campaign_id), holder)


def _load(tenant_id: int, campaign_id: int) -> tuple[Campaign, Tenant] | None:
    with transaction() as session:
        campaign = campaign_queries.campaign_by_id(session, tenant_id, campaign_id)
        tenant = centre_queries.tenant(session, tenant_id)
        if campaign is None or tenant is None:
            return None
        return campaign, tenant


def _save_phase(
    campaign: Campaign, expected: str | None, value: str | None, **where: object
) -> bool:
    with transaction() as session:
        return replacement_queries.set_replacement(
            session, campaign.tenant_id, campaign.id or 0, expected, value, **where
        )


async def modify_campaign(
    actor: Actor, campaign_id: int, wanted: NewCampaign
) -> ModifyOutcome:
    """Apply the form's values to the campaign (see the module doc).

    Unchanged values change nothing. Raises :class:`InvalidInput` with the
    creation's French messages, :class:`NotAllowed` outside *Brouillon* and
    *Envoi annulé*, :class:`GatewayError` saying which version is kept.
    """
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.MODIFY)
    campaign, centre = found.campaign, found.tenant
    content = final_text(wanted.content, wanted.kind, centre.opt_out_mention)
    errors = validate_new_campaign(wanted, sms_text.measure(content).parts)
    if errors:
        raise InvalidInput(errors)
    values = {
        "name": wanted.name,
        "kind": wanted.kind.value,
        "sender": wanted.sender,
        "content": content,
    }
    changed = changed_fields(
        {f: getattr(campaign, f) for f in values},
        values,
    )
    if not changed:
        return ModifyOutcome((), NO_CHANGE)
    client = found.sarbacane()
    holder = new_holder()
    if not await in_thread(_take_lease, campaign_id, holder):
        raise GatewayError(ALREADY_RUNNING)
    try:
        if campaign.replacement is not None and not await _resume(
            client, campaign, holder
        ):
            raise GatewayError(ALREADY_RUNNING)
        return await _replace(actor, campaign_id, client, values, changed, holder)
    finally:
        await in_thread(_release_lease, campaign_id, holder)


async def remake_campaign(actor: Actor, campaign_id: int, detail: str) -> ModifyOutcome:
    """Replace the Sarbacane campaign with unchanged fields and push the
    campaign's recipients as they are now (after recipients were removed
    locally: Sarbacane cannot remove one). The same steps as a modification,
    recorded with ``detail``."""
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.MODIFY)
    campaign = found.campaign
    values = {f: getattr(campaign, f) for f in ("name", "kind", "sender", "content")}
    client = found.sarbacane()
    holder = new_holder()
    if not await in_thread(_take_lease, campaign_id, holder):
        raise GatewayError(ALREADY_RUNNING)
    try:
        if campaign.replacement is not None and not await _resume(
            client, campaign, holder
        ):
            raise GatewayError(ALREADY_RUNNING)
        return await _replace(
            actor, campaign_id, client, values, (), holder, detail=detail
        )
    finally:
        await in_thread(_release_lease, campaign_id, holder)


async def _replace(
    actor: Actor,
    campaign_id: int,
    client: SarbacaneClient,
    values: dict[str, str],
    changed: tuple[str, ...],
    holder: str,
    *,
    detail: str | None = None,
) -> ModifyOutcome:
    loaded = await in_thread(_load, actor.tenant_id, campaign_id)
    if loaded is None:
        raise NotAllowed(KEPT_PREVIOUS)
    campaign = loaded[0]
    failed_as = {"campaign_id": campaign_id, "name": campaign.name}
    detail = detail or changes_detail(changed)
    if campaign.status == Status.CANCELLED:
        # The previous send's report goes with its Sarbacane campaign: the
        # history keeps its figures (read first: no report, no replacement).
        try:
            async with sarbacane_call(actor, AuditAction.MODIFY, **failed_as):
                stats = await _partial_send(client, campaign)
        except GatewayError as error:
            raise GatewayError(f"{KEPT_PREVIOUS} {error.user_message}") from error
        detail = f"{detail}. {partial_send_detail(stats)}"
    marker = f"H3E-{uuid.uuid4().hex[:12]}"
    step = Replacement(
        Phase.CREATE, marker, campaign.sarbacane_id, holder=holder, **values
    )
    if not await in_thread(
        _save_phase,
        campaign,
        None,
        step.dumps(),
        statuses=_EDITABLE,
        sarbacane_id=campaign.sarbacane_id,
    ):
        raise NotAllowed(RULES[Action.MODIFY].refused)

    try:
        async with sarbacane_call(actor, AuditAction.MODIFY, **failed_as):
            ref = await client.create_sms_campaign(
                name=sarbacane_name(step.name, marker),
                kind=step.kind,
                sms_from=step.sender,
                content=step.content,
                marker=marker,
            )
    except GatewayError as error:
        # The creation may have landed unseen: whatever carries the marker goes.
        await _resume(client, campaign, holder, step)
        raise GatewayError(f"{KEPT_PREVIOUS} {error.user_message}") from error

    created = replace(step, phase=Phase.PREPARE, new_id=ref.id)
    await in_thread(_save_phase, campaign, step.dumps(), created.dumps())
    try:
        async with sarbacane_call(actor, AuditAction.MODIFY, **failed_as):
            exclusions = await with_stop_list(
                client, step.kind, await exclusion_pairs(actor, campaign_id)
            )
            if exclusions:
                await client.assign_blacklists(ref.id, [i for i, _ in exclusions])
        swapped = await in_thread(_swap, actor, campaign, created, exclusions, detail)
    except GatewayError as error:
        await _resume(client, campaign, holder, created)
        raise GatewayError(f"{KEPT_PREVIOUS} {error.user_message}") from error
    if swapped is None:
        # A launch or a delete moved the campaign first: the new one goes.
        await _resume(client, campaign, holder, created)
        raise NotAllowed(KEPT_PREVIOUS)

    await _resume(client, swapped, holder)  # deletes the previous version
    try:
        await push_pending(actor, campaign_id)
    except GatewayError:
        log.warning("campaign %s modified; recipients left to push", campaign_id)
        return ModifyOutcome(changed, SAVED_PUSH_PENDING)
    return ModifyOutcome(changed, SAVED)


async def _partial_send(client: SarbacaneClient, campaign: Campaign) -> CampaignStats:
    """The figures of the campaign's cancelled send, from Sarbacane's report."""
    outcomes = []
    offset = 0
    while True:
        page = await client.report_recipients(
            campaign.sarbacane_id, offset=offset, limit=MAX_BATCH
        )
        outcomes += [
            outcome_of(success=r.success, bounce=r.bounce, unsubscribe=r.unsubscribe)
            for r in page
            if r.phone
        ]
        if len(page) < MAX_BATCH:
            break
        offset += MAX_BATCH
    parts = sms_text.measure(campaign.content).parts
    return summarize(campaign.recipient_count, outcomes, parts)


def _swap(
    actor: Actor,
    campaign: Campaign,
    created: Replacement,
    exclusions: list[tuple[str, str]],
    detail: str,
) -> Campaign | None:
    """Link the campaign to the new Sarbacane campaign, with its audit event;
    None if the campaign moved meanwhile (launched, deleted)."""
    done = replace(created, phase=Phase.DELETE_OLD)
    with transaction() as session:
        if not replacement_queries.swap_sarbacane_campaign(
            session,
            actor.tenant_id,
            campaign.id or 0,
            old_id=created.old_id,
            expected=created.dumps(),
            statuses=_EDITABLE,
            sarbacane_id=created.new_id,
            name=created.name,
            kind=created.kind,
            sender=created.sender,
            content=created.content,
            remote_state=sarbacane_state(INITIAL_STATUS),
            replacement=done.dumps(),
            sarbacane_seen_at=datetime.now(UTC),
        ):
            return None
        row = campaign_queries.campaign_by_id(
            session, actor.tenant_id, campaign.id or 0
        )
        exclusion_queries.replace_exclusions(session, row, exclusions)
        audit.record_in(
            session,
            actor,
            AuditAction.MODIFY,
            campaign=row,
            detail=detail,
        )
        return row


async def _resume(
    client: SarbacaneClient,
    campaign: Campaign,
    holder: str,
    known: Replacement | None = None,
) -> bool:
    """Bring an interrupted replacement to a stable end; True when the
    campaign is then linked to exactly one Sarbacane campaign, none orphaned.

    Before the link moved, the new Sarbacane campaign (found by its marker
    when its id is unknown) is deleted; after, the previous one is. A
    Sarbacane failure leaves the step stored, for the next attempt.
    """
    loaded = await in_thread(_load, campaign.tenant_id, campaign.id or 0)
    if loaded is None:
        # Deleted meanwhile (with its previous Sarbacane campaign): what this
        # replacement made there goes too.
        if known is None or known.phase is Phase.DELETE_OLD:
            return True
        stored, step = None, known
    elif loaded[0].replacement is None:
        return True
    else:
        stored = loaded[0].replacement
        step = Replacement.loads(stored)
    try:
        if step.phase is Phase.CREATE:
            target = sarbacane_name(step.name, step.marker)
            for summary in await client.list_campaigns(search=step.marker, limit=1000):
                if summary.name == target:
                    await client.delete_campaign(summary.id)
        elif step.phase is Phase.PREPARE:
            await client.delete_campaign(step.new_id)
        else:
            await client.delete_campaign(step.old_id)
    except SarbacaneError:
        log.exception("campaign %s: replacement left at %s", campaign.id, step.phase)
        return False
    if loaded is None:
        return True
    return await in_thread(_save_phase, loaded[0], stored, None)


async def resume_replacements() -> int:
    """Finish or undo every replacement interrupted (a crash, an error), for
    the status poller; returns how many were brought to a stable end."""
    done = 0
    for campaign, tenant in await in_thread(_interrupted):
        holder = new_holder()
        if not await in_thread(_take_lease, campaign.id or 0, holder):
            continue  # still running in another request
        try:
            client = client_for_campaign(tenant, campaign.sarbacane_account_id)
            done += await _resume(client, campaign, holder)
        except Exception:
            log.exception("campaign %s: replacement not resumed", campaign.id)
        finally:
            await in_thread(_release_lease, campaign.id or 0, holder)
    return done


def _interrupted() -> list[tuple[Campaign, Tenant]]:
    with transaction() as session:
        found = []
        for campaign in replacement_queries.campaigns_being_replaced(session):
            tenant = centre_queries.tenant(session, campaign.tenant_id)
            if tenant is not None:
                found.append((campaign, tenant))
        return found


@dataclass(frozen=True)
class ModificationForm:
    """What the modification form starts from: the campaign as stored, its
    text without the opt-out mention (the form adds it again)."""

    name: str
    kind: str
    sender: str
    text: str
    opt_out_mention: str
    #: The yellow warning when the campaign was edited in Sarbacane since
    #: Hub3E last wrote to or read it ("" otherwise).
    edited_warning: str = ""


async def modification_form(actor: Actor, campaign_id: int) -> ModificationForm:
    """The campaign's values for the form; refused outside *Brouillon* and
    *Envoi annulé* with the table's French reason."""
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.MODIFY)
    campaign, mention = found.campaign, found.tenant.opt_out_mention
    edited = await _edited_in_sarbacane(found.sarbacane(), campaign.sarbacane_id)
    seen = campaign.sarbacane_seen_at or campaign.created_at
    return ModificationForm(
        name=campaign.name,
        kind=campaign.kind,
        sender=campaign.sender,
        text=typed_text(campaign.content, campaign.kind, mention),
        opt_out_mention=mention,
        edited_warning=EDITED_IN_SARBACANE if edited_since_seen(edited, seen) else "",
    )


async def _edited_in_sarbacane(
    client: SarbacaneClient, sarbacane_id: str
) -> datetime | None:
    """The campaign's ``edited`` date in ``GET /campaigns`` (found by its
    name there); None when Sarbacane does not tell or cannot be read (the
    form then opens without the warning)."""
    try:
        remote = await client.get_campaign(sarbacane_id)
        for summary in await client.list_campaigns(search=remote.name, limit=1000):
            if summary.id == sarbacane_id:
                return summary.edited
    except SarbacaneError:
        log.warning("campaign %s: edited date not read", sarbacane_id)
    return None
