"""Use cases on campaigns: list a page, create, delete.

The only layer that talks to both the database and Sarbacane. Each use case
checks the rule in ``domain``, calls Sarbacane, then writes the database in
one transaction with its audit event.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from sms_hub.domain import lifecycle, sms_text
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.campaign import (
    NewCampaign,
    final_text,
    sarbacane_name,
    validate_new_campaign,
)
from sms_hub.domain.lifecycle import (
    INITIAL_STATUS,
    RULES,
    Action,
    Status,
    sarbacane_state,
)
from sms_hub.domain.paging import CampaignPageQuery
from sms_hub.sarbacane import SarbacaneClient, SarbacaneError
from sms_hub.services import audit
from sms_hub.services.accounts import client_for
from sms_hub.services.audience import with_stop_list
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import (
    GatewayError,
    InvalidInput,
    NotAllowed,
    ServiceError,
)
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import campaign_in_centre, centre_of, claim_campaign
from sms_hub.services.views import CampaignRow, campaign_row
from sms_hub.settings import get_settings
from sms_hub.store import campaign_queries, exclusion_queries
from sms_hub.store.db import transaction

__all__ = [
    "CampaignPage",
    "campaign_page",
    "create_campaign",
    "delete_campaign",
    "final_text",
    "opt_out_mention",
]

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class CampaignPage:
    rows: list[CampaignRow]
    total: int


async def opt_out_mention(actor: Actor) -> str:
    """The tenant's "STOP au 36xxx" mention, appended to SMS Marketing."""
    return (await in_thread(centre_of, actor)).opt_out_mention


@dataclass(frozen=True)
class CreationDefaults:
    """What the creation form starts from: the centre's own settings."""

    sender: str
    opt_out_mention: str


async def creation_defaults(actor: Actor) -> CreationDefaults:
    centre = await in_thread(centre_of, actor)
    return CreationDefaults(centre.default_sender, centre.opt_out_mention)


def _page(actor: Actor, query: CampaignPageQuery) -> CampaignPage:
    settings = get_settings()
    with transaction() as session:
        rows, total = campaign_queries.campaign_page(session, actor.tenant_id, query)
        return CampaignPage([campaign_row(c, settings) for c in rows], total)


async def campaign_page(actor: Actor, query: CampaignPageQuery) -> CampaignPage:
    return await in_thread(_page, actor, query)


async def create_campaign(actor: Actor, campaign: NewCampaign) -> CampaignRow:
    """Create the campaign in Sarbacane, then its local row, *Brouillon*.

    A Sarbacane failure leaves no local row. A local failure after Sarbacane
    created the campaign deletes it there again, so the two never diverge.
    """
    centre = await in_thread(centre_of, actor)
    content = final_text(campaign.content, campaign.kind, centre.opt_out_mention)
    errors = validate_new_campaign(campaign, sms_text.measure(content).parts)
    if errors:
        raise InvalidInput(errors)
    client = client_for(centre)
    exclusions: list[tuple[str, str]] = []

    async def assign_stop_list(sarbacane_id: str) -> None:
        # An SMS Marketing is made with the unsubscribe (STOP) list.
        exclusions[:] = await with_stop_list(client, campaign.kind.value, [])
        if exclusions:
            await client.assign_blacklists(sarbacane_id, [i for i, _ in exclusions])

    def insert(account_id: str, sarbacane_id: str) -> CampaignRow:
        return _insert_campaign(
            actor, campaign, content, exclusions, account_id, sarbacane_id
        )

    return await created_in_sarbacane_then_locally(
        actor,
        client,
        RemoteDraft(campaign.name, campaign.kind.value, campaign.sender, content),
        insert,
        prepare=assign_stop_list,
    )


@dataclass(frozen=True)
class RemoteDraft:
    """What Sarbacane is told of a new campaign (``content`` as sent)."""

    name: str
    kind: str
    sender: str
    content: str


async def created_in_sarbacane_then_locally(
    actor: Actor,
    client: SarbacaneClient,
    draft: RemoteDraft,
    insert: Callable[[str, str], T],
    *,
    prepare: Callable[[str], Awaitable[None]] | None = None,
    audit_as: AuditAction = AuditAction.CREATE,
    audit_campaign_id: int | None = None,
) -> T:
    """Create a draft in Sarbacane, ``prepare(sarbacane_id)`` it there, then
    ``insert(account_id, sarbacane_id)`` its local rows (in a thread).

    A Sarbacane failure leaves no local row (audited as failed, for
    ``audit_campaign_id`` when given). A failure after Sarbacane created the
    campaign deletes it there again, so the two never diverge.
    """
    marker = f"H3E-{uuid.uuid4().hex[:12]}"

    def gateway() -> AbstractAsyncContextManager[None]:
        return sarbacane_call(
            actor, audit_as, campaign_id=audit_campaign_id, name=draft.name
        )

    async with gateway():
        ref = await client.create_sms_campaign(
            name=sarbacane_name(draft.name, marker),
            kind=draft.kind,
            sms_from=draft.sender,
            content=draft.content,
            marker=marker,
        )
    try:
        if prepare is not None:
            async with gateway():
                await prepare(ref.id)
        return await in_thread(insert, client.account_id, ref.id)
    except (AlreadyLinked, IntegrityError) as error:
        log.error("Sarbacane campaign %s is already linked; not linked again", ref.id)
        await in_thread(_audit_refused_link, actor, draft.name, audit_as)
        raise GatewayError(ALREADY_LINKED) from error
    except Exception:
        log.exception("local insert failed; deleting Sarbacane campaign %s", ref.id)
        try:
            await client.delete_campaign(ref.id)
        except SarbacaneError:
            log.exception("could not delete orphan Sarbacane campaign %s", ref.id)
        raise


class AlreadyLinked(Exception):
    """The Sarbacane id answered is already some local campaign's."""


ALREADY_LINKED = (
    "Sarbacane n'a pas confirmé la création de la campagne : réessayez dans "
    "quelques instants."
)


def _audit_refused_link(
    actor: Actor, name: str, action: AuditAction = AuditAction.CREATE
) -> None:
    audit.record(
        actor,
        action,
        AuditOutcome.FAILED,
        campaign_name=name,
        detail="Campagne Sarbacane déjà liée à une autre campagne : non liée.",
    )


def _insert_campaign(
    actor: Actor,
    campaign: NewCampaign,
    content: str,
    exclusions: list[tuple[str, str]],
    account_id: str,
    sarbacane_id: str,
) -> CampaignRow:
    settings = get_settings()
    with transaction() as session:
        if campaign_queries.campaign_linked_to(session, account_id, sarbacane_id):
            raise AlreadyLinked()
        row = campaign_queries.insert_campaign(
            session,
            tenant_id=actor.tenant_id,
            sarbacane_account_id=account_id,
            sarbacane_id=sarbacane_id,
            name=campaign.name,
            kind=campaign.kind.value,
            sender=campaign.sender,
            content=content,
            status=INITIAL_STATUS.value,
            remote_state=sarbacane_state(INITIAL_STATUS),
            created_by=actor.user,
        )
        exclusion_queries.replace_exclusions(session, row, exclusions)
        detail = (
            "Listes d'exclusion : " + ", ".join(name for _, name in exclusions)
            if exclusions
            else None
        )
        audit.record_in(session, actor, AuditAction.CREATE, campaign=row, detail=detail)
        return campaign_row(row, settings)


async def delete_campaign(actor: Actor, campaign_id: int) -> str:
    """Delete a campaign in Sarbacane and locally; returns its name.

    Refused while Sarbacane is sending it (it must be cancelled first). The
    campaign is first claimed *Suppression en cours* (a compare-and-set), so
    a launch at the same moment is refused; a failed delete puts the
    previous status back.
    """
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.DELETE)
    campaign = found.campaign
    # An unusable account is refused here, before any status is claimed.
    client = found.sarbacane()
    claim = lifecycle.claim(Action.DELETE)
    if not await in_thread(claim_campaign, actor, campaign_id, claim):
        # Another request moved it first (a launch): refused with its reason.
        await in_thread(campaign_in_centre, actor, campaign_id, Action.DELETE)
        raise NotAllowed(RULES[Action.DELETE].refused)
    undo_claim = claim.undo(found.status)

    async def undo(error: SarbacaneError) -> None:
        await in_thread(claim_campaign, actor, campaign_id, undo_claim)

    try:
        async with sarbacane_call(
            actor, AuditAction.DELETE, name=campaign.name, undo=undo
        ):
            await client.delete_campaign(campaign.sarbacane_id)
    except ServiceError as error:
        if not isinstance(error, GatewayError):
            await in_thread(claim_campaign, actor, campaign_id, undo_claim)
        raise
    await in_thread(_delete_rows, actor, campaign_id, claim.to_status)
    return campaign.name


def _delete_rows(actor: Actor, campaign_id: int, claimed: Status) -> None:
    with transaction() as session:
        campaign = campaign_queries.campaign_by_id(
            session, actor.tenant_id, campaign_id
        )
        if campaign is None:
            return
        if not campaign_queries.delete_campaign_rows(
            session, actor.tenant_id, campaign_id, [claimed.value]
        ):
            log.warning("campaign %s changed status while being deleted", campaign_id)
            return
        audit.record_in(session, actor, AuditAction.DELETE, campaign=campaign)
