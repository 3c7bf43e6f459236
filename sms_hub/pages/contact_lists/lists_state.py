"""State of the page "Listes de contacts": one page of the centre's lists.

The selected list's contacts, the dialogs and the CSV import are states of
their own beside it (``contacts_state``, ``name_dialog``, ``delete_dialog``,
``import_state``), all direct children of the root.
Handlers only call ``services.contact_lists``.
"""

from __future__ import annotations

import reflex as rx

from sms_hub.domain.formatting import count_fr
from sms_hub.domain.paging import PageQuery, page_count
from sms_hub.services import contact_lists as service
from sms_hub.services.contact_lists import ContactListRow
from sms_hub.settings import get_settings
from sms_hub.state.paging import PagingState
from sms_hub.state.session import SignedInState


def pages(total: int) -> int:
    return page_count(total, get_settings().page_size)


def page_query(search: str, page: int) -> PageQuery:
    size = get_settings().page_size
    return PageQuery(search=search, offset=(page - 1) * size, limit=size)


class ContactListsState(PagingState, SignedInState, rx.State):
    """The lists' table: a direct child of the root, beside the selected
    list's ``ContactsState`` and the dialogs (each reaches it with
    ``get_state``)."""

    lists: list[ContactListRow] = []
    lists_search: str = ""
    loaded: bool = False

    @rx.var
    def lists_total_label(self) -> str:
        return count_fr(self.total, "liste", "listes")

    async def _load_page(self) -> None:
        await self._refresh_lists()

    async def _refresh_lists(self) -> None:
        actor = await self._actor()
        result = await service.contact_list_page(
            actor, page_query(self.lists_search, self.page)
        )
        if not result.rows and self.page > 1:
            self.page = pages(result.total)
            result = await service.contact_list_page(
                actor, page_query(self.lists_search, self.page)
            )
        self.lists, self.total = result.rows, result.total
        self.loaded = True

    @rx.event
    async def search_lists(self, value: str):
        self.lists_search, self.page = value, 1
        await self._refresh_lists()
