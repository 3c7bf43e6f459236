"""Dialog « Historique » of a campaign: its audit events, a page at a time."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.history_table import history_table
from sms_hub.components.modal import close_button, modal
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.paging import page_position
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import history
from sms_hub.services.errors import ServiceError
from sms_hub.services.paging import page_count


class HistoryState(CampaignModalState, rx.State):
    """« Historique »."""

    history_open: bool = False
    history_loaded: bool = False
    events: list[history.HistoryRow] = []
    events_total: int = 0
    events_page: int = 1

    @rx.var
    def events_page_count(self) -> int:
        return page_count(self.events_total, history.HISTORY_PAGE_SIZE)

    @rx.var
    def events_total_label(self) -> str:
        return number_fr(self.events_total)

    @rx.var
    def events_page_position(self) -> str:
        return page_position(self.events_page, self.events_page_count)

    async def _load_events(self) -> None:
        size = history.HISTORY_PAGE_SIZE
        found = await history.campaign_history(
            (await self._actor()),
            self.campaign_id,
            offset=(self.events_page - 1) * size,
            limit=size,
        )
        self.campaign_name = found.campaign_name
        self.events, self.events_total = found.rows, found.total
        self.history_loaded = True

    @rx.event
    async def open_history(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.events_page, self.history_loaded = 1, False
        self.events, self.events_total = [], 0
        try:
            await self._load_events()
        except ServiceError as error:
            return rx.toast.error(error.user_message)
        self.history_open = True

    @rx.event
    def set_history_open(self, is_open: bool):
        self.history_open = is_open

    @rx.event
    async def events_go_to(self, page: int):
        self.events_page = min(max(1, page), self.events_page_count)
        try:
            await self._load_events()
        except ServiceError as error:
            self.history_open = False
            return rx.toast.error(error.user_message)


def history_dialog() -> rx.Component:
    s = HistoryState
    return modal(
        "Historique",
        history_table(
            s.events,
            s.events_total,
            s.events_total_label,
            s.events_page,
            s.events_page_count,
            s.events_page_position,
            s.events_go_to,
            empty="Aucun événement enregistré pour cette campagne.",
        ),
        buttons=[close_button()],
        description=[
            "Qui a fait quoi sur la campagne « ",
            s.campaign_name,
            " », quand, et avec quel résultat (le plus récent en premier).",
        ],
        open_=s.history_open,
        on_open_change=s.set_history_open,
        width="880px",
        spacing="3",
    )
