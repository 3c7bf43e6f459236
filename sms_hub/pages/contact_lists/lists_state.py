"""State of the page "Listes de contacts": one page of the centre's lists.

The selected list's contacts, the dialogs and the CSV import are substates
(``contacts_state``, ``name_dialog``, ``delete_dialog``, ``import_state``).
Handlers only call ``services.contact_lists``.
"""

from __future__ import annotations

import reflex as rx

from sms_hub.domain.formatting import count_fr
from sms_hub.services import contact_lists as service
from sms_hub.services.contact_lists import ContactListRow
from sms_hub.services.paging import PageQuery, page_count, page_position
from sms_hub.settings import get_settings
from sms_hub.state.session import SessionState


def pages(total: int) -> int:
    return page_count(total, get_settings().page_size)


def page_query(search: str, page: int) -> PageQuery:
    size = get_settings().page_size
    return PageQuery(search=search, offset=(page - 1) * size, limit=size)


class ContactListsState(SessionState):
    lists: list[ContactListRow] = []
    lists_total: int = 0
    lists_page: int = 1
    lists_search: str = ""
    loaded: bool = False

    @rx.var
    def lists_page_count(self) -> int:
        return pages(self.lists_total)

    @rx.var
    def lists_page_position(self) -> str:
        return page_position(self.lists_page, self.lists_page_count)

    @rx.var
    def lists_total_label(self) -> str:
        return count_fr(self.lists_total, "liste", "listes")

    async def _refresh_lists(self) -> None:
        result = await service.contact_list_page(
            self._actor(), page_query(self.lists_search, self.lists_page)
        )
        if not result.rows and self.lists_page > 1:
            self.lists_page = pages(result.total)
            result = await service.contact_list_page(
                self._actor(), page_query(self.lists_search, self.lists_page)
            )
        self.lists, self.lists_total = result.rows, result.total
        self.loaded = True

    @rx.event
    async def search_lists(self, value: str):
        self.lists_search, self.lists_page = value, 1
        await self._refresh_lists()

    @rx.event
    async def lists_go_to(self, page: int):
        self.lists_page = min(max(1, page), self.lists_page_count)
        await self._refresh_lists()
