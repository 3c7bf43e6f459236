"""Dialog « Historique des listes »: the changes of the centre's contact lists."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.history_table import history_table
from sms_hub.components.modal import close_button, modal
from sms_hub.services import history
from sms_hub.services.context import Actor
from sms_hub.state.history_dialog import HistoryDialogState

TITLE = "Historique des listes"


class ListsHistoryState(HistoryDialogState, rx.State):
    """« Historique des listes »: created, renamed, deleted, CSV imports."""

    async def _fetch_events(
        self, actor: Actor, offset: int, limit: int
    ) -> history.HistoryPage:
        return await history.contact_lists_history(actor, offset=offset, limit=limit)

    @rx.event
    async def open_history(self):
        return await self._open_history()


def lists_history_dialog() -> rx.Component:
    s = ListsHistoryState
    return modal(
        TITLE,
        history_table(
            s.events,
            s.total,
            s.total_label,
            s.page,
            s.page_count,
            s.page_label,
            s.go_to_page,
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
