"""State of the page "Listes de contacts": one page of lists, one page of the
selected list's contacts, the open dialogs and the CSV import's progress and
report. Handlers only call ``services.contact_lists``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Any, BinaryIO

import reflex as rx

from sms_hub.domain.contacts_csv import CsvFileTooLarge, size_fr
from sms_hub.domain.formatting import number_fr
from sms_hub.services import contact_lists as service
from sms_hub.services.contact_lists import ContactListRow, ContactRow, ImportReport
from sms_hub.services.context import in_thread
from sms_hub.services.errors import InvalidInput, NotFound, ServiceError
from sms_hub.settings import get_settings
from sms_hub.state.session import SessionState
from sms_hub.store.contact_queries import PageQuery

log = logging.getLogger(__name__)

UPLOAD_ID = "contacts_csv"
IMPORT_FAILED = (
    "L'import a échoué à cause d'une erreur technique : aucun contact n'a été "
    "importé. Réessayez dans quelques instants."
)
#: Rows of an import report shown on screen; the CSV download has them all.
REPORT_ROWS_SHOWN = 100
#: Seconds between two progress updates sent to the browser.
PROGRESS_EVERY = 0.25


@dataclass
class RejectedRowView:
    line: int
    label: str
    value: str
    detail: str


@dataclass
class ReportCount:
    label: str
    value: str
    colour: str


def _pages(total: int) -> int:
    return max(1, -(-total // get_settings().page_size))


def _query(search: str, page: int) -> PageQuery:
    size = get_settings().page_size
    return PageQuery(search=search, offset=(page - 1) * size, limit=size)


def _plural(count: int, one: str, many: str) -> str:
    return f"{number_fr(count)} {one if count <= 1 else many}"


class ContactListsState(SessionState):
    lists: list[ContactListRow] = []
    lists_total: int = 0
    lists_page: int = 1
    lists_search: str = ""
    loaded: bool = False

    selected_id: int = 0
    selected_name: str = ""
    contacts: list[ContactRow] = []
    contacts_total: int = 0
    contacts_page: int = 1
    contacts_search: str = ""

    name_open: bool = False
    name_list_id: int = 0  # 0: a new list
    name_value: str = ""
    name_error: str = ""
    saving: bool = False

    delete_open: bool = False
    delete_id: int = 0
    delete_name: str = ""
    delete_count: int = 0
    deleting: bool = False

    import_open: bool = False
    import_list_id: int = 0
    import_list_name: str = ""
    importing: bool = False
    import_percent: int = 0
    import_status: str = ""
    import_error: str = ""
    report_ready: bool = False
    report_title: str = ""
    report_file: str = ""
    report_counts: list[ReportCount] = []
    report_rows: list[RejectedRowView] = []
    report_rejected: int = 0
    # The whole report, for its download (backend only, never sent to the browser).
    _report_csv: str = ""

    @rx.var
    def lists_page_count(self) -> int:
        return _pages(self.lists_total)

    @rx.var
    def contacts_page_count(self) -> int:
        return _pages(self.contacts_total)

    @rx.var
    def lists_total_label(self) -> str:
        return _plural(self.lists_total, "liste", "listes")

    @rx.var
    def contacts_total_label(self) -> str:
        return _plural(self.contacts_total, "contact", "contacts")

    @rx.var
    def delete_count_label(self) -> str:
        return _plural(self.delete_count, "contact", "contacts")

    @rx.var
    def import_progress_label(self) -> str:
        if self.import_percent:
            return f"{self.import_status} {self.import_percent} %"
        return self.import_status

    @rx.var
    def name_dialog_title(self) -> str:
        return "Renommer la liste" if self.name_list_id else "Créer une liste"

    @rx.var
    def max_upload_bytes(self) -> int:
        return service.csv_max_bytes()

    @rx.var
    def max_upload_label(self) -> str:
        return size_fr(service.csv_max_bytes())

    # Lists

    async def _refresh_lists(self) -> None:
        result = await service.contact_list_page(
            self._actor(), _query(self.lists_search, self.lists_page)
        )
        if not result.rows and self.lists_page > 1:
            self.lists_page = _pages(result.total)
            result = await service.contact_list_page(
                self._actor(), _query(self.lists_search, self.lists_page)
            )
        self.lists, self.lists_total = result.rows, result.total
        self.loaded = True

    async def _refresh_contacts(self) -> None:
        if not self.selected_id:
            self.contacts, self.contacts_total = [], 0
            return
        try:
            page = await service.contact_page(
                self._actor(),
                self.selected_id,
                _query(self.contacts_search, self.contacts_page),
            )
        except NotFound:
            self.selected_id, self.selected_name = 0, ""
            self.contacts, self.contacts_total = [], 0
            return
        self.selected_name = page.list_name
        self.contacts, self.contacts_total = page.rows, page.total

    @rx.event
    async def on_load(self):
        if await self._ensure_session():
            await self._refresh_lists()
            await self._refresh_contacts()

    @rx.event
    async def search_lists(self, value: str):
        self.lists_search, self.lists_page = value, 1
        await self._refresh_lists()

    @rx.event
    async def lists_go_to(self, page: int):
        self.lists_page = min(max(1, page), self.lists_page_count)
        await self._refresh_lists()

    async def _select(self, list_id: int) -> None:
        self.selected_id = list_id
        self.contacts_page, self.contacts_search = 1, ""
        await self._refresh_contacts()

    def _close_list(self) -> None:
        self.selected_id, self.selected_name = 0, ""
        self.contacts, self.contacts_total = [], 0

    @rx.event
    async def select_list(self, list_id: int):
        await self._select(list_id)

    @rx.event
    def close_list(self):
        self._close_list()

    # Contacts of the selected list

    @rx.event
    async def search_contacts(self, value: str):
        self.contacts_search, self.contacts_page = value, 1
        await self._refresh_contacts()

    @rx.event
    async def contacts_go_to(self, page: int):
        self.contacts_page = min(max(1, page), self.contacts_page_count)
        await self._refresh_contacts()

    @rx.event
    async def export_contacts(self, list_id: int, name: str):
        try:
            data = await service.contacts_csv(self._actor(), list_id)
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        yield rx.download(
            data=data,
            filename=service.csv_filename("contacts", name),
            mime_type="text/csv;charset=utf-8",
        )

    # Create / rename

    @rx.event
    def open_create(self):
        self.name_list_id, self.name_value, self.name_error = 0, "", ""
        self.name_open = True

    @rx.event
    def open_rename(self, list_id: int, name: str):
        self.name_list_id, self.name_value, self.name_error = list_id, name, ""
        self.name_open = True

    @rx.event
    def set_name_open(self, is_open: bool):
        self.name_open = is_open

    @rx.event
    def set_name_value(self, value: str):
        self.name_value = value

    @rx.event
    async def submit_name(self, form_data: dict[str, Any]):
        if self.saving:
            return
        self.saving, self.name_error = True, ""
        yield
        try:
            if self.name_list_id:
                row = await service.rename_contact_list(
                    self._actor(), self.name_list_id, self.name_value
                )
                message = f"La liste a été renommée « {row.name} »."
            else:
                row = await service.create_contact_list(self._actor(), self.name_value)
                message = f"La liste « {row.name} » a été créée."
        except InvalidInput as error:
            self.name_error = error.field_errors.get("name", error.user_message)
            self.saving = False
            return
        except ServiceError as error:
            self.saving, self.name_open = False, False
            yield rx.toast.error(error.user_message)
            return
        self.saving, self.name_open = False, False
        await self._refresh_lists()
        if not self.name_list_id or self.selected_id == row.id:
            await self._select(row.id)
        yield rx.toast.success(message)

    # Delete

    @rx.event
    def ask_delete(self, list_id: int, name: str, count: int):
        self.delete_id, self.delete_name, self.delete_count = list_id, name, count
        self.delete_open = True

    @rx.event
    def set_delete_open(self, is_open: bool):
        self.delete_open = is_open

    @rx.event
    async def confirm_delete(self):
        if self.deleting:
            return
        self.deleting = True
        yield
        try:
            name = await service.delete_contact_list(self._actor(), self.delete_id)
        except ServiceError as error:
            self.deleting = self.delete_open = False
            yield rx.toast.error(error.user_message)
            return
        self.deleting = self.delete_open = False
        if self.selected_id == self.delete_id:
            self._close_list()
        await self._refresh_lists()
        yield rx.toast.success(f"La liste « {name} » a été supprimée.")

    # Import

    @rx.event
    def open_import(self, list_id: int, name: str):
        if self.importing:
            self.import_open = True
            return
        self.import_list_id, self.import_list_name = list_id, name
        self._reset_import()
        self.import_open = True
        return rx.clear_selected_files(UPLOAD_ID)

    def _reset_import(self) -> None:
        self.import_percent, self.import_status, self.import_error = 0, "", ""
        self.report_ready, self.report_title, self.report_file = False, "", ""
        self.report_counts, self.report_rows, self.report_rejected = [], [], 0
        self._report_csv = ""

    @rx.event
    def set_import_open(self, is_open: bool):
        # Closing while it runs only hides the dialog: the import goes on.
        self.import_open = is_open

    @rx.event
    def file_refused(self, refused: list[dict[str, Any]]):
        codes = {
            error.get("code", "")
            for item in refused
            for error in (item.get("errors") or [])
            if isinstance(error, dict)
        }
        if "file-too-large" in codes:
            self.import_error = (
                "Le fichier dépasse la taille maximale autorisée "
                f"({size_fr(service.csv_max_bytes())}). Découpez-le en plusieurs "
                "fichiers."
            )
        elif "too-many-files" in codes:
            self.import_error = "Choisissez un seul fichier à la fois."
        else:
            self.import_error = (
                "Choisissez un fichier CSV (.csv ou .txt). Un classeur Excel doit "
                "d'abord être enregistré au format « CSV (séparateur : "
                "point-virgule) »."
            )

    @rx.event(background=True)
    async def import_file(self, chunks: rx.UploadChunkIterator):
        """Receive the file into a temporary file, then import it, reporting progress."""
        async with self:
            if self.importing or not self.import_list_id:
                return
            actor, list_id = self._actor(), self.import_list_id
            self._reset_import()
            self.importing = True
            self.import_status = "Envoi du fichier…"
        max_bytes = service.csv_max_bytes()
        handle, path = tempfile.mkstemp(prefix="contacts-", suffix=".csv")
        try:
            with os.fdopen(handle, "wb") as temporary:
                received = await self._receive(chunks, temporary, max_bytes)
            if received is None:
                return
            report = await self._import(actor, list_id, path)
        except ServiceError as error:
            async with self:
                self.importing, self.import_error = False, error.user_message
            return
        except Exception:
            log.exception("contacts import into list %s failed", list_id)
            async with self:
                self.importing, self.import_error = False, IMPORT_FAILED
            return
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
        csv_text = await in_thread(service.report_csv, report)
        async with self:
            self._show_report(report, csv_text)
            self.importing = False
            await self._refresh_lists()
            if self.selected_id == list_id:
                await self._refresh_contacts()
            else:
                await self._select(list_id)

    async def _receive(
        self, chunks: rx.UploadChunkIterator, temporary: BinaryIO, max_bytes: int
    ) -> int | None:
        """Write the uploaded file; its size, or None (with the error shown)."""
        received, filename, last_update = 0, None, time.monotonic()
        async for chunk in chunks:
            filename = filename or chunk.filename
            if chunk.filename != filename:
                continue  # a second file: only the first one is imported
            received += len(chunk.data)
            if received > max_bytes:
                async with self:
                    self.importing = False
                    self.import_error = CsvFileTooLarge(max_bytes).user_message
                return None
            await in_thread(temporary.write, chunk.data)
            if time.monotonic() - last_update > PROGRESS_EVERY:
                last_update = time.monotonic()
                async with self:
                    self.import_status = f"Envoi du fichier… {size_fr(received)} reçus"
        if filename is None:
            async with self:
                self.importing = False
                self.import_error = "Choisissez d'abord un fichier CSV à importer."
            return None
        await in_thread(temporary.flush)
        return received

    async def _import(self, actor, list_id: int, path: str) -> ImportReport:
        progress = {"done": 0, "total": 0}

        def on_progress(done: int, total: int) -> None:  # called from the worker thread
            progress["done"], progress["total"] = done, total

        async with self:
            self.import_status = "Import des contacts en cours…"
        task = asyncio.ensure_future(
            service.import_csv(actor, list_id, path, on_progress)
        )
        while not task.done():
            await asyncio.wait({task}, timeout=PROGRESS_EVERY)
            if progress["total"]:
                async with self:
                    self.import_percent = min(
                        99, 100 * progress["done"] // progress["total"]
                    )
        return task.result()

    def _show_report(self, report: ImportReport, csv_text: str) -> None:
        self.import_percent = 100
        self.import_status = ""
        self.report_ready = True
        self.report_title = (
            f"{_plural(report.imported, 'contact importé', 'contacts importés')} "
            f"dans « {report.list_name} », qui compte maintenant "
            f"{_plural(report.contact_count, 'contact', 'contacts')}. "
            f"Fichier lu en {report.encoding}, séparateur : {report.delimiter}."
        )
        self.report_counts = [
            ReportCount("Importés", number_fr(report.imported), "green"),
            ReportCount("Doublons", number_fr(report.duplicates), "gray"),
            ReportCount("Numéros fixes", number_fr(report.landline), "amber"),
            ReportCount("Numéros invalides", number_fr(report.invalid), "red"),
            ReportCount("Numéros manquants", number_fr(report.missing), "orange"),
        ]
        self.report_rejected = report.rejected_count
        self.report_rows = [
            RejectedRowView(r.line, r.label, r.value, r.detail)
            for r in report.rejected[:REPORT_ROWS_SHOWN]
        ]
        self.report_file = service.csv_filename("rapport-import", report.list_name)
        self._report_csv = csv_text

    @rx.event
    def download_report(self):
        if not self._report_csv:
            return rx.toast.error("Le rapport n'est plus disponible.")
        return rx.download(
            data=self._report_csv,
            filename=self.report_file,
            mime_type="text/csv;charset=utf-8",
        )
