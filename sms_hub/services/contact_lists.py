"""Use cases on contact lists: create, rename, delete, browse, import a CSV, export.

An import is all or nothing: the whole file is read and written in one
database transaction, so a file refused halfway (too large, too many rows,
unreadable) or a failure of the database leaves the list exactly as it was.
The file is streamed and memory does not grow with it: it holds one batch of
rows, a fixed-size filter of the numbers met, the rows left out since the
last batch (a bounded buffer) and the first rows left out. Duplicates are
checked against the list in the database, where the earlier batches of the
same import are already written; every row left out goes to a temporary
file as it comes, from which :func:`report_chunks` streams the full report.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from sms_hub import metrics
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.contacts_csv import (
    ContactsCsv,
    ContactsCsvError,
    CsvFileTooLarge,
    RejectedRow,
    RejectionLog,
    csv_lines,
)
from sms_hub.domain.formatting import PARIS, count_fr, date_time_fr, number_fr
from sms_hub.domain.paging import PageQuery
from sms_hub.domain.phone import Rejection, display_phone
from sms_hub.services import audit
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.csv_spool import RejectionSpool
from sms_hub.services.errors import InvalidFile, InvalidInput, ServiceError
from sms_hub.services.guard import load_contact_list
from sms_hub.settings import get_settings
from sms_hub.store import contact_queries, unsubscribe_queries
from sms_hub.store.contact_queries import INSERT_CHUNK
from sms_hub.store.db import transaction
from sms_hub.store.models import Contact, ContactList

NAME_MAX_LENGTH = 200

Progress = Callable[[int, int], None]
CsvSource = str | os.PathLike[str] | BinaryIO


def csv_max_bytes() -> int:
    """The size limit of an imported file (setting ``CSV_MAX_BYTES``)."""
    return get_settings().csv_max_bytes


def csv_max_rows() -> int:
    """The most rows an import takes, blank ones excepted (``CSV_MAX_ROWS``)."""
    return get_settings().csv_max_rows


# --- What the screens show --------------------------------------------------


@dataclass
class ContactListRow:
    id: int
    name: str
    contact_count: int
    contact_count_label: str
    updated_at: str


@dataclass(frozen=True)
class ContactListPage:
    rows: list[ContactListRow]
    total: int


@dataclass
class ContactRow:
    id: int
    phone: str
    phone_label: str
    email: str
    last_name: str
    first_name: str
    #: On the centre's unsubscribe list, or answered STOP (« Désinscrit (STOP) »).
    unsubscribed: bool = False


@dataclass(frozen=True)
class ContactPage:
    list_id: int
    list_name: str
    rows: list[ContactRow]
    total: int


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    ``rejected`` holds the first rows left out, in file order (the first
    :data:`~sms_hub.domain.contacts_csv.REJECTED_ROWS_KEPT`: what the page
    shows, each number cut to
    :data:`~sms_hub.domain.contacts_csv.SHOWN_CHARS`); :func:`report_chunks`
    gives all of them, whole, read from ``rejections``.
    """

    list_id: int
    list_name: str
    encoding: str
    delimiter: str
    rows_read: int
    imported: int
    duplicates: int
    invalid: int
    landline: int
    missing: int
    contact_count: int
    rejected: list[RejectedRow] = field(default_factory=list)
    rejections: RejectionLog | None = field(default=None, repr=False, compare=False)

    @property
    def rejected_count(self) -> int:
        """Every row left out (not only those in ``rejected``)."""
        return self.duplicates + self.invalid + self.landline + self.missing


def list_row(contact_list: ContactList) -> ContactListRow:
    return ContactListRow(
        id=contact_list.id or 0,
        name=contact_list.name,
        contact_count=contact_list.contact_count,
        contact_count_label=number_fr(contact_list.contact_count),
        updated_at=date_time_fr(contact_list.updated_at),
    )


def contact_row(contact: Contact, unsubscribed: bool = False) -> ContactRow:
    return ContactRow(
        id=contact.id or 0,
        phone=contact.phone,
        phone_label=display_phone(contact.phone),
        email=contact.email or "",
        last_name=contact.last_name or "",
        first_name=contact.first_name or "",
        unsubscribed=unsubscribed,
    )


# --- Lists ------------------------------------------------------------------


def _audit_list(
    session: Session, actor: Actor, action: AuditAction, detail: str
) -> None:
    """A change of a contact list, recorded with it (the list named in ``detail``)."""
    audit.record_in(session, actor, action, detail=detail)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput({"name": "Saisissez un nom pour la liste."})
    if len(cleaned) > NAME_MAX_LENGTH:
        raise InvalidInput(
            {
                "name": f"Le nom de la liste ne doit pas dépasser {NAME_MAX_LENGTH} "
                "caractères."
            }
        )
    return cleaned


def _name_taken(name: str) -> InvalidInput:
    return InvalidInput({"name": f"Une liste nommée « {name} » existe déjà."})


def _create(actor: Actor, name: str) -> ContactListRow:
    try:
        with transaction() as session:
            if contact_queries.contact_list_by_name(session, actor.tenant_id, name):
                raise _name_taken(name)
            created = contact_queries.create_contact_list(
                session, actor.tenant_id, name
            )
            _audit_list(session, actor, AuditAction.LIST_CREATE, f"Liste « {name} »")
            return list_row(created)
    except IntegrityError as error:
        raise _name_taken(name) from error


async def create_contact_list(actor: Actor, name: str) -> ContactListRow:
    """A new empty list; refused if the name is empty or already used (any case)."""
    return await in_thread(_create, actor, _clean_name(name))


def _rename(actor: Actor, list_id: int, name: str) -> ContactListRow:
    try:
        with transaction() as session:
            contact_list = load_contact_list(session, actor, list_id)
            if contact_queries.contact_list_by_name(
                session, actor.tenant_id, name, exclude_id=list_id
            ):
                raise _name_taken(name)
            former = contact_list.name
            contact_queries.rename_contact_list(session, contact_list, name)
            _audit_list(
                session,
                actor,
                AuditAction.LIST_RENAME,
                f"Liste « {former} » renommée « {name} »",
            )
            return list_row(contact_list)
    except IntegrityError as error:
        raise _name_taken(name) from error


async def rename_contact_list(actor: Actor, list_id: int, name: str) -> ContactListRow:
    return await in_thread(_rename, actor, list_id, _clean_name(name))


def _delete(actor: Actor, list_id: int) -> str:
    with transaction() as session:
        contact_list = load_contact_list(session, actor, list_id)
        name, count = contact_list.name, contact_list.contact_count
        contact_queries.delete_contact_list(session, actor.tenant_id, list_id)
        _audit_list(
            session,
            actor,
            AuditAction.LIST_DELETE,
            f"Liste « {name} » ({count_fr(count, 'contact', 'contacts')})",
        )
        return name


async def delete_contact_list(actor: Actor, list_id: int) -> str:
    """Delete a list and its contacts (campaigns keep the recipients they copied)."""
    return await in_thread(_delete, actor, list_id)


def _list_page(actor: Actor, query: PageQuery) -> ContactListPage:
    with transaction() as session:
        rows, total = contact_queries.contact_list_page(session, actor.tenant_id, query)
        return ContactListPage([list_row(r) for r in rows], total)


async def contact_list_page(actor: Actor, query: PageQuery) -> ContactListPage:
    return await in_thread(_list_page, actor, query)


def _contact_page(
    actor: Actor, list_id: int, query: PageQuery, only_unsubscribed: bool
) -> ContactPage:
    with transaction() as session:
        contact_list = load_contact_list(session, actor, list_id)
        rows, total = contact_queries.contact_page(
            session,
            actor.tenant_id,
            list_id,
            query,
            only_unsubscribed=only_unsubscribed,
        )
        stopped = unsubscribe_queries.unsubscribed_among(
            session, actor.tenant_id, [(c.phone, c.email) for c in rows]
        )
        return ContactPage(
            list_id,
            contact_list.name,
            [contact_row(c, c.phone in stopped) for c in rows],
            total,
        )


async def contact_page(
    actor: Actor, list_id: int, query: PageQuery, *, only_unsubscribed: bool = False
) -> ContactPage:
    """One page of a list's contacts, searched on e-mail, phone and names;
    each marked when unsubscribed (only those with ``only_unsubscribed``)."""
    return await in_thread(_contact_page, actor, list_id, query, only_unsubscribed)


# --- Import -----------------------------------------------------------------


@contextmanager
def _open_source(source: CsvSource) -> Iterator[tuple[BinaryIO, int]]:
    """The file as a binary stream, and its size (0 when unknown)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        with path.open("rb") as stream:
            yield stream, path.stat().st_size
        return
    size = 0
    if source.seekable():
        start = source.tell()
        size = source.seek(0, os.SEEK_END) - start
        source.seek(start)
    yield source, size


def _import(
    actor: Actor,
    list_id: int,
    source: CsvSource,
    progress: Progress | None,
    max_bytes: int,
    max_rows: int,
) -> ImportReport:
    with (
        _open_source(source) as (stream, size),
        transaction() as session,
    ):
        if size > max_bytes:
            raise CsvFileTooLarge(max_bytes)
        contact_list = load_contact_list(session, actor, list_id)
        if progress:
            progress(0, size)
        # Contacts stored from here on are this import's: an earlier row's.
        last_id = contact_queries.last_contact_id(session)

        def in_list(phones: list[str]) -> dict[str, bool]:
            return contact_queries.phones_in_list(
                session, list_id, phones, added_after=last_id
            )

        csv_file = ContactsCsv(
            stream,
            max_bytes=max_bytes,
            known_phones=contact_queries.list_phones(session, actor.tenant_id, list_id),
            in_list=in_list,
            rejected_rows=RejectionSpool(),
            max_rows=max_rows,
        )
        with contact_queries.bulk_insert_cache(session):
            for batch in csv_file.batches(INSERT_CHUNK):
                contact_queries.insert_contacts(session, list_id, batch)
                if progress:
                    progress(min(csv_file.bytes_read, size), size)
        count = contact_queries.refresh_contact_count(session, actor.tenant_id, list_id)
        if progress:
            progress(size, size)
        counts = csv_file.rejection_counts
        _audit_list(
            session,
            actor,
            AuditAction.LIST_IMPORT,
            f"Liste « {contact_list.name} » : "
            f"{count_fr(csv_file.imported, 'contact importé', 'contacts importés')}, "
            f"{count_fr(csv_file.rejected_count, 'ligne écartée', 'lignes écartées')}",
        )
        return ImportReport(
            list_id=list_id,
            list_name=contact_list.name,
            encoding=csv_file.encoding_label,
            delimiter=csv_file.delimiter_label,
            rows_read=csv_file.rows_read,
            imported=csv_file.imported,
            duplicates=counts[Rejection.DUPLICATE],
            invalid=counts[Rejection.INVALID],
            landline=counts[Rejection.LANDLINE],
            missing=counts[Rejection.MISSING],
            contact_count=count,
            rejected=csv_file.rejected,
            rejections=csv_file.rejections,
        )


def _count_import(report: ImportReport) -> None:
    metrics.IMPORTS.labels("done").inc()
    metrics.IMPORT_ROWS.labels("accepted").inc(report.imported)
    rejected = report.duplicates + report.invalid + report.landline + report.missing
    metrics.IMPORT_ROWS.labels("rejected").inc(rejected)


def import_csv_blocking(
    actor: Actor,
    list_id: int,
    source: CsvSource,
    progress: Progress | None = None,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> ImportReport:
    """:func:`import_csv` on the calling thread (scripts, benchmarks)."""
    try:
        try:
            report = _import(
                actor,
                list_id,
                source,
                progress,
                max_bytes or csv_max_bytes(),
                max_rows or csv_max_rows(),
            )
            _count_import(report)
            return report
        except ContactsCsvError as error:
            raise InvalidFile(error.user_message) from error
        except IntegrityError as error:
            raise ServiceError(
                "La liste a été modifiée pendant l'import. Aucun contact n'a été "
                "importé : relancez l'import."
            ) from error
    except ServiceError as error:
        metrics.IMPORTS.labels("refused").inc()
        audit.record(
            actor,
            AuditAction.LIST_IMPORT,
            AuditOutcome.FAILED,
            detail=f"Liste n° {list_id} : {error.user_message}",
        )
        raise


async def import_csv(
    actor: Actor,
    list_id: int,
    source: CsvSource,
    progress: Progress | None = None,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> ImportReport:
    """Import a CSV file of contacts into a list, all or nothing.

    ``source`` is a path or a binary file object. ``progress(done, total)`` is
    called from the worker thread with the bytes read so far and the file
    size (``total`` is 0 when the size is unknown). Rows that are not
    imported (missing, invalid, landline, duplicate) are in the report; a
    file that cannot be imported (among others, one over ``max_bytes`` or of
    more than ``max_rows`` rows: the settings by default) raises
    :class:`InvalidFile` and changes nothing.
    """
    return await in_thread(
        import_csv_blocking,
        actor,
        list_id,
        source,
        progress,
        max_bytes=max_bytes,
        max_rows=max_rows,
    )


REPORT_HEADER = ("Ligne", "Motif", "Numéro lu", "Détail")


def report_chunks(report: ImportReport) -> Iterator[str]:
    """Every row left out by an import, as a CSV for French Excel, a chunk at
    a time (for :func:`~sms_hub.services.downloads.keep_report`: never one
    string, whatever the number of rows)."""
    if report.rejections is not None:
        return report.rejections.csv_chunks(REPORT_HEADER)
    return csv_lines(
        ((r.line, r.label, r.value, r.detail) for r in report.rejected), REPORT_HEADER
    )


# --- Export -----------------------------------------------------------------


def csv_filename(prefix: str, name: str, moment: datetime | None = None) -> str:
    """``contacts-stagiaires-2026-01-15.csv``: a safe file name for a download."""
    folded = unicodedata.normalize("NFKD", name)
    ascii_name = folded.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:60] or "liste"
    day = (moment or datetime.now(PARIS)).astimezone(PARIS).strftime("%Y-%m-%d")
    return f"{prefix}-{slug}-{day}.csv"
