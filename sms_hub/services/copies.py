"""New drafts made from a campaign: « Dupliquer la campagne » and
« Renvoyer aux échecs ».

A copy is a creation like any other (``campaigns.created_in_sarbacane_then_locally``):
the draft and its exclusion lists are made in Sarbacane first, then the
local campaign, its exclusions, its copied recipients (not yet pushed) and
the audit events in one transaction. The recipients are then pushed with
the import's machinery (``audience.push_pending``: batches, read-back, a
lease), so none is pushed twice, and a push stopped by a fault resumes at
the next import or launch.
"""

from __future__ import annotations

from dataclasses import dataclass

from sms_hub.domain.audit import AuditAction
from sms_hub.domain.campaign import COPY_SUFFIX, RESEND_SUFFIX, copy_name
from sms_hub.domain.formatting import count_fr
from sms_hub.domain.lifecycle import (
    INITIAL_STATUS,
    NO_FAILURE,
    Action,
    sarbacane_state,
)
from sms_hub.domain.statistics import NEVER_RESENT_OUTCOMES, RESENT_OUTCOMES
from sms_hub.domain.unsubscribes import leaves_out_unsubscribed
from sms_hub.services import audit
from sms_hub.services.audience import Progress, push_pending, with_stop_list
from sms_hub.services.campaigns import (
    AlreadyLinked,
    RemoteDraft,
    created_in_sarbacane_then_locally,
)
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import GatewayError, NotAllowed
from sms_hub.services.guard import CampaignInCentre, campaign_in_centre
from sms_hub.services.statistics import ensure_outcomes
from sms_hub.services.views import CampaignRow, campaign_row
from sms_hub.settings import get_settings
from sms_hub.store import (
    campaign_queries,
    copy_queries,
    exclusion_queries,
    recipient_queries,
)
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign

_NEVER = sorted(o.value for o in NEVER_RESENT_OUTCOMES)
_RESENT = sorted(o.value for o in RESENT_OUTCOMES)


@dataclass(frozen=True)
class CopyPreview:
    """What a copy dialog shows before creating."""

    name: str
    recipients: int
    exclusions: list[str]


@dataclass(frozen=True)
class CopyResult:
    """The new draft, its recipients, and how many Sarbacane acknowledged.

    ``push_error``: why the push stopped (the draft exists; the rest of its
    recipients are pushed at the next import or launch).
    """

    row: CampaignRow
    recipients: int
    pushed: int
    push_error: str = ""


@dataclass(frozen=True)
class _Copy:
    name: str
    only: list[str] | None  # outcomes copied; None: every recipient; []: none
    audit_as: AuditAction
    new_detail: str
    source_detail: str


def _exclusions_of(actor: Actor, campaign_id: int) -> list[tuple[str, str]]:
    with transaction() as session:
        return [
            (e.blacklist_id, e.blacklist_name)
            for e in exclusion_queries.campaign_exclusions(
                session, actor.tenant_id, campaign_id
            )
        ]


def _count(actor: Actor, campaign_id: int, only: list[str] | None, kind: str) -> int:
    with transaction() as session:
        return copy_queries.count_copied_recipients(
            session,
            actor.tenant_id,
            campaign_id,
            only=only,
            never=_NEVER,
            unsubscribed=leaves_out_unsubscribed(kind),
        )


async def duplicate_preview(actor: Actor, campaign_id: int) -> CopyPreview:
    """The copy's name, the recipients it may take, the exclusion lists it keeps."""
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.DUPLICATE)
    exclusions = await in_thread(_exclusions_of, actor, campaign_id)
    recipients = await in_thread(_count, actor, campaign_id, None, found.campaign.kind)
    return CopyPreview(
        copy_name(found.campaign.name, COPY_SUFFIX),
        recipients,
        [name for _, name in exclusions],
    )


async def resend_preview(actor: Actor, campaign_id: int) -> CopyPreview:
    """The recipients whose SMS failed (never a STOP), counted before creating.

    The first time, the finished campaign's report is read from Sarbacane
    (as « Voir les statistiques » does) and kept.
    """
    found = await _resendable(actor, campaign_id)
    exclusions = await in_thread(_exclusions_of, actor, campaign_id)
    return CopyPreview(
        copy_name(found.campaign.name, RESEND_SUFFIX),
        await in_thread(_count, actor, campaign_id, _RESENT, found.campaign.kind),
        [name for _, name in exclusions],
    )


async def _resendable(actor: Actor, campaign_id: int) -> CampaignInCentre:
    found = await in_thread(
        campaign_in_centre, actor, campaign_id, Action.RESEND_FAILED
    )
    await ensure_outcomes(actor, found)
    return found


async def duplicate_campaign(
    actor: Actor,
    campaign_id: int,
    *,
    with_recipients: bool,
    progress: Progress | None = None,
) -> CopyResult:
    """« Dupliquer la campagne »: a new *Brouillon* with the same type, sender,
    content and exclusion lists, and, if asked, the same recipients."""
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.DUPLICATE)
    source = found.campaign
    name = copy_name(source.name, COPY_SUFFIX)
    copy = _Copy(
        name=name,
        only=None if with_recipients else [],
        audit_as=AuditAction.DUPLICATE,
        new_detail=f"Copie de « {source.name} »",
        source_detail=f"Copie créée : « {name} »",
    )
    return await _make_copy(actor, found, copy, progress)


async def resend_to_failed(
    actor: Actor, campaign_id: int, progress: Progress | None = None
) -> CopyResult:
    """« Renvoyer aux échecs »: a new *Brouillon* like the finished campaign,
    addressed to its recipients whose SMS failed, never to a STOP."""
    found = await _resendable(actor, campaign_id)
    source = found.campaign
    if not await in_thread(_count, actor, campaign_id, _RESENT, source.kind):
        raise NotAllowed(NO_FAILURE)
    name = copy_name(source.name, RESEND_SUFFIX)
    copy = _Copy(
        name=name,
        only=_RESENT,
        audit_as=AuditAction.RESEND_FAILED,
        new_detail=f"Renvoi aux échecs de « {source.name} »",
        source_detail=f"Campagne de renvoi créée : « {name} »",
    )
    return await _make_copy(actor, found, copy, progress)


async def _make_copy(
    actor: Actor, found: CampaignInCentre, copy: _Copy, progress: Progress | None
) -> CopyResult:
    source = found.campaign
    source_id = source.id or 0
    kept = await in_thread(_exclusions_of, actor, source_id)
    client = found.sarbacane()
    exclusions: list[tuple[str, str]] = list(kept)

    async def assign_exclusions(sarbacane_id: str) -> None:
        # An SMS Marketing copy leaves with the unsubscribe (STOP) list, even
        # when it was taken off its original.
        exclusions[:] = await with_stop_list(client, source.kind, kept)
        if exclusions:
            await client.assign_blacklists(sarbacane_id, [i for i, _ in exclusions])

    def insert(account_id: str, sarbacane_id: str) -> tuple[CampaignRow, int]:
        return _insert_copy(actor, source, copy, exclusions, account_id, sarbacane_id)

    row, recipients = await created_in_sarbacane_then_locally(
        actor,
        client,
        RemoteDraft(copy.name, source.kind, source.sender, source.content),
        insert,
        prepare=assign_exclusions,
        audit_as=copy.audit_as,
        audit_campaign_id=source_id,
    )
    if not recipients:
        return CopyResult(row, 0, 0)
    try:
        _, pushed = await push_pending(actor, row.id, progress)
    except GatewayError as error:
        return CopyResult(row, recipients, 0, error.user_message)
    return CopyResult(row, recipients, pushed)


def _insert_copy(
    actor: Actor,
    source: Campaign,
    copy: _Copy,
    exclusions: list[tuple[str, str]],
    account_id: str,
    sarbacane_id: str,
) -> tuple[CampaignRow, int]:
    """The copy's rows and audit events, in one transaction."""
    settings = get_settings()
    with transaction() as session:
        if campaign_queries.campaign_linked_to(session, account_id, sarbacane_id):
            raise AlreadyLinked()
        row = campaign_queries.insert_campaign(
            session,
            tenant_id=actor.tenant_id,
            sarbacane_account_id=account_id,
            sarbacane_id=sarbacane_id,
            name=copy.name,
            kind=source.kind,
            sender=source.sender,
            content=source.content,
            status=INITIAL_STATUS.value,
            remote_state=sarbacane_state(INITIAL_STATUS),
            created_by=actor.user,
        )
        exclusion_queries.replace_exclusions(session, row, exclusions)
        added = 0
        if copy.only != []:
            added = copy_queries.copy_campaign_recipients(
                session,
                actor.tenant_id,
                source.id or 0,
                row.id or 0,
                only=copy.only,
                never=_NEVER,
                # An SMS Marketing never takes an unsubscribed contact (STOP).
                unsubscribed=leaves_out_unsubscribed(source.kind),
            )
            recipient_queries.refresh_recipient_count(session, row)
        count = count_fr(added, "destinataire", "destinataires")
        audit.record_in(
            session,
            actor,
            copy.audit_as,
            campaign=row,
            detail=f"{copy.new_detail}, {count}",
        )
        origin = campaign_queries.campaign_by_id(
            session, actor.tenant_id, source.id or 0
        )
        audit.record_in(
            session,
            actor,
            copy.audit_as,
            campaign=origin,
            campaign_name=source.name,
            detail=f"{copy.source_detail}, {count}",
        )
        return campaign_row(row, settings), added
