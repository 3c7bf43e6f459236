"""Use cases on campaigns: list a page, create, delete.

The only layer that talks to both the database and Sarbacane. Each use case
checks the rule in ``domain``, calls Sarbacane, then writes the database in
one transaction with its audit event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sms_hub.domain import sms_text
from sms_hub.domain.campaign import NewCampaign, validate_new_campaign
from sms_hub.domain.statuses import Action, Status, refusal
from sms_hub.sarbacane import SarbacaneError
from sms_hub.services.context import Actor, in_thread, sarbacane
from sms_hub.services.errors import GatewayError, InvalidInput, NotAllowed, NotFound
from sms_hub.services.views import CampaignRow, campaign_row
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import Campaign
from sms_hub.store.queries import CampaignPageQuery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CampaignPage:
    rows: list[CampaignRow]
    total: int


def _opt_out_mention(actor: Actor) -> str:
    with session_scope(get_settings().database_url) as session:
        tenant = queries.tenant_by_id(session, actor.tenant_id)
        return tenant.opt_out_mention if tenant else get_settings().opt_out_mention


async def opt_out_mention(actor: Actor) -> str:
    """The tenant's "STOP au 36xxx" mention, appended to SMS Marketing."""
    return await in_thread(_opt_out_mention, actor)


def _page(actor: Actor, query: CampaignPageQuery) -> CampaignPage:
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        rows, total = queries.campaign_page(session, actor.tenant_id, query)
        return CampaignPage([campaign_row(c, settings) for c in rows], total)


async def campaign_page(actor: Actor, query: CampaignPageQuery) -> CampaignPage:
    return await in_thread(_page, actor, query)


def final_text(campaign: NewCampaign, mention: str) -> str:
    """The SMS as recipients get it: the mention follows SMS Marketing texts."""
    return sms_text.compose(
        campaign.content, mention if campaign.kind.has_opt_out else None
    )


async def create_campaign(actor: Actor, campaign: NewCampaign) -> CampaignRow:
    """Create the campaign in Sarbacane, then its local row, *Brouillon*.

    A Sarbacane failure leaves no local row. A local failure after Sarbacane
    created the campaign deletes it there again, so the two never diverge.
    """
    mention = await opt_out_mention(actor)
    content = final_text(campaign, mention)
    errors = validate_new_campaign(campaign, sms_text.measure(content).parts)
    if errors:
        raise InvalidInput(errors)
    client = sarbacane()
    try:
        ref = await client.create_sms_campaign(
            name=campaign.name,
            kind=campaign.kind.value,
            sms_from=campaign.sender,
            content=content,
        )
    except SarbacaneError as error:
        await in_thread(_audit_failure, actor, "create", campaign.name, error)
        raise GatewayError(error.user_message) from error
    try:
        return await in_thread(_insert_campaign, actor, campaign, content, ref.id)
    except Exception:
        log.exception("local insert failed; deleting Sarbacane campaign %s", ref.id)
        try:
            await client.delete_campaign(ref.id)
        except SarbacaneError:
            log.exception("could not delete orphan Sarbacane campaign %s", ref.id)
        raise


def _insert_campaign(
    actor: Actor, campaign: NewCampaign, content: str, sarbacane_id: str
) -> CampaignRow:
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        row = Campaign(
            tenant_id=actor.tenant_id,
            sarbacane_id=sarbacane_id,
            name=campaign.name,
            kind=campaign.kind.value,
            sender=campaign.sender,
            content=content,
            status=Status.DRAFT.value,
            remote_state="DRAFT",
            created_by=actor.user,
        )
        session.add(row)
        session.flush()
        queries.record_audit(
            session,
            tenant_id=actor.tenant_id,
            actor=actor.user,
            action="create",
            outcome="ok",
            campaign=row,
        )
        return campaign_row(row, settings)


def _audit_failure(actor: Actor, action: str, name: str, error: Exception) -> None:
    with session_scope(get_settings().database_url) as session:
        queries.record_audit(
            session,
            tenant_id=actor.tenant_id,
            actor=actor.user,
            action=action,
            outcome="failed",
            campaign_name=name,
            detail=str(getattr(error, "user_message", error)),
        )


def _load(actor: Actor, campaign_id: int) -> Campaign:
    with session_scope(get_settings().database_url) as session:
        campaign = queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        if campaign is None:
            raise NotFound()
        return campaign


async def delete_campaign(actor: Actor, campaign_id: int) -> str:
    """Delete a campaign in Sarbacane and locally; returns its name.

    Refused while Sarbacane is sending it (the seed: cancel first).
    """
    campaign = await in_thread(_load, actor, campaign_id)
    reason = refusal(Action.DELETE, Status(campaign.status), campaign.recipient_count)
    if reason:
        raise NotAllowed(reason)
    try:
        await sarbacane().delete_campaign(campaign.sarbacane_id)
    except SarbacaneError as error:
        await in_thread(_audit_failure, actor, "delete", campaign.name, error)
        raise GatewayError(error.user_message) from error
    await in_thread(_delete_rows, actor, campaign_id)
    return campaign.name


def _delete_rows(actor: Actor, campaign_id: int) -> None:
    with session_scope(get_settings().database_url) as session:
        campaign = queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        if campaign is None:
            return
        queries.record_audit(
            session,
            tenant_id=actor.tenant_id,
            actor=actor.user,
            action="delete",
            outcome="ok",
            campaign=campaign,
        )
        queries.delete_campaign_rows(session, actor.tenant_id, campaign_id)
