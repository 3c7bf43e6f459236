"""State of the page « Statistiques de la campagne »."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import reflex as rx

from sms_hub.domain.formatting import number_fr
from sms_hub.domain.statistics import timeline_summary
from sms_hub.services import downloads, statistics
from sms_hub.services.downloads import Download
from sms_hub.services.errors import ServiceError
from sms_hub.services.paging import page_count, page_position
from sms_hub.settings import get_settings
from sms_hub.state.session import SessionState

ALL = "all"
#: Beyond this many time buckets a bar is about a pixel wide: no gap then,
#: or the bars would fade into the gaps.
DENSE_TIMELINE = 150


def _chart_point(
    point: statistics.ChartPoint | statistics.TimelinePoint,
) -> dict[str, Any]:
    """A chart's datum, with ``shown``: its count as the labels read it.

    A datum without a colour of its own has no ``fill`` key: recharts takes a
    datum's ``fill`` over its series' one, and an empty one paints it black.
    """
    datum = {**asdict(point), "shown": number_fr(point.value)}
    if not datum.get("fill", True):
        del datum["fill"]
    return datum


class StatisticsState(SessionState):
    campaign_id: int = 0
    campaign_name: str = ""
    figures: list[statistics.Figure] = []
    outcomes_chart: list[dict[str, Any]] = []
    timeline_chart: list[dict[str, Any]] = []
    sarbacane_link: str = ""
    error: str = ""
    loading: bool = True
    rows: list[statistics.OutcomeRow] = []
    rows_total: int = 0
    rows_page: int = 1
    outcome_filter: str = ALL

    @rx.var
    def rows_total_label(self) -> str:
        return number_fr(self.rows_total)

    @rx.var
    def timeline_gap(self) -> str:
        return "0%" if len(self.timeline_chart) > DENSE_TIMELINE else "20%"

    @rx.var
    def timeline_summary(self) -> str:
        return timeline_summary(
            [(point["name"], point["value"]) for point in self.timeline_chart]
        )

    @rx.var
    def rows_page_count(self) -> int:
        return page_count(self.rows_total, get_settings().page_size)

    @rx.var
    def rows_page_position(self) -> str:
        return page_position(self.rows_page, self.rows_page_count)

    async def _load_rows(self) -> None:
        size = get_settings().page_size
        self.rows, self.rows_total = await statistics.outcome_page(
            self._actor(),
            self.campaign_id,
            outcome="" if self.outcome_filter == ALL else self.outcome_filter,
            offset=(self.rows_page - 1) * size,
            limit=size,
        )

    @rx.event
    async def on_load(self, launch: dict | None = None):
        if not await self._ensure_session(launch):
            return
        self.loading, self.error = True, ""
        raw = self.router.url.query_parameters.get("campagne", "")
        self.campaign_id = int(raw) if str(raw).isdigit() else 0
        try:
            view = await statistics.campaign_statistics(self._actor(), self.campaign_id)
        except ServiceError as error:
            self.error, self.loading = error.user_message, False
            return
        self.campaign_name = view.campaign_name
        self.figures = view.figures
        self.outcomes_chart = [_chart_point(point) for point in view.outcomes_chart]
        self.timeline_chart = [_chart_point(point) for point in view.timeline_chart]
        self.sarbacane_link = view.sarbacane_link
        self.rows_page, self.outcome_filter = 1, ALL
        await self._load_rows()
        self.loading = False

    @rx.event
    async def filter_outcome(self, value: str):
        self.outcome_filter, self.rows_page = value, 1
        await self._load_rows()

    @rx.event
    async def go_to(self, page: int):
        self.rows_page = min(max(1, page), self.rows_page_count)
        await self._load_rows()

    @rx.event
    async def export_csv(self):
        """A streamed download behind a short-lived signed link."""
        filename = f"statistiques-{self.campaign_id}.csv"
        try:
            url = await downloads.prepare(
                self._actor(), Download.STATISTICS, self.campaign_id, filename
            )
        except ServiceError as error:
            return rx.toast.error(error.user_message)
        return rx.download(url=url, filename=filename)
