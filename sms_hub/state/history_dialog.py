"""A « Historique » dialog: audit events, a page at a time, most recent first.

A state mixes it in and says which events with ``_fetch_events``; the
dialog's view passes the state's vars to ``components.history_table``.
"""

from __future__ import annotations

import reflex as rx

from sms_hub.services import history
from sms_hub.services.context import Actor
from sms_hub.services.errors import ServiceError
from sms_hub.state.paging import PagingState
from sms_hub.state.session import SignedInState


class HistoryDialogState(PagingState, SignedInState, mixin=True):
    history_open: bool = False
    history_loaded: bool = False
    events: list[history.HistoryRow] = []

    def _page_size(self) -> int:
        return history.HISTORY_PAGE_SIZE

    async def _fetch_events(
        self, actor: Actor, offset: int, limit: int
    ) -> history.HistoryPage:
        raise NotImplementedError

    async def _load_page(self):
        """Load the page; on a refusal, close the dialog with the French toast."""
        try:
            found = await self._fetch_events(
                await self._actor(), self._offset(), self._page_size()
            )
        except ServiceError as error:
            self.history_open = False
            return rx.toast.error(error.user_message)
        self.events, self.total = found.rows, found.total
        self.history_loaded = True
        return None

    async def _open_history(self):
        self.page, self.history_loaded = 1, False
        self.events, self.total = [], 0
        if refused := await self._load_page():
            return refused
        self.history_open = True
        return None

    @rx.event
    def set_history_open(self, is_open: bool):
        self.history_open = is_open
