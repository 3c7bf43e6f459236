"""Reading contacts CSV files and writing CSV exports."""

from __future__ import annotations

import csv
import io
import os

import pytest

from sms_hub.domain.contacts_csv import (
    DUPLICATE_IN_FILE,
    DUPLICATE_IN_LIST,
    ContactsCsv,
    CsvFileTooLarge,
    EmptyCsvFile,
    NoPhoneColumn,
    NotACsvFile,
    fold_header,
    map_columns,
    safe_cell,
    size_fr,
    sniff_delimiter,
    write_csv,
)
from sms_hub.domain.contacts_csv import reading as contacts_csv
from sms_hub.domain.phone import Rejection


def read(data: bytes | str, **kwargs) -> tuple[ContactsCsv, list[tuple]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    contacts = ContactsCsv(io.BytesIO(raw), **kwargs)
    return contacts, list(contacts.contacts())


def rejections(contacts: ContactsCsv) -> list[tuple[int, Rejection]]:
    return [(row.line, row.reason) for row in contacts.rejected]


# --- Dialects and encodings ------------------------------------------------


def test_semicolon_file_as_french_excel_writes_it():
    contacts, rows = read(
        "Nom;Prénom;Email;Téléphone\r\nDupont;Éloïse;e.dupont@exemple.fr;06 12 34 56 78\r\n"
    )
    assert contacts.delimiter == ";"
    assert rows == [("e.dupont@exemple.fr", "+33612345678", "Dupont", "Éloïse")]


def test_comma_file():
    contacts, rows = read(
        'nom,prenom,email,telephone\nMartin,"Jean, Paul",j@x.fr,+33 6 12 34 56 78\n'
    )
    assert contacts.delimiter == ","
    assert rows == [("j@x.fr", "+33612345678", "Martin", "Jean, Paul")]


def test_tab_separated_file():
    contacts, rows = read("Mobile\tNom\n0612345678\tDurand\n")
    assert contacts.delimiter == "\t"
    assert rows == [(None, "+33612345678", "Durand", None)]


def test_delimiter_sniffed_outside_quotes():
    assert sniff_delimiter('"Nom; Prénom",Téléphone,Email\n') == ","
    assert sniff_delimiter("Téléphone\n") == ";"


def test_utf8_with_bom():
    data = "\ufeffTéléphone;Prénom\n0612345678;Zoé\n".encode()
    contacts, rows = read(data)
    assert contacts.encoding_label == "UTF-8"
    assert contacts.headers == ["Téléphone", "Prénom"]
    assert rows == [(None, "+33612345678", None, "Zoé")]


def test_utf8_without_bom():
    contacts, rows = read("Téléphone;Prénom\n0612345678;Hélène\n".encode())
    assert contacts.encoding_label == "UTF-8"
    assert rows[0][3] == "Hélène"


def test_windows_1252_accents_from_french_excel():
    data = "Nom;Prénom;Tél\nLefèvre;Noël;06 12 34 56 78\n".encode("cp1252")
    contacts, rows = read(data)
    assert contacts.encoding_label == "Windows-1252"
    assert contacts.headers == ["Nom", "Prénom", "Tél"]
    assert rows == [(None, "+33612345678", "Lefèvre", "Noël")]


def test_stray_windows_1252_byte_after_a_utf8_start():
    # The first 64 KB are valid UTF-8, so the file is taken for UTF-8.
    head = "Téléphone;Nom\n" + "0612345678;Dupont\n" * 5000
    tail = "0781234567;Bérénice\n".encode("cp1252")
    contacts, rows = read(head.encode() + tail)
    assert contacts.encoding_label == "UTF-8"
    assert rows[-1] == (None, "+33781234567", "Bérénice", None)


def test_utf16_unicode_text_from_excel():
    data = "Nom\tMobile\nDupré\t0612345678\n".encode("utf-16")
    contacts, rows = read(data)
    assert contacts.encoding_label == "UTF-16"
    assert rows == [(None, "+33612345678", "Dupré", None)]


# --- Columns -----------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Téléphone",
        "telephone",
        "TÉLÉPHONE",
        "Tél.",
        "tel",
        "Mobile",
        "Portable",
        "Numéro",
        "GSM",
        "Téléphone portable",
        "N° de téléphone",
        "Numéro de portable",
        "Tél. mobile",
    ],
)
def test_phone_column_header_variants(header):
    assert map_columns([header]) is not None


@pytest.mark.parametrize(
    "header",
    ["Email", "e-mail", "E-Mail", "Courriel", "Adresse email", "Adresse mail", "Mél"],
)
def test_email_column_header_variants(header):
    columns = map_columns(["Téléphone", header])
    assert columns is not None and columns.email == 1


@pytest.mark.parametrize("header", ["Nom", "NOM", "Nom de famille", "nom d'usage"])
def test_last_name_header_variants(header):
    columns = map_columns(["Prénom", header, "Mobile"])
    assert columns is not None
    assert (columns.last_name, columns.first_name) == (1, 0)


@pytest.mark.parametrize("header", ["Prénom", "prenom", "PRÉNOM", "Prénoms"])
def test_first_name_header_variants(header):
    columns = map_columns(["Nom", header, "Mobile"])
    assert columns is not None and columns.first_name == 1


def test_headers_fold_accents_case_and_punctuation():
    assert fold_header(" Tél. Portable ") == "tel portable"
    assert fold_header("\ufeffN° de téléphone") == "n de telephone"


def test_a_mobile_column_is_preferred_to_a_landline_one():
    columns = map_columns(["Téléphone fixe", "Fax", "Téléphone portable"])
    assert columns is not None
    assert columns.phones == (2, 0)


def test_other_phone_column_used_when_the_mobile_one_is_empty():
    contacts, rows = read(
        "Nom;Portable;Téléphone fixe\nA;;06 12 34 56 78\nB;;01 23 45 67 89\n"
    )
    assert rows == [(None, "+33612345678", "A", None)]
    assert rejections(contacts) == [(3, Rejection.LANDLINE)]
    assert contacts.rejected[0].value == "01 23 45 67 89"


def test_company_name_is_not_a_last_name():
    columns = map_columns(["Nom de l'entreprise", "Mobile"])
    assert columns is not None and columns.last_name is None


# --- Refused files -----------------------------------------------------------


def test_missing_phone_column_names_the_headers_found():
    with pytest.raises(NoPhoneColumn) as error:
        read("Nom;Prénom;Email\nDupont;Jean;j@x.fr\n")
    assert "« Nom », « Prénom », « Email »" in error.value.user_message
    assert "Téléphone" in error.value.user_message


def test_a_first_line_of_data_asks_for_headers():
    with pytest.raises(NoPhoneColumn) as error:
        read("Dupont;06 12 34 56 78\n")
    assert "intitulés des colonnes" in error.value.user_message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"])
def test_empty_file(data):
    with pytest.raises(EmptyCsvFile) as error:
        read(data)
    assert (
        error.value.user_message == "Le fichier est vide : il ne contient aucune ligne."
    )


def test_header_only_imports_nothing():
    contacts, rows = read("Téléphone;Nom\n")
    assert rows == []
    assert contacts.rejected == []


def test_oversized_file_refused_while_streaming():
    data = b"Telephone\n" + b"0612345678\n" * 20_000
    contacts = ContactsCsv(io.BytesIO(data), max_bytes=100_000)
    with pytest.raises(CsvFileTooLarge) as error:
        list(contacts.contacts())
    assert "100 ko" in error.value.user_message


def test_oversized_first_chunk_refused_at_once():
    with pytest.raises(CsvFileTooLarge):
        ContactsCsv(io.BytesIO(b"Telephone\n" + b"0612345678\n" * 100), max_bytes=50)


def test_binary_garbage_is_not_a_csv():
    garbage = os.urandom(4096)
    with pytest.raises(NotACsvFile) as error:
        read(garbage.replace(b"\xff\xfe", b"ab").replace(b"\xfe\xff", b"ab"))
    assert "pas un fichier CSV" in error.value.user_message


def test_control_characters_without_nul_are_not_a_csv():
    with pytest.raises(NotACsvFile):
        read(bytes(range(1, 32)) * 50)


@pytest.mark.parametrize(
    ("signature", "words"),
    [(b"PK\x03\x04", "classeur"), (b"\xd0\xcf\x11\xe0", ".xls"), (b"%PDF-1.7", "PDF")],
)
def test_spreadsheets_and_pdfs_are_named(signature, words):
    with pytest.raises(NotACsvFile) as error:
        read(signature + b"\x00" * 100)
    assert words in error.value.user_message


def test_french_file_sizes():
    assert size_fr(50_000_000) == "50 Mo"
    assert size_fr(2_500_000) == "2,5 Mo"
    assert size_fr(100_000) == "100 ko"


# --- Rows -------------------------------------------------------------------


def test_report_gives_line_numbers_and_reasons():
    contacts, rows = read(
        "Nom;Téléphone\n"  # line 1
        "A;06 12 34 56 78\n"  # 2 imported
        "B;\n"  # 3 missing
        "C;01 23 45 67 89\n"  # 4 landline
        "D;06 12 34\n"  # 5 invalid
        "E;+33 6 12 34 56 78\n"  # 6 duplicate of line 2
        ";\n"  # 7 blank row: skipped, not reported
        "\n"  # 8 empty line: skipped
        "F;0033 7 81 23 45 67\n"  # 9 imported
    )
    assert [r[1] for r in rows] == ["+33612345678", "+33781234567"]
    assert rejections(contacts) == [
        (3, Rejection.MISSING),
        (4, Rejection.LANDLINE),
        (5, Rejection.INVALID),
        (6, Rejection.DUPLICATE),
    ]
    assert contacts.rejected[3].detail == DUPLICATE_IN_FILE
    assert contacts.rejected[2].value == "06 12 34"
    assert contacts.rejected[0].label == "Numéro manquant"
    assert contacts.imported == 2
    assert contacts.rows_read == 6
    assert contacts.rejection_counts[Rejection.DUPLICATE] == 1


def test_line_numbers_follow_spreadsheet_rows_with_multiline_cells():
    contacts, _ = read(
        'Nom;Téléphone\n"Dupont\nJean";06 12 34 56 78\nMartin;01 23 45 67 89\n'
    )
    assert rejections(contacts) == [(3, Rejection.LANDLINE)]


def test_blank_lines_before_the_header_count_as_rows():
    contacts, _ = read("\n\nTéléphone\n01 23 45 67 89\n")
    assert rejections(contacts) == [(4, Rejection.LANDLINE)]


def test_dedupe_by_e164_across_written_forms():
    _, rows = read(
        "Téléphone\n06 12 34 56 78\n06.12.34.56.78\n+33 (0)6 12 34 56 78\n"
        "0033612345678\n612345678\n"
    )
    assert rows == [(None, "+33612345678", None, None)]


def test_numbers_already_in_the_list_are_duplicates():
    contacts, rows = read(
        "Téléphone\n06 12 34 56 78\n07 81 23 45 67\n",
        known_phones=["+33612345678"],
    )
    assert rows == [(None, "+33781234567", None, None)]
    assert contacts.rejected[0].detail == DUPLICATE_IN_LIST


def test_overseas_and_foreign_mobiles_are_imported():
    _, rows = read("Téléphone\n0692 12 34 56\n+44 7911 123456\n")
    assert [r[1] for r in rows] == ["+262692123456", "+447911123456"]


def test_short_rows_and_extra_cells():
    _, rows = read("Nom;Prénom;Email;Mobile\nDupont\nA;B;c@d.fr;0612345678;extra\n")
    assert rows == [("c@d.fr", "+33612345678", "A", "B")]


def test_cells_are_trimmed_and_bounded():
    _, rows = read(f"Mobile;Nom;Email\n 0612345678 ;  {'x' * 300}  ; \n")
    assert rows == [(None, "+33612345678", "x" * 200, None)]


def test_batches_keep_file_order():
    data = "Mobile\n" + "".join(f"078{i:07d}\n" for i in range(25))
    contacts = ContactsCsv(io.BytesIO(data.encode()))
    batches = list(contacts.batches(10))
    assert [len(b) for b in batches] == [10, 10, 5]
    assert batches[0][0][1] == "+33780000000"


# --- Exports ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33612345678", "'+33612345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Dupont", "Dupont"),
        ("Jean-Paul", "Jean-Paul"),
        ("", ""),
    ],
)
def test_safe_cell_defuses_formulas(value, expected):
    assert safe_cell(value) == expected


def test_write_csv_is_semicolon_utf8_with_bom_and_safe():
    text = write_csv([("=1+1", "Zoé", None, 3)], ["Nom", "Prénom", "Email", "N"])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Nom", "Prénom", "Email", "N"], ["'=1+1", "Zoé", "", "3"]]
    assert "\r\n" in text


def test_an_export_reimports_to_the_same_contacts():
    original = [("a@x.fr", "+33612345678", "Dupont", "Zoé")]
    exported = write_csv(
        [(last, first, email, phone) for email, phone, last, first in original],
        ["Nom", "Prénom", "Email", "Téléphone"],
    )
    assert "'+33612345678" in exported
    _, rows = read(exported.encode())
    assert rows == original


# --- Dedupe against the list, report of the rows left out -------------------


class FakeList:
    """The list in the database, as ``in_list`` sees it: the numbers it held
    before the import, and those each batch stored."""

    def __init__(self, before: list[str]) -> None:
        self.numbers = dict.fromkeys(before, False)
        self.asked: list[list[str]] = []

    def in_list(self, phones: list[str]) -> dict[str, bool]:
        self.asked.append(phones)
        return {p: self.numbers[p] for p in phones if p in self.numbers}

    def store(self, contacts: ContactsCsv, size: int) -> list[str]:
        stored = []
        for batch in contacts.batches(size):
            for contact in batch:
                assert contact[1] not in self.numbers
                self.numbers[contact[1]] = True
                stored.append(contact[1])
        return stored


DUPLICATES_ACROSS_BATCHES = (
    "Nom;Téléphone\n"  # line 1
    "A;06 00 00 00 01\n"  # 2
    "B;06 00 00 00 02\n"  # 3
    "C;06 00 00 00 03\n"  # 4: end of the first batch
    "D;01 23 45 67 89\n"  # 5 landline
    "E;06.00.00.00.01\n"  # 6 duplicate of line 2, a batch before
    "F;06 99 99 99 99\n"  # 7 already in the list
    "G;06 00 00 00 04\n"  # 8
    "H;+33 6 99 99 99 99\n"  # 9 again the number of the list
    "I;\n"  # 10 missing
    "J;06 00 00 00 04\n"  # 11 duplicate of line 8, same batch
    "K;06 00 00 00 05\n"  # 12
    "L;0600000002\n"  # 13 duplicate of line 3
)


def _dedupe_across_batches() -> None:
    fake = FakeList(["+33699999999"])
    contacts = ContactsCsv(
        io.BytesIO(DUPLICATES_ACROSS_BATCHES.encode()),
        known_phones=["+33699999999"],
        in_list=fake.in_list,
    )
    stored = fake.store(contacts, 3)
    assert stored == [f"+3360000000{i}" for i in range(1, 6)]
    assert [(r.line, r.reason, r.detail) for r in contacts.rejected] == [
        (5, Rejection.LANDLINE, ""),
        (6, Rejection.DUPLICATE, DUPLICATE_IN_FILE),
        (7, Rejection.DUPLICATE, DUPLICATE_IN_LIST),
        (9, Rejection.DUPLICATE, DUPLICATE_IN_LIST),
        (10, Rejection.MISSING, ""),
        (11, Rejection.DUPLICATE, DUPLICATE_IN_FILE),
        (13, Rejection.DUPLICATE, DUPLICATE_IN_FILE),
    ]
    assert contacts.rejected[1].value == "06.00.00.00.01"
    assert contacts.rejected[3].label == "Doublon"
    assert contacts.imported == 5
    assert contacts.rows_read == 12


def test_duplicates_across_batches_are_checked_against_the_list():
    _dedupe_across_batches()


def test_every_number_checked_when_the_filter_is_full(monkeypatch):
    # One slot: every number after the first may have been met; the list says.
    monkeypatch.setattr(contacts_csv, "FILTER_SLOTS", 1)
    _dedupe_across_batches()


def test_the_list_is_asked_only_about_numbers_the_filter_met():
    data = "Mobile\n" + "".join(f"078{i:07d}\n" for i in range(30)) + "0780000001\n"
    fake = FakeList([])
    contacts = ContactsCsv(io.BytesIO(data.encode()), in_list=fake.in_list)
    fake.store(contacts, 10)
    assert contacts.imported == 30
    # The repeated number, and only a rare collision in the filter besides.
    assert fake.asked[-1] == ["+33780000001"]
    assert sum(len(phones) for phones in fake.asked) < 5
    assert contacts.rejected[0].detail == DUPLICATE_IN_FILE


def test_only_the_first_rows_left_out_are_kept_and_all_are_reported():
    data = (
        "Mobile;Nom\n"
        + "".join(f"06 12 {i:02d};N{i}\n" for i in range(30))
        + "=1+1;Formule\n"
        + '"06;12";Séparateur\n'
    )
    contacts = ContactsCsv(io.BytesIO(data.encode()), keep_rejected=5)
    assert list(contacts.contacts()) == []
    assert [r.line for r in contacts.rejected] == [2, 3, 4, 5, 6]
    assert contacts.rejected_count == 32
    assert contacts.rejection_counts[Rejection.INVALID] == 32
    text = "".join(
        contacts.rejections.csv_chunks(["Ligne", "Motif", "Numéro lu", "Détail"])
    )
    assert text == write_csv(
        [
            (line, "Numéro invalide", f"06 12 {line - 2:02d}", "")
            for line in range(2, 32)
        ]
        + [(32, "Numéro invalide", "=1+1", ""), (33, "Numéro invalide", "06;12", "")],
        ["Ligne", "Motif", "Numéro lu", "Détail"],
    )
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[-2:] == [
        ["32", "Numéro invalide", "'=1+1", ""],
        ["33", "Numéro invalide", "06;12", ""],
    ]
