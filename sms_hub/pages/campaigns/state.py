"""State of the page "Gestion des campagnes de SMSing": one page of rows,
its search and sort. Each modal has its own substate next to its view.
Handlers only call services."""

from __future__ import annotations

import json

import reflex as rx

from sms_hub.domain.formatting import number_fr
from sms_hub.domain.paging import ListPlace, descending_by_default
from sms_hub.services import campaigns as campaign_service
from sms_hub.services import discovery
from sms_hub.services.paging import (
    CampaignPageQuery,
    CampaignSort,
    page_count,
    page_position,
)
from sms_hub.services.views import CampaignRow
from sms_hub.settings import get_settings
from sms_hub.state.live import CentreFeed
from sms_hub.state.rate_limit import RateLimitedState
from sms_hub.state.session import SessionState


class CampaignsState(SessionState):
    rows: list[CampaignRow] = []
    total: int = 0
    page: int = 1
    search: str = ""
    sort: str = CampaignSort.CREATED.value
    descending: bool = True
    loaded: bool = False

    @rx.var
    def total_label(self) -> str:
        return number_fr(self.total)

    @rx.var
    def page_count(self) -> int:
        return page_count(self.total, get_settings().page_size)

    @rx.var
    def page_label(self) -> str:
        return page_position(self.page, self.page_count)

    def _place(self) -> ListPlace:
        return ListPlace(
            self.page, CampaignSort(self.sort), self.descending, self.search
        )

    @rx.var
    def list_address(self) -> str:
        """The list's address with its page, sort and search (« Retour aux
        campagnes », browser Back, a shared link)."""
        return self._place().address()

    def _show_address(self) -> rx.event.EventSpec:
        """Write the list's place in the address bar, while the list is shown
        (no new history entry)."""
        address = json.dumps(self._place().address())
        return rx.call_script(
            'if (window.location.pathname === "/") '
            f"window.history.replaceState(window.history.state, '', {address});"
        )

    @rx.event
    def show_address(self):
        return self._show_address()

    def _go_to_place(self, place: ListPlace) -> None:
        self.page, self.search = place.page, place.search
        self.sort, self.descending = place.sort.value, place.descending

    def _query(self) -> CampaignPageQuery:
        size = get_settings().page_size
        return CampaignPageQuery(
            search=self.search,
            sort=CampaignSort(self.sort),
            descending=self.descending,
            offset=(self.page - 1) * size,
            limit=size,
        )

    async def _refresh(self) -> None:
        result = await campaign_service.campaign_page(self._actor(), self._query())
        if not result.rows and self.page > 1:
            self.page = page_count(result.total, get_settings().page_size)
            result = await campaign_service.campaign_page(self._actor(), self._query())
        self.rows = result.rows
        self.total = result.total
        self.loaded = True

    async def _show_newest_first(self) -> None:
        """Back to the first page, newest first, no search: where a new row is."""
        self.search = ""
        self.page = 1
        self.sort, self.descending = CampaignSort.CREATED.value, True
        await self._changed()

    @rx.event
    async def on_load(self, launch: dict | None = None):
        """The list at the place its address names (else where this tab left
        it), written back in the address."""
        place = ListPlace.from_query(self.router.url.query_parameters)
        if place is not None:
            self._go_to_place(place)
        if await self._ensure_session(launch):
            await self._refresh()
            return [self._show_address(), CampaignsState.discover_campaigns]

    @rx.event(background=True)
    async def discover_campaigns(self):
        """Look for campaigns made in Sarbacane's interface (at most once a
        minute per centre), without holding the page; new rows then show."""
        async with self:
            tenant_id = self._tenant_id
        if tenant_id and await discovery.discover_if_due(tenant_id):
            async with self:
                await self._changed()

    @rx.event
    async def set_search(self, value: str):
        self.search = value
        self.page = 1
        await self._refresh()
        return self._show_address()

    @rx.event
    async def sort_by(self, key: str):
        if self.sort == key:
            self.descending = not self.descending
        else:
            self.sort = CampaignSort(key).value
            self.descending = descending_by_default(CampaignSort(key))
        self.page = 1
        await self._refresh()
        return self._show_address()

    @rx.event
    async def go_to_page(self, page: int):
        self.page = min(max(1, page), self.page_count)
        await self._refresh()
        return self._show_address()

    @rx.event
    def open_statistics(self, campaign_id: int, name: str):
        return rx.redirect(f"/statistiques?campagne={campaign_id}")

    @rx.event
    async def follow_changes(self):
        """Reload the rows: the centre's live feed says its campaigns changed.

        Fired when the feed's version reaches the tab (pushed by the poller or
        by another tab's action), and when a tab that reconnects after a
        network cut receives the current version.
        """
        if self._tenant_id and self.loaded:
            await self._refresh()

    async def _changed(self) -> None:
        """After this tab's action: reload its rows and tell the centre's other tabs."""
        feed = await self.get_state(CentreFeed)
        feed.version += 1
        await self._refresh()


class CampaignModalState(RateLimitedState, CampaignsState):
    """Base of the modals opened from a campaign's row: which campaign, and
    the tab's allowance of costly requests (``_too_fast``, one per tab)."""

    campaign_id: int = 0
    campaign_name: str = ""

    def _target(self, campaign_id: int, name: str) -> None:
        self.campaign_id, self.campaign_name = campaign_id, name
