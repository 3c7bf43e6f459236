"""Dialog « Historique » of a campaign: its audit events, a page at a time."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import count_text, data_table, pager
from sms_hub.components.modal import close_button, modal
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import history
from sms_hub.services.errors import ServiceError
from sms_hub.services.paging import page_count


class HistoryState(CampaignModalState):
    """« Historique »."""

    history_open: bool = False
    history_loaded: bool = False
    events: list[history.HistoryRow] = []
    events_total: int = 0
    events_page: int = 1

    @rx.var
    def events_page_count(self) -> int:
        return page_count(self.events_total, history.HISTORY_PAGE_SIZE)

    async def _load_events(self) -> None:
        size = history.HISTORY_PAGE_SIZE
        found = await history.campaign_history(
            self._actor(),
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


def _outcome(row: history.HistoryRow) -> rx.Component:
    return rx.badge(
        row.outcome, color_scheme=rx.cond(row.failed, "red", "green"), variant="soft"
    )


def _event_row(row: history.HistoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.when, white_space="nowrap")),
        rx.table.cell(row.who),
        rx.table.row_header_cell(row.what),
        rx.table.cell(_outcome(row)),
        rx.table.cell(rx.text(row.detail, size="1", color_scheme="gray")),
        align="center",
    )


def history_dialog() -> rx.Component:
    s = HistoryState
    return modal(
        "Historique",
        rx.cond(
            s.events_total > 0,
            rx.vstack(
                rx.box(
                    data_table(
                        ["Date", "Utilisateur", "Action", "Résultat", "Détail"],
                        s.events,
                        _event_row,
                        size="1",
                    ),
                    width="100%",
                    overflow_x="auto",
                ),
                pager(
                    count_text(
                        s.events_total,
                        rx.cond(s.events_total > 1, " événements", " événement"),
                    ),
                    s.events_page,
                    s.events_page_count,
                    s.events_go_to,
                    size="1",
                ),
                width="100%",
                spacing="3",
            ),
            rx.callout("Aucun événement enregistré pour cette campagne.", icon="info"),
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
