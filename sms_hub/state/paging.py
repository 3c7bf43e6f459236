"""One page of a table at a time: the page shown, how many there are, and
« Page X sur Y »; a state mixes it in once per table."""

from __future__ import annotations

import reflex as rx

from sms_hub.domain.formatting import number_fr
from sms_hub.domain.paging import page_count, page_position
from sms_hub.settings import get_settings


class PagingState(rx.State, mixin=True):
    """``page``/``total`` of one table; ``go_to_page(n)`` loads page ``n``
    through the state's ``_load_page``. ``_page_size`` is the settings' page
    size unless the state says otherwise."""

    page: int = 1
    total: int = 0

    def _page_size(self) -> int:
        return get_settings().page_size

    def _offset(self) -> int:
        return (self.page - 1) * self._page_size()

    @rx.var
    def page_count(self) -> int:
        return page_count(self.total, self._page_size())

    @rx.var
    def page_label(self) -> str:
        return page_position(self.page, self.page_count)

    @rx.var
    def total_label(self) -> str:
        return number_fr(self.total)

    async def _load_page(self):
        raise NotImplementedError

    @rx.event
    async def go_to_page(self, page: int):
        self.page = min(max(1, page), self.page_count)
        return await self._load_page()
