"""State of the CSV import into a contact list: upload, progress, report.

The import runs in the background: closing the dialog only hides it.
"""

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
from sms_hub.domain.formatting import count_fr, number_fr
from sms_hub.pages.contact_lists.contacts_state import ListsDialogState
from sms_hub.services import contact_lists as service
from sms_hub.services import downloads
from sms_hub.services.contact_lists import ImportReport
from sms_hub.services.context import in_thread
from sms_hub.services.downloads import Download
from sms_hub.services.errors import ServiceError

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
    line: str
    label: str
    value: str
    detail: str


@dataclass
class ReportCount:
    label: str
    value: str
    colour: str


class CsvImportState(ListsDialogState, rx.State):
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
    # Which kept report file the download link names (the file stays on disk).
    _report_id: str = ""

    @rx.var
    def import_progress_label(self) -> str:
        if self.import_percent:
            return f"{self.import_status} {self.import_percent} %"
        return self.import_status

    @rx.var
    def max_upload_bytes(self) -> int:
        return service.csv_max_bytes()

    @rx.var
    def max_upload_label(self) -> str:
        return size_fr(service.csv_max_bytes())

    @rx.var
    def max_rows_label(self) -> str:
        return number_fr(service.csv_max_rows())

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
        self._report_id = ""

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
            actor, list_id = await self._actor(), self.import_list_id
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
        report_id = await in_thread(
            downloads.keep_report, actor, service.report_chunks(report)
        )
        async with self:
            self._show_report(report, report_id)
            self.importing = False
            await self._refresh_lists()
            if await self._selected_id() == list_id:
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

    def _show_report(self, report: ImportReport, report_id: str) -> None:
        self.import_percent = 100
        self.import_status = ""
        self.report_ready = True
        self.report_title = (
            f"{count_fr(report.imported, 'contact importé', 'contacts importés')} "
            f"dans « {report.list_name} », qui compte maintenant "
            f"{count_fr(report.contact_count, 'contact', 'contacts')}. "
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
            RejectedRowView(number_fr(r.line), r.label, r.value, r.detail)
            for r in report.rejected[:REPORT_ROWS_SHOWN]
        ]
        self.report_file = service.csv_filename("rapport-import", report.list_name)
        self._report_id = report_id

    @rx.event
    async def download_report(self):
        """The full report, streamed from its file behind a signed link."""
        if not self._report_id:
            return rx.toast.error("Le rapport n'est plus disponible.")
        url = downloads.link_for(
            await self._actor(),
            Download.IMPORT_REPORT,
            self._report_id,
            self.report_file,
        )
        return rx.download(url=url, filename=self.report_file)
