"""State of the selected contact list: one page of its contacts."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.unsubscribed import ONLY
from sms_hub.domain.formatting import count_fr
from sms_hub.pages.contact_lists.lists_state import (
    ContactListsState,
    page_query,
)
from sms_hub.services import contact_lists as service
from sms_hub.services import downloads, unsubscribes
from sms_hub.services.contact_lists import ContactRow
from sms_hub.services.downloads import Download
from sms_hub.services.errors import NotFound, ServiceError
from sms_hub.state.paging import PagingState
from sms_hub.state.session import SignedInState


class ContactsState(PagingState, SignedInState, rx.State):
    selected_id: int = 0
    selected_name: str = ""
    contacts: list[ContactRow] = []
    contacts_search: str = ""
    #: « Désinscrits uniquement »; the unsubscribe list's age, its refresh.
    only_unsubscribed: bool = False
    unsubscribes_label: str = ""
    refreshing_unsubscribes: bool = False

    @rx.var
    def contacts_total_label(self) -> str:
        return count_fr(self.total, "contact", "contacts")

    async def _refresh_contacts(self) -> None:
        if not self.selected_id:
            self.contacts, self.total = [], 0
            return
        try:
            page = await service.contact_page(
                await self._actor(),
                self.selected_id,
                page_query(self.contacts_search, self.page),
                only_unsubscribed=self.only_unsubscribed,
            )
        except NotFound:
            self._close_list()
            return
        self.selected_name = page.list_name
        self.contacts, self.total = page.rows, page.total

    async def _select(self, list_id: int) -> None:
        self.selected_id = list_id
        self.page, self.contacts_search = 1, ""
        self.only_unsubscribed = False
        await self._refresh_contacts()

    def _close_list(self) -> None:
        self.selected_id, self.selected_name = 0, ""
        self.contacts, self.total = [], 0

    @rx.event
    async def on_load(self, launch: dict | None = None):
        if await self._ensure_session(launch):
            await (await self.get_state(ContactListsState))._refresh_lists()
            await self._refresh_contacts()
            self.unsubscribes_label = await unsubscribes.read_label(await self._actor())

    @rx.event
    async def select_list(self, list_id: int):
        await self._select(list_id)

    @rx.event
    def close_list(self):
        self._close_list()

    @rx.event
    async def search_contacts(self, value: str):
        self.contacts_search, self.page = value, 1
        await self._refresh_contacts()

    @rx.event
    async def filter_unsubscribed(self, value: str):
        self.only_unsubscribed, self.page = value == ONLY, 1
        await self._refresh_contacts()

    @rx.event
    async def refresh_unsubscribes(self):
        """« Actualiser »: read the centre's unsubscribe list from Sarbacane now."""
        if self.refreshing_unsubscribes:
            return
        self.refreshing_unsubscribes = True
        yield
        try:
            self.unsubscribes_label = await unsubscribes.refresh(await self._actor())
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
        finally:
            self.refreshing_unsubscribes = False
        await self._refresh_contacts()

    async def _load_page(self) -> None:
        await self._refresh_contacts()

    @rx.event
    async def export_contacts(self, list_id: int, name: str):
        filename = service.csv_filename("contacts", name)
        try:
            url = await downloads.prepare(
                await self._actor(), Download.CONTACTS, list_id, filename
            )
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        yield rx.download(url=url, filename=filename)


class ListsDialogState(SignedInState, mixin=True):
    """A dialog of the page (a direct child of the root): after its action it
    reloads the lists and the selected list, reached with ``get_state``."""

    async def _refresh_lists(self) -> None:
        await (await self.get_state(ContactListsState))._refresh_lists()

    async def _selected_id(self) -> int:
        return (await self.get_state(ContactsState)).selected_id

    async def _refresh_contacts(self) -> None:
        await (await self.get_state(ContactsState))._refresh_contacts()

    async def _select(self, list_id: int) -> None:
        await (await self.get_state(ContactsState))._select(list_id)

    async def _close_list(self) -> None:
        (await self.get_state(ContactsState))._close_list()
