"""What a screen shows of a campaign: plain data, ready for a Reflex state.

Labels, colours and allowed actions all come from ``domain.lifecycle``; this
module only lays them out for one row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sms_hub.domain.adoption import FROM_SARBACANE
from sms_hub.domain.campaign import kind_label
from sms_hub.domain.formatting import date_time_fr, number_fr
from sms_hub.domain.lifecycle import (
    ACTION_INFO,
    ACTION_ORDER,
    STATUS_INFO,
    Action,
    Status,
    is_stuck,
    on_row,
    refusal,
)
from sms_hub.settings import Settings
from sms_hub.store.models import Campaign


@dataclass
class ActionView:
    """Whether one action is allowed for a row (its label and icon are static)."""

    key: str
    enabled: bool
    reason: str
    href: str = ""
    #: An icon on the row (else an item of its menu « Plus d'actions »).
    on_row: bool = False


@dataclass
class CampaignRow:
    id: int
    name: str
    kind: str
    kind_label: str
    sender: str
    status: str
    status_label: str
    status_colour: str
    status_animated: bool
    recipient_count: int
    recipient_count_label: str
    created_at: str
    scheduled_at: str
    progress: str = ""
    stuck: bool = False
    actions: list[ActionView] = field(default_factory=list)
    #: Made in Sarbacane's own interface (« Créée sur Sarbacane »).
    adopted: bool = False


def _progress(campaign: Campaign, status: Status) -> str:
    if status is not Status.SENDING:
        return ""
    return (
        f"{number_fr(campaign.processed_count)} / "
        f"{number_fr(campaign.recipient_count)} envoyés"
    )


def status_of(campaign: Campaign) -> Status:
    return Status(campaign.status)


def _href(action: Action, campaign: Campaign, settings: Settings) -> str:
    if action is Action.OPEN_IN_SARBACANE:
        template = settings.sarbacane_campaign_path
    elif action is Action.STATS_SARBACANE:
        template = settings.sarbacane_report_path
    else:
        return ""
    return settings.sarbacane_link(template, campaign_id=campaign.sarbacane_id)


def failed_count(campaign: Campaign) -> int | None:
    """How many recipients' SMS failed, as the kept report says (None: unread)."""
    if not campaign.report_summary:
        return None
    try:
        failed = json.loads(campaign.report_summary).get("failed")
    except ValueError:
        return None
    return failed if isinstance(failed, int) else None


def action_views(campaign: Campaign, settings: Settings) -> list[ActionView]:
    status = status_of(campaign)
    failed = failed_count(campaign)
    views = []
    for action in ACTION_ORDER:
        info = ACTION_INFO[action]
        reason = refusal(action, status, campaign.recipient_count, failed)
        views.append(
            ActionView(
                key=action.value,
                enabled=reason is None,
                reason=reason or "",
                href=_href(action, campaign, settings) if info.opens_new_tab else "",
                on_row=on_row(action, status, campaign.recipient_count, failed),
            )
        )
    return views


def campaign_row(campaign: Campaign, settings: Settings) -> CampaignRow:
    status = status_of(campaign)
    info = STATUS_INFO[status]
    return CampaignRow(
        id=campaign.id or 0,
        name=campaign.name,
        kind=campaign.kind,
        kind_label=kind_label(campaign.kind),
        sender=campaign.sender,
        status=status.value,
        status_label=info.label,
        status_colour=info.colour,
        status_animated=info.animated,
        recipient_count=campaign.recipient_count,
        recipient_count_label=number_fr(campaign.recipient_count),
        created_at=date_time_fr(campaign.created_at),
        scheduled_at=date_time_fr(campaign.scheduled_at),
        progress=_progress(campaign, status),
        stuck=is_stuck(
            status,
            campaign.status_changed_at,
            datetime.now(UTC),
            timedelta(seconds=settings.stuck_after_seconds),
        ),
        actions=action_views(campaign, settings),
        adopted=campaign.origin == FROM_SARBACANE,
    )
