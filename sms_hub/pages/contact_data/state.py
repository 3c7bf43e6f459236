"""« Données d'un contact »: search, export and erasure of one person (admins only)."""

from __future__ import annotations

from dataclasses import asdict

import reflex as rx

from sms_hub.services import contact_data as service
from sms_hub.services.errors import InvalidInput, ServiceError
from sms_hub.state.confirm import ConfirmDialogState
from sms_hub.state.session import SignedInState

ROUTE = "/donnees-contact"
QUERY_FIELD_ID = "contact-query"


class ContactDataState(ConfirmDialogState, SignedInState, rx.State):
    loaded: bool = False
    refused: str = ""
    query: str = ""
    #: The search shown (the rows below belong to it), "" before any.
    searched: str = ""
    rows: list[dict[str, str]] = []
    error: str = ""
    erased_message: str = ""
    searching: bool = False

    async def on_load(self, launch: dict | None = None):
        self.loaded, self.refused = False, ""
        if not await self._ensure_session(launch):
            return
        if not (await self._actor()).is_admin:
            self.refused = service.ADMINS_ONLY
            return
        self.query, self.searched, self.rows, self.error = "", "", [], ""
        self.erased_message = ""
        self.loaded = True

    @rx.event
    def set_query(self, value: str):
        self.query = value

    @rx.event
    async def search(self, form_data: dict | None = None):
        """« Rechercher »: every list entry and campaign recipient of the person."""
        self.searching, self.error, self.erased_message = True, "", ""
        yield
        try:
            found = await service.find(await self._actor(), self.query)
        except InvalidInput as error:
            self.error = next(iter(error.field_errors.values()), service.BAD_QUERY)
            self.searched, self.rows = "", []
            return
        except ServiceError as error:
            self.error = error.user_message
            return
        finally:
            self.searching = False
        self.searched = self.query.strip()
        self.rows = [asdict(row) for row in found]

    @rx.event
    async def export(self):
        """« Exporter »: the person's data as a CSV, through a single-use link."""
        try:
            url, filename = await service.export_link(
                await self._actor(), self.searched
            )
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        yield rx.download(url=url, filename=filename)

    @rx.event
    def ask_erase(self):
        self.dialog_open = True

    async def _confirmed(self) -> str:
        report = await service.erase(await self._actor(), self.searched)
        self.rows, self.erased_message = [], report.message
        return report.message
