"""Contact lists against a real (temporary SQLite) database: the service's use cases."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from sms_hub.domain.contacts_csv import REJECTED_ROWS_KEPT
from sms_hub.domain.contacts_csv import reading as contacts_csv
from sms_hub.domain.paging import PageQuery
from sms_hub.services import contact_lists as service
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download
from sms_hub.services.errors import InvalidFile, InvalidInput, NotFound
from sms_hub.settings import get_settings
from sms_hub.store import contact_queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import Contact, ContactList
from tests.integration.download_support import downloaded
from tests.support.factories import add_centre


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports are read through a signed single-use link, as a page does."""
    monkeypatch.setenv("SECRETS_KEY", Fernet.generate_key().decode())


@pytest.fixture
def actor(database: str) -> Actor:
    return add_centre("horizon")


@pytest.fixture
def other_actor(database: str) -> Actor:
    return add_centre("autre")


def _csv(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def _phones(url: str, list_id: int) -> list[str]:
    with session_scope(url) as session:
        rows = session.exec(
            select(Contact.phone).where(Contact.list_id == list_id).order_by(Contact.id)
        ).all()
        return list(rows)


def _count(url: str, list_id: int) -> int:
    with session_scope(url) as session:
        contact_list = session.get(ContactList, list_id)
        assert contact_list is not None
        return contact_list.contact_count


SAMPLE = (
    "Nom;Prénom;E-mail;Téléphone portable\n"
    "Dupont;Éloïse;e.dupont@exemple.fr;06 12 34 56 78\n"
    "Martin;Loïc;;+33 7 81 23 45 67\n"
    "Durand;Zoé;z@exemple.fr;01 23 45 67 89\n"
    "Petit;Inès;;\n"
    "Dupont;Éloïse;;06.12.34.56.78\n"
    "Robert;Noël;;06 12 34\n"
)


# --- Lists ------------------------------------------------------------------


async def test_create_list(actor: Actor):
    row = await service.create_contact_list(actor, "  Stagiaires   2026 ")
    assert row.name == "Stagiaires 2026"
    assert row.contact_count == 0
    page = await service.contact_list_page(actor, PageQuery())
    assert [r.name for r in page.rows] == ["Stagiaires 2026"]
    assert page.total == 1


@pytest.mark.parametrize("name", ["", "   "])
async def test_a_list_needs_a_name(actor: Actor, name: str):
    with pytest.raises(InvalidInput) as error:
        await service.create_contact_list(actor, name)
    assert error.value.field_errors == {"name": "Saisissez un nom pour la liste."}


async def test_a_list_name_is_bounded(actor: Actor):
    with pytest.raises(InvalidInput) as error:
        await service.create_contact_list(actor, "x" * 201)
    assert "200 caractères" in error.value.field_errors["name"]


async def test_list_names_are_unique_whatever_the_case(actor: Actor):
    await service.create_contact_list(actor, "Stagiaires")
    with pytest.raises(InvalidInput) as error:
        await service.create_contact_list(actor, "STAGIAIRES")
    assert error.value.field_errors["name"] == (
        "Une liste nommée « STAGIAIRES » existe déjà."
    )


async def test_two_centres_may_use_the_same_name(actor: Actor, other_actor: Actor):
    await service.create_contact_list(actor, "Stagiaires")
    await service.create_contact_list(other_actor, "Stagiaires")
    mine = await service.contact_list_page(actor, PageQuery())
    assert mine.total == 1


async def test_rename_list(actor: Actor):
    row = await service.create_contact_list(actor, "Stagaires")
    renamed = await service.rename_contact_list(actor, row.id, "Stagiaires")
    assert renamed.name == "Stagiaires"
    # Changing only the case of its own name is allowed.
    again = await service.rename_contact_list(actor, row.id, "STAGIAIRES")
    assert again.name == "STAGIAIRES"


async def test_rename_to_a_name_already_used_is_refused(actor: Actor):
    await service.create_contact_list(actor, "Alternants")
    row = await service.create_contact_list(actor, "Stagiaires")
    with pytest.raises(InvalidInput):
        await service.rename_contact_list(actor, row.id, "alternants")


async def test_delete_list_deletes_its_contacts(actor: Actor, database: str):
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, row.id, _csv(SAMPLE))
    assert _phones(database, row.id)
    name = await service.delete_contact_list(actor, row.id)
    assert name == "Stagiaires"
    assert _phones(database, row.id) == []
    assert (await service.contact_list_page(actor, PageQuery())).total == 0


async def test_another_centres_list_is_out_of_reach(actor: Actor, other_actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    with pytest.raises(NotFound) as error:
        await service.rename_contact_list(other_actor, row.id, "Volée")
    assert error.value.user_message == "Cette liste de contacts n'existe plus."
    with pytest.raises(NotFound):
        await service.delete_contact_list(other_actor, row.id)
    with pytest.raises(NotFound):
        await service.import_csv(other_actor, row.id, _csv(SAMPLE))
    with pytest.raises(NotFound):
        await service.contact_page(other_actor, row.id, PageQuery())
    with pytest.raises(NotFound):
        await downloaded(other_actor, Download.CONTACTS, row.id)


async def test_list_pages_are_sorted_by_name_and_searchable(actor: Actor):
    for name in ["Zèbre", "alternants", "Stagiaires 2025", "Stagiaires 2026"]:
        await service.create_contact_list(actor, name)
    page = await service.contact_list_page(actor, PageQuery(limit=2))
    assert [r.name for r in page.rows] == ["alternants", "Stagiaires 2025"]
    assert page.total == 4
    found = await service.contact_list_page(actor, PageQuery(search="STAGIAIRES"))
    assert [r.name for r in found.rows] == ["Stagiaires 2025", "Stagiaires 2026"]


# --- Import -----------------------------------------------------------------


async def test_import_reports_every_row_left_out(actor: Actor, database: str):
    row = await service.create_contact_list(actor, "Stagiaires")
    report = await service.import_csv(actor, row.id, _csv(SAMPLE, "cp1252"))
    assert (report.imported, report.duplicates, report.invalid) == (2, 1, 1)
    assert (report.landline, report.missing) == (1, 1)
    assert report.encoding == "Windows-1252"
    assert report.contact_count == 2
    assert [(r.line, r.label) for r in report.rejected] == [
        (4, "Numéro fixe (pas de SMS)"),
        (5, "Numéro manquant"),
        (6, "Doublon"),
        (7, "Numéro invalide"),
    ]
    assert _phones(database, row.id) == ["+33612345678", "+33781234567"]
    assert _count(database, row.id) == 2


async def test_import_from_a_path_reports_progress(
    actor: Actor, database: str, tmp_path: Path
):
    row = await service.create_contact_list(actor, "Stagiaires")
    path = tmp_path / "contacts.csv"
    path.write_text(SAMPLE, encoding="utf-8-sig")
    calls: list[tuple[int, int]] = []
    report = await service.import_csv(
        actor, row.id, str(path), lambda done, total: calls.append((done, total))
    )
    assert report.imported == 2
    size = path.stat().st_size
    assert calls[0] == (0, size)
    assert calls[-1] == (size, size)


async def test_a_second_import_skips_numbers_already_in_the_list(
    actor: Actor, database: str
):
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, row.id, _csv(SAMPLE))
    report = await service.import_csv(
        actor, row.id, _csv("Mobile\n0612345678\n0698765432\n")
    )
    assert report.imported == 1
    assert report.rejected[0].detail == "déjà présent dans la liste"
    assert report.contact_count == 3
    assert _count(database, row.id) == 3


async def test_import_is_all_or_nothing(
    actor: Actor, database: str, monkeypatch: pytest.MonkeyPatch
):
    """A failure after some batches were written leaves the list as it was."""
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, row.id, _csv("Mobile\n0612345678\n"))
    monkeypatch.setattr(contact_queries, "INSERT_CHUNK", 10)
    monkeypatch.setattr(service, "INSERT_CHUNK", 10)
    real_insert = contact_queries.insert_contacts
    batches = 0

    def failing_insert(session, list_id, contacts):
        nonlocal batches
        batches += 1
        if batches == 3:
            raise RuntimeError("disque plein")
        real_insert(session, list_id, contacts)

    monkeypatch.setattr(contact_queries, "insert_contacts", failing_insert)
    big = "Mobile\n" + "".join(f"078{i:07d}\n" for i in range(50))
    with pytest.raises(RuntimeError):
        await service.import_csv(actor, row.id, _csv(big))
    assert batches == 3
    assert _phones(database, row.id) == ["+33612345678"]
    assert _count(database, row.id) == 1


async def test_a_file_too_large_midway_changes_nothing(
    actor: Actor, database: str, monkeypatch: pytest.MonkeyPatch
):
    row = await service.create_contact_list(actor, "Stagiaires")
    monkeypatch.setattr(contact_queries, "INSERT_CHUNK", 100)
    monkeypatch.setattr(service, "INSERT_CHUNK", 100)
    rows = "".join(f"078{i:07d}\n" for i in range(20_000))
    data = ("Mobile\n" + rows).encode()

    class Unsized(io.RawIOBase):
        """A stream whose size is not known beforehand (no seek)."""

        def __init__(self) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with pytest.raises(InvalidFile) as error:
        await service.import_csv(actor, row.id, Unsized(), max_bytes=150_000)
    assert "taille maximale" in error.value.user_message
    assert _phones(database, row.id) == []


async def test_csv_max_bytes_from_the_environment(
    actor: Actor, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CSV_MAX_BYTES", "100")
    get_settings.cache_clear()
    assert service.csv_max_bytes() == 100
    row = await service.create_contact_list(actor, "Stagiaires")
    with pytest.raises(InvalidFile) as error:
        await service.import_csv(actor, row.id, _csv(SAMPLE))
    assert "100 octets" in error.value.user_message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "vide"),
        (b"Nom;Email\nDupont;d@x.fr\n", "« Nom », « Email »"),
        (b"PK\x03\x04\x00\x00", "classeur"),
    ],
)
async def test_refused_files_change_nothing(
    actor: Actor, database: str, data: bytes, words: str
):
    row = await service.create_contact_list(actor, "Stagiaires")
    with pytest.raises(InvalidFile) as error:
        await service.import_csv(actor, row.id, io.BytesIO(data))
    assert words in error.value.user_message
    assert _phones(database, row.id) == []


async def test_report_csv(actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    report = await service.import_csv(actor, row.id, _csv(SAMPLE))
    text = "".join(service.report_chunks(report))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Ligne", "Motif", "Numéro lu", "Détail"]
    assert rows[1] == ["4", "Numéro fixe (pas de SMS)", "01 23 45 67 89", ""]
    assert rows[3] == [
        "6",
        "Doublon",
        "06.12.34.56.78",
        "déjà présent plus haut dans le fichier",
    ]


@pytest.mark.parametrize("filter_slots", [None, 1])
async def test_duplicates_across_batches_are_found_in_the_database(
    actor: Actor, database: str, monkeypatch: pytest.MonkeyPatch, filter_slots
):
    """Batches of 10: a number of an earlier batch is found in the list itself.

    With one filter slot, every number goes through the database lookup.
    """
    if filter_slots:
        monkeypatch.setattr(contacts_csv, "FILTER_SLOTS", filter_slots)
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, row.id, _csv("Mobile\n0699999999\n"))
    monkeypatch.setattr(contact_queries, "INSERT_CHUNK", 10)
    monkeypatch.setattr(service, "INSERT_CHUNK", 10)
    numbers = [f"078{i:07d}" for i in range(25)]
    data = (
        "Mobile\n"  # line 1
        + "".join(f"{n}\n" for n in numbers)  # lines 2-26
        + "07 80 00 00 03\n"  # 27: line 5, two batches before
        + "06 99 99 99 99\n"  # 28: in the list before the import
        + "+33780000024\n"  # 29: line 26, same batch
        + "01 23 45 67 89\n"  # 30: landline
        + "0033699999999\n"  # 31: in the list, again
    )
    report = await service.import_csv(actor, row.id, _csv(data))
    assert report.imported == 25
    assert [(r.line, r.label, r.detail) for r in report.rejected] == [
        (27, "Doublon", "déjà présent plus haut dans le fichier"),
        (28, "Doublon", "déjà présent dans la liste"),
        (29, "Doublon", "déjà présent plus haut dans le fichier"),
        (30, "Numéro fixe (pas de SMS)", ""),
        (31, "Doublon", "déjà présent dans la liste"),
    ]
    assert report.duplicates == 4
    assert report.rejected_count == 5
    assert _phones(database, row.id) == ["+33699999999"] + [
        f"+3378{i:07d}" for i in range(25)
    ]
    assert _count(database, row.id) == 26


async def test_report_csv_has_every_row_beyond_those_shown(actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    data = "Mobile\n" + "".join(
        f"01 23 45 {i // 100:02d} {i % 100:02d}\n" for i in range(250)
    )
    report = await service.import_csv(actor, row.id, _csv(data))
    assert report.landline == 250
    assert report.rejected_count == 250
    assert len(report.rejected) == REJECTED_ROWS_KEPT
    assert report.rejected[-1].line == REJECTED_ROWS_KEPT + 1
    rows = list(
        csv.reader(
            io.StringIO("".join(service.report_chunks(report))[1:]), delimiter=";"
        )
    )
    assert len(rows) == 1 + 250
    assert rows[-1] == ["251", "Numéro fixe (pas de SMS)", "01 23 45 02 49", ""]
    # The download may be asked for again.
    assert "".join(service.report_chunks(report)) == "".join(
        service.report_chunks(report)
    )


# --- Browsing and export ----------------------------------------------------


async def test_contacts_page_searches_names_emails_and_numbers(actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, row.id, _csv(SAMPLE))
    page = await service.contact_page(actor, row.id, PageQuery())
    assert page.list_name == "Stagiaires"
    assert page.total == 2
    assert [c.last_name for c in page.rows] == ["Dupont", "Martin"]
    assert page.rows[0].phone_label == "06 12 34 56 78"
    for search in ["dupont", "E.DUPONT@", "06 12 34", "+33612", "Éloïse"]:
        found = await service.contact_page(actor, row.id, PageQuery(search=search))
        assert [c.last_name for c in found.rows] == ["Dupont"], search
    none = await service.contact_page(actor, row.id, PageQuery(search="100%"))
    assert none.total == 0
    # Digits inside a word are not a phone number: "Martin7" finds nobody.
    text = await service.contact_page(actor, row.id, PageQuery(search="Martin7"))
    assert text.total == 0


async def test_contacts_page_is_one_page(actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    data = "Nom;Mobile\n" + "".join(f"N{i:02d};078{i:07d}\n" for i in range(45))
    await service.import_csv(actor, row.id, _csv(data))
    page = await service.contact_page(actor, row.id, PageQuery(offset=40, limit=20))
    assert page.total == 45
    assert [c.last_name for c in page.rows] == ["N40", "N41", "N42", "N43", "N44"]


async def test_export_is_excel_ready_and_formula_safe(actor: Actor):
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(
        actor, row.id, _csv("Nom;Prénom;Email;Mobile\n=CMD();Zoé;@x;0612345678\n")
    )
    text = await downloaded(actor, Download.CONTACTS, row.id)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [
        ["Nom", "Prénom", "Email", "Téléphone"],
        ["'=CMD()", "Zoé", "'@x", "'+33612345678"],
    ]


async def test_an_export_imports_back_into_another_list(actor: Actor, database: str):
    first = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, first.id, _csv(SAMPLE))
    exported = await downloaded(actor, Download.CONTACTS, first.id)
    copy = await service.create_contact_list(actor, "Copie")
    report = await service.import_csv(actor, copy.id, _csv(exported))
    assert report.rejected == []
    assert _phones(database, copy.id) == _phones(database, first.id)


def test_download_file_names():
    assert (
        service.csv_filename("contacts", "Stagiaires été 2026 / Lyon")
        .removesuffix(".csv")
        .startswith("contacts-stagiaires-ete-2026-lyon-")
    )
    assert service.csv_filename("rapport", "***").startswith("rapport-liste-")
