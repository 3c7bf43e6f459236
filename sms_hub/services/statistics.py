"""Statistics of a finished campaign, read from Sarbacane's reports.

The per-recipient report is read in pages of 1000, each recipient's outcome
is stored on its campaign recipient row (so the table pages and filters in
the database), and the counters are computed by ``domain.statistics``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sms_hub.domain import sms_text
from sms_hub.domain.formatting import number_fr, percent_fr
from sms_hub.domain.lifecycle import Action
from sms_hub.domain.phone import display_phone
from sms_hub.domain.statistics import (
    OUTCOME_COLOURS,
    OUTCOME_LABELS,
    Outcome,
    outcome_label,
    outcome_of,
    report_needs_reading,
    summarize,
    timeline,
)
from sms_hub.sarbacane import MAX_BATCH, RecipientReport
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import CampaignInCentre, campaign_in_centre
from sms_hub.settings import get_settings
from sms_hub.store import outcome_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Campaign, utcnow


@dataclass
class Figure:
    label: str
    value: str
    rate: str


@dataclass
class ChartPoint:
    name: str
    value: int
    fill: str = ""


@dataclass
class TimelinePoint:
    """One time bucket of the chart « SMS traités dans le temps ».

    No ``fill``: the chart draws every bar in the theme's colour (a point's
    own ``fill``, even empty, would override it and draw the bar black).
    """

    name: str
    value: int


@dataclass
class StatisticsView:
    campaign_name: str
    figures: list[Figure]
    outcomes_chart: list[ChartPoint]
    timeline_chart: list[TimelinePoint]
    sarbacane_link: str


@dataclass
class OutcomeRow:
    email: str
    phone: str
    phone_label: str
    outcome: str


async def _report_rows(found: CampaignInCentre) -> list[RecipientReport]:
    rows: list[RecipientReport] = []
    offset = 0
    while True:
        page = await found.sarbacane().report_recipients(
            found.campaign.sarbacane_id, offset=offset, limit=MAX_BATCH
        )
        rows += page
        if len(page) < MAX_BATCH:
            return rows
        offset += MAX_BATCH


def _moment(row: RecipientReport) -> datetime | None:
    value = row.raw.get("date")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


async def _fetch_and_keep(actor: Actor, found: CampaignInCentre) -> dict:
    """Read the per-recipient report from Sarbacane once; keep each recipient's
    outcome and time, and the statistics computed from them."""
    async with sarbacane_call(actor):
        rows = await _report_rows(found)
    outcomes: dict[str, str] = {}
    moments: dict[str, datetime] = {}
    for row in rows:
        if row.phone:
            outcomes[row.phone] = outcome_of(
                success=row.success, bounce=row.bounce, unsubscribe=row.unsubscribe
            ).value
            if (moment := _moment(row)) is not None:
                moments[row.phone] = moment
    campaign = found.campaign
    summary = _summary(
        campaign.recipient_count,
        [Outcome(o) for o in outcomes.values()],
        list(moments.values()),
        sms_text.measure(campaign.content).parts,
    )

    def store() -> None:
        with transaction() as session:
            outcome_queries.set_outcomes(session, campaign.id or 0, outcomes, moments)
            outcome_queries.mark_report_kept(
                session, campaign.tenant_id, campaign.id or 0, json.dumps(summary)
            )

    await in_thread(store)
    return summary


def _summary(
    recipients: int, outcomes: list[Outcome], moments: list[datetime], parts: int
) -> dict:
    """Figures and charts (plain data, kept as JSON with the campaign)."""
    stats = summarize(recipients, outcomes, parts)
    figures = [
        Figure("Destinataires", number_fr(stats.recipients), ""),
        Figure("Envoyés", number_fr(stats.sent), ""),
        Figure(
            "Délivrés",
            number_fr(stats.delivered),
            percent_fr(stats.rate(stats.delivered)),
        ),
        Figure("Échecs", number_fr(stats.failed), percent_fr(stats.rate(stats.failed))),
        Figure("STOP", number_fr(stats.stop), percent_fr(stats.rate(stats.stop))),
        Figure("En attente", number_fr(stats.pending), ""),
        Figure("Crédits utilisés", number_fr(stats.credits_used), ""),
    ]
    counts = {
        Outcome.DELIVERED: stats.delivered - stats.stop,
        Outcome.FAILED: stats.failed,
        Outcome.STOP: stats.stop,
        Outcome.PENDING: stats.pending,
    }
    outcomes_chart = [
        ChartPoint(OUTCOME_LABELS[o], n, OUTCOME_COLOURS[o])
        for o, n in counts.items()
        if n
    ]
    timeline_chart = [TimelinePoint(label, n) for label, n in timeline(moments)]
    return {
        "pending": stats.pending,
        "failed": stats.failed,
        "figures": [asdict(f) for f in figures],
        "outcomes_chart": [asdict(p) for p in outcomes_chart],
        "timeline_chart": [asdict(p) for p in timeline_chart],
    }


async def ensure_outcomes(actor: Actor, found: CampaignInCentre) -> None:
    """Each recipient's outcome is known locally: the finished campaign's
    report is read from Sarbacane and kept if it was not yet."""
    if _needs_reading(found.campaign):
        await _fetch_and_keep(actor, found)


def _needs_reading(campaign: Campaign) -> bool:
    summary = json.loads(campaign.report_summary or "{}")
    return report_needs_reading(
        campaign.report_fetched_at if summary else None,
        summary.get("pending", 0),
        utcnow(),
    )


async def campaign_statistics(actor: Actor, campaign_id: int) -> StatisticsView:
    """Figures and charts of a finished campaign.

    The first opening reads Sarbacane's per-recipient report and keeps it
    (each recipient's outcome and time, and the statistics computed from
    them); later ones read them from the database, unless outcomes were still
    pending and the report is older than ``PENDING_REREAD_AFTER``.
    """
    found = await in_thread(campaign_in_centre, actor, campaign_id, Action.STATS_HUB3E)
    campaign = found.campaign
    if _needs_reading(campaign):
        summary = await _fetch_and_keep(actor, found)
    else:
        summary = json.loads(campaign.report_summary or "{}")
    settings = get_settings()
    return StatisticsView(
        campaign_name=campaign.name,
        figures=[Figure(**f) for f in summary["figures"]],
        outcomes_chart=[ChartPoint(**p) for p in summary["outcomes_chart"]],
        timeline_chart=[
            TimelinePoint(p["name"], p["value"]) for p in summary["timeline_chart"]
        ],
        sarbacane_link=settings.sarbacane_link(
            settings.sarbacane_report_path, campaign_id=campaign.sarbacane_id
        ),
    )


async def outcome_page(
    actor: Actor, campaign_id: int, *, outcome: str, offset: int, limit: int
) -> tuple[list[OutcomeRow], int]:
    def read() -> tuple[list[OutcomeRow], int]:
        with transaction() as session:
            rows, total = outcome_queries.outcome_page(
                session,
                actor.tenant_id,
                campaign_id,
                outcome=outcome or None,
                offset=offset,
                limit=limit,
            )
            return [
                OutcomeRow(
                    r.email or "",
                    r.phone,
                    display_phone(r.phone),
                    outcome_label(r.outcome),
                )
                for r in rows
            ], total

    return await in_thread(read)
