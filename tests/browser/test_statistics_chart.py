"""« SMS traités dans le temps »: the chart in the theme's colours, readable
with one time bucket as with a thousand."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from sms_hub.domain.statistics import Outcome

ACCENT_9 = "rgb(62, 99, 221)"  # Radix indigo 9, the app's accent


@pytest.fixture
def finished_campaign(database_url, demo_centre_id):
    """A finished campaign of the demo centre whose report was read and kept,
    its deliveries spread over ``hours`` (arrange step: written as the
    statistics service keeps it)."""
    from sms_hub.domain.lifecycle import Status
    from sms_hub.services.statistics import _summary
    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign, CampaignRecipient, utcnow

    def make(name: str, moments: list[datetime]) -> int:
        summary = _summary(
            len(moments), [Outcome.DELIVERED] * len(moments), moments, parts=1
        )
        with session_scope(database_url) as session:
            campaign = Campaign(
                tenant_id=demo_centre_id,
                sarbacane_id=f"stats-{uuid.uuid4().hex[:8]}",
                name=name,
                kind="notification",
                sender="CentreForm",
                content="Bonjour",
                status=Status.FINISHED.value,
                recipient_count=len(moments),
                processed_count=len(moments),
                report_fetched_at=utcnow(),
                report_summary=json.dumps(summary),
            )
            session.add(campaign)
            session.flush()
            session.add_all(
                CampaignRecipient(
                    campaign_id=campaign.id or 0,
                    phone=f"+3361{i:07d}",
                    email=f"stagiaire{i}@exemple.fr",
                    pushed=True,
                    outcome=Outcome.DELIVERED.value,
                    outcome_at=moment,
                )
                for i, moment in enumerate(moments)
            )
            return campaign.id or 0

    return make


def _chart(page: Page, app_url: str, campaign_id: int):
    page.goto(f"{app_url}/statistiques?campagne={campaign_id}")
    chart = page.locator(".timeline-chart")
    expect(
        chart.get_by_role("heading", name="SMS traités dans le temps")
    ).to_be_visible(timeout=30_000)
    return chart


def _bars(chart):
    return chart.locator(".recharts-bar-rectangle path")


def _x_labels(chart):
    """The time labels under the bars (recharts draws them in a layer of
    their own, apart from the axis line)."""
    return chart.locator(
        ".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value"
    )


def _ticks_do_not_overlap(chart) -> int:
    boxes = [tick.bounding_box() for tick in _x_labels(chart).all()]
    boxes = sorted((b for b in boxes if b), key=lambda b: b["x"])
    for left, right in itertools.pairwise(boxes):
        assert left["x"] + left["width"] <= right["x"], (left, right)
    return len(boxes)


def test_one_bucket_is_one_bar_of_the_theme_colour(
    page: Page, app_url: str, finished_campaign, shot
):
    start = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    campaign_id = finished_campaign(
        f"Rappel {uuid.uuid4().hex[:5]}",
        [start + timedelta(seconds=s) for s in range(12)],
    )
    chart = _chart(page, app_url, campaign_id)
    bars = _bars(chart)
    expect(bars).to_have_count(1)
    expect(bars.first).to_have_css("fill", ACCENT_9)
    box = bars.first.bounding_box()
    assert box and 8 <= box["width"] <= 64  # a bar, not a slab across the card
    expect(_x_labels(chart)).to_have_text(["10:30"])
    assert _ticks_do_not_overlap(chart) == 1
    expect(chart.get_by_role("img")).to_have_attribute(
        "aria-label", "12 SMS traités à 10:30"
    )
    shot("statistics-chart-one-bucket")


def test_a_thousand_buckets_draw_every_bar_and_ticks_that_do_not_overlap(
    page: Page, app_url: str, finished_campaign, shot
):
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    moments = [
        start + timedelta(hours=hour, minutes=m)
        for hour in range(1000)
        for m in range(1 + hour % 5)
    ]
    campaign_id = finished_campaign(f"Relances {uuid.uuid4().hex[:5]}", moments)
    chart = _chart(page, app_url, campaign_id)
    bars = _bars(chart)
    expect(bars).to_have_count(1000, timeout=15_000)
    expect(bars.first).to_have_css("fill", ACCENT_9)
    widths = [bars.nth(i).bounding_box()["width"] for i in (0, 499, 999)]
    assert all(w > 0.3 for w in widths), widths
    ticks = _ticks_do_not_overlap(chart)
    assert 3 <= ticks <= 20
    shot("statistics-chart-thousand-buckets")
