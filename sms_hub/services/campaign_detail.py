"""A campaign's own page (« /campagnes/<id> »): everything it shows, in one view.

The campaign is read through ``guard.campaign_in_centre``: another centre's
campaign, a deleted one, a missing or non-numeric id are all « Campagne
introuvable. », the same message, so a page never tells whether an id
exists elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sms_hub.domain.adoption import (
    ADOPTED_BADGE,
    FROM_SARBACANE,
    NO_TEMPLATE_WARNING,
    lacks_visible_text,
)
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.lifecycle import Status
from sms_hub.domain.sms_text import SmsPart, phone_parts
from sms_hub.services import history, statistics
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import NotFound, ServiceError
from sms_hub.services.guard import campaign_in_centre
from sms_hub.services.history import HistoryRow
from sms_hub.services.statistics import Figure
from sms_hub.services.views import ActionView, campaign_row
from sms_hub.settings import get_settings
from sms_hub.store import exclusion_queries
from sms_hub.store.db import transaction

#: What the page says of a campaign it may not show (any reason alike).
CAMPAIGN_MISSING = "Campagne introuvable."
#: How many of the latest « Historique » events the page shows.
LAST_EVENTS = 5
#: The preview of a campaign made in Sarbacane whose text Hub3E cannot see.
NO_TEXT = (
    "Le texte de cette campagne a été écrit dans Sarbacane : Hub3E ne le voit pas."
)
#: Where a campaign made from SMS Hub comes from (else « Créée sur Sarbacane »).
FROM_HUB_LABEL = "Hub3E"


@dataclass
class CampaignDetail:
    """What a campaign's page shows (labels and dates already in French)."""

    id: int = 0
    name: str = ""
    kind_label: str = ""
    sender: str = ""
    status: str = ""
    status_label: str = ""
    status_colour: str = "gray"
    status_animated: bool = False
    progress: str = ""
    stuck: bool = False
    recipient_count: int = 0
    recipient_count_label: str = "0"
    created_at: str = ""
    scheduled_at: str = ""
    adopted: bool = False
    origin_label: str = FROM_HUB_LABEL
    #: The text as it will be received, opt-out mention included, by SMS part.
    parts: list[SmsPart] = field(default_factory=list)
    #: Made in Sarbacane with no text Hub3E can see: why the preview is empty.
    text_note: str = ""
    #: The exclusion lists, by name.
    exclusions: list[str] = field(default_factory=list)
    #: The latest « Historique » events, newest first, and how many in all.
    events: list[HistoryRow] = field(default_factory=list)
    event_total: int = 0
    #: « les 5 derniers sur 12 » when there are more than shown.
    events_note: str = ""
    #: Finished: the statistics summary (or why it could not be read).
    finished: bool = False
    figures: list[Figure] = field(default_factory=list)
    statistics_note: str = ""
    statistics_href: str = ""
    #: Each action of the table, in ``ACTION_ORDER`` (enabled, or its reason).
    actions: list[ActionView] = field(default_factory=list)


def _campaign_id(value: int | str) -> int:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound(CAMPAIGN_MISSING)
    return int(text)


def _read(actor: Actor, campaign_id: int) -> CampaignDetail:
    settings = get_settings()
    try:
        found = campaign_in_centre(actor, campaign_id)
    except NotFound:
        raise NotFound(CAMPAIGN_MISSING) from None
    campaign = found.campaign
    row = campaign_row(campaign, settings)
    with transaction() as session:
        exclusions = exclusion_queries.campaign_exclusions(
            session, actor.tenant_id, campaign_id
        )
        names = [e.blacklist_name or e.blacklist_id for e in exclusions]
    adopted = campaign.origin == FROM_SARBACANE
    return CampaignDetail(
        id=row.id,
        name=row.name,
        kind_label=row.kind_label,
        sender=row.sender,
        status=row.status,
        status_label=row.status_label,
        status_colour=row.status_colour,
        status_animated=row.status_animated,
        progress=row.progress,
        stuck=row.stuck,
        recipient_count=row.recipient_count,
        recipient_count_label=row.recipient_count_label,
        created_at=row.created_at,
        scheduled_at=row.scheduled_at,
        adopted=adopted,
        origin_label=ADOPTED_BADGE if adopted else FROM_HUB_LABEL,
        parts=phone_parts(campaign.content or ""),
        text_note=(
            f"{NO_TEXT} {NO_TEMPLATE_WARNING}"
            if lacks_visible_text(campaign.origin, campaign.content)
            else ""
        ),
        exclusions=names,
        finished=Status(campaign.status) is Status.FINISHED,
        statistics_href=f"/statistiques?campagne={row.id}",
        actions=row.actions,
    )


async def campaign_detail(actor: Actor, campaign_id: int | str) -> CampaignDetail:
    """The centre's campaign as its page shows it; ``NotFound`` with
    « Campagne introuvable. » for any id this centre may not open."""
    number = _campaign_id(campaign_id)
    detail = await in_thread(_read, actor, number)
    try:
        events = await history.campaign_history(actor, number, limit=LAST_EVENTS)
    except NotFound:
        raise NotFound(CAMPAIGN_MISSING) from None
    detail.events, detail.event_total = events.rows, events.total
    if events.total > LAST_EVENTS:
        detail.events_note = f"les {LAST_EVENTS} derniers sur {number_fr(events.total)}"
    if detail.finished:
        try:
            view = await statistics.campaign_statistics(actor, number)
            detail.figures = view.figures
        except NotFound:
            raise NotFound(CAMPAIGN_MISSING) from None
        except ServiceError as error:
            detail.statistics_note = error.user_message
    return detail
