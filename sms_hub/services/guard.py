"""The one door to a campaign or a contact list: this one, for this centre.

Every use case on a campaign loads it here: a campaign of another training
centre is absent (:class:`NotFound`), and one whose status forbids the
action is refused with the lifecycle table's French reason
(:class:`NotAllowed`). What a use case needs about the centre (the
``Tenant`` row: sending window, opt-out mention, and later its own
Sarbacane account) comes from here too, in :class:`CampaignInCentre`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from sms_hub.domain.lifecycle import Action, Claim, Status, already_done, refusal
from sms_hub.sarbacane import SarbacaneClient
from sms_hub.services.accounts import client_for_campaign
from sms_hub.services.context import Actor
from sms_hub.services.errors import AlreadyDone, NotAllowed, NotFound
from sms_hub.store import campaign_queries, centre_queries, contact_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign, ContactList, Tenant

LIST_GONE = "Cette liste de contacts n'existe plus."


@dataclass(frozen=True)
class CampaignInCentre:
    """A campaign, its training centre, and how to reach the centre's Sarbacane."""

    campaign: Campaign
    tenant: Tenant

    @property
    def status(self) -> Status:
        return Status(self.campaign.status)

    def sarbacane(self) -> SarbacaneClient:
        """The client of this centre's own Sarbacane account.

        Raises ``AccountNotConfigured`` (French) when the centre has none or
        its key cannot be read, ``NotAllowed`` (French) when the campaign was
        made in another account than the centre's current one (it is never
        reached through this one). A use case that claims a status builds the
        client first, so an unusable account changes nothing.
        """
        return client_for_campaign(self.tenant, self.campaign.sarbacane_account_id)


def check(campaign: Campaign, action: Action) -> None:
    """Raise :class:`NotAllowed` with the table's reason if ``action`` is refused.

    :class:`AlreadyDone` (a NotAllowed) when a repeat of the action finds the
    campaign already where it leads.
    """
    status = Status(campaign.status)
    reason = refusal(action, status, campaign.recipient_count)
    if reason is None:
        return
    if already_done(action, status):
        raise AlreadyDone(reason)
    raise NotAllowed(reason)


def load_campaign(
    session: Session, actor: Actor, campaign_id: int, action: Action | None = None
) -> Campaign:
    """The actor's campaign in an open transaction, checked for ``action``."""
    campaign = campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)
    if campaign is None:
        raise NotFound()
    if action is not None:
        check(campaign, action)
    return campaign


def campaign_in_centre(
    actor: Actor, campaign_id: int, action: Action | None = None
) -> CampaignInCentre:
    """The actor's campaign and training centre, checked for ``action``."""
    with transaction() as session:
        campaign = load_campaign(session, actor, campaign_id)
        tenant = centre_queries.tenant(session, actor.tenant_id)
        if tenant is None:
            raise NotFound()
        if action is not None:
            check(campaign, action)
        return CampaignInCentre(campaign, tenant)


def claim_campaign(
    actor: Actor, campaign_id: int, claim: Claim, **values: object
) -> bool:
    """Move the campaign's status as ``claim`` says (a compare-and-set);
    False if another request moved it first (blocking: run in a thread)."""
    with transaction() as session:
        return campaign_queries.claim_status(
            session,
            actor.tenant_id,
            campaign_id,
            [s.value for s in claim.from_statuses],
            claim.to_status.value,
            **values,
        )


def centre_of(actor: Actor) -> Tenant:
    """The actor's training centre (blocking: run in a thread)."""
    with transaction() as session:
        tenant = centre_queries.tenant(session, actor.tenant_id)
        if tenant is None:
            raise NotFound("Ce centre n'existe plus.")
        return tenant


def campaign_for(
    actor: Actor, campaign_id: int, action: Action | None = None
) -> Campaign:
    """The actor's campaign, checked for ``action`` (blocking: run in a thread)."""
    with transaction() as session:
        return load_campaign(session, actor, campaign_id, action)


def load_contact_list(session: Session, actor: Actor, list_id: int) -> ContactList:
    """The actor's contact list in an open transaction."""
    contact_list = contact_queries.contact_list_by_id(session, actor.tenant_id, list_id)
    if contact_list is None:
        raise NotFound(LIST_GONE)
    return contact_list
