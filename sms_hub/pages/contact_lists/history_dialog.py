"""Dialog « Historique des listes »: the changes of the centre's contact lists."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.history_table import history_table
from sms_hub.components.modal import close_button, modal
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.paging import page_position
from sms_hub.pages.contact_lists.lists_state import ContactListsState
from sms_hub.services import history
from sms_hub.services.paging import page_count

TITLE = "Historique des listes"


class ListsHistoryState(ContactListsState):
    """« Historique des listes »: created, renamed, deleted, CSV imports."""

    history_open: bool = False
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
        found = await history.contact_lists_history(
            self._actor(), offset=(self.events_page - 1) * size, limit=size
        )
        self.events, self.events_total = found.rows, found.total

    @rx.event
    async def open_history(self):
        self.events_page = 1
        await self._load_events()
        self.history_open = True

    @rx.event
    def set_history_open(self, is_open: bool):
        self.history_open = is_open

    @rx.event
    async def events_go_to(self, page: int):
        self.events_page = min(max(1, page), self.events_page_count)
        await self._load_events()


def lists_history_dialog() -> rx.Component:
    s = ListsHistoryState
    return modal(
        TITLE,
        history_table(
            s.events,
            s.events_total,
            s.events_total_label,
            s.events_page,
            s.events_page_count,
            s.events_page_position,
            s.events_go_to,
            empty="Aucune modification des listes de contacts enregistrée.",
        ),
        buttons=[close_button()],
        description=[
            "Qui a créé, renommé, supprimé une liste de contacts ou y a importé "
            "un fichier CSV, quand, et avec quel résultat (le plus récent en "
            "premier)."
        ],
        open_=s.history_open,
        on_open_change=s.set_history_open,
        width="880px",
        spacing="3",
    )
