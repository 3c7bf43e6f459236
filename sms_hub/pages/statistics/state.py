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
from sms_hub.state.paging import PagingState
from sms_hub.state.session import SignedInState

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


class StatisticsState(PagingState, SignedInState, rx.State):
    campaign_id: int = 0
    campaign_name: str = ""
    figures: list[statistics.Figure] = []
    outcomes_chart: list[dict[str, Any]] = []
    timeline_chart: list[dict[str, Any]] = []
    sarbacane_link: str = ""
    error: str = ""
    loading: bool = True
    rows: list[statistics.OutcomeRow] = []
    outcome_filter: str = ALL

    @rx.var
    def timeline_gap(self) -> str:
        return "0%" if len(self.timeline_chart) > DENSE_TIMELINE else "20%"

    @rx.var
    def timeline_summary(self) -> str:
        return timeline_summary(
            [(point["name"], point["value"]) for point in self.timeline_chart]
        )

    async def _load_page(self) -> None:
        await self._load_rows()

    async def _load_rows(self) -> None:
        self.rows, self.total = await statistics.outcome_page(
            await self._actor(),
            self.campaign_id,
            outcome="" if self.outcome_filter == ALL else self.outcome_filter,
            offset=self._offset(),
            limit=self._page_size(),
        )

    @rx.event
    async def on_load(self, launch: dict | None = None):
        if not await self._ensure_session(launch):
            return
        self.loading, self.error = True, ""
        raw = self.router.url.query_parameters.get("campagne", "")
        self.campaign_id = int(raw) if str(raw).isdigit() else 0
        try:
            view = await statistics.campaign_statistics(
                await self._actor(), self.campaign_id
            )
        except ServiceError as error:
            self.error, self.loading = error.user_message, False
            return
        self.campaign_name = view.campaign_name
        self.figures = view.figures
        self.outcomes_chart = [_chart_point(point) for point in view.outcomes_chart]
        self.timeline_chart = [_chart_point(point) for point in view.timeline_chart]
        self.sarbacane_link = view.sarbacane_link
        self.page, self.outcome_filter = 1, ALL
        await self._load_rows()
        self.loading = False

    @rx.event
    async def filter_outcome(self, value: str):
        self.outcome_filter, self.page = value, 1
        await self._load_rows()

    @rx.event
    async def export_csv(self):
        """A streamed download behind a short-lived signed link."""
        filename = f"statistiques-{self.campaign_id}.csv"
        try:
            url = await downloads.prepare(
                await self._actor(), Download.STATISTICS, self.campaign_id, filename
            )
        except ServiceError as error:
            return rx.toast.error(error.user_message)
        return rx.download(url=url, filename=filename)
