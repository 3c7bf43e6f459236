"""Bad input refused before it costs time or memory, always with a French
message (and the line number when a line is at fault)."""

from __future__ import annotations

import csv
import io

import pytest

from sms_hub.domain.contacts_csv import (
    HEADER_MAX_CHARS,
    LINE_MAX_CHARS,
    MAX_COLUMNS,
    ContactsCsv,
    HeaderTooLong,
    NotACsvFile,
    TooManyColumns,
    UnreadableCsvFile,
)
from sms_hub.domain.formatting import number_fr


def read_all(data: str) -> list[tuple]:
    return list(ContactsCsv(io.BytesIO(data.encode())).contacts())


def rows(count: int, width: int = 60) -> str:
    """``count`` valid rows, each about ``width`` characters long."""
    return "".join(f"{'N' * width};06{i:08d}\n" for i in range(count))


def test_two_million_columns_are_refused_without_being_parsed():
    data = ("Téléphone" + ";" * 2_000_000 + "\n0612345678\n").encode()
    stream = io.BytesIO(data)
    with pytest.raises(HeaderTooLong) as error:
        ContactsCsv(stream)
    assert stream.tell() < len(data)  # the rest of the header was never read
    assert error.value.user_message == (
        "La première ligne du fichier, celle des intitulés des colonnes, dépasse "
        f"{number_fr(HEADER_MAX_CHARS)} caractères : ce n'est pas un fichier de "
        "contacts. La première ligne doit contenir les intitulés des colonnes "
        "(par exemple « Nom ; Prénom ; Email ; Téléphone »)."
    )


def test_a_header_at_the_length_limit_is_read():
    header = "Téléphone;" + "x" * (HEADER_MAX_CHARS - len("Téléphone;"))
    assert read_all(header + "\n0612345678;a\n") == [(None, "+33612345678", None, None)]


def test_more_columns_than_allowed_are_refused():
    header = ";".join(["Téléphone", *(f"c{i}" for i in range(MAX_COLUMNS))])
    with pytest.raises(TooManyColumns) as error:
        read_all(header + "\n0612345678\n")
    assert error.value.user_message == (
        f"Le fichier compte {MAX_COLUMNS + 1} colonnes : {MAX_COLUMNS} au plus "
        "sont acceptées. Gardez les colonnes utiles (Nom, Prénom, Email, "
        "Téléphone) et importez à nouveau le fichier."
    )


def test_the_most_columns_allowed_are_read():
    header = ";".join(["Téléphone", *(f"c{i}" for i in range(MAX_COLUMNS - 1))])
    assert len(read_all(header + "\n0612345678\n")) == 1


def test_a_cell_over_the_csv_field_limit_names_its_line():
    data = "Nom;Téléphone\nDupont;0612345678\n" + "x" * 200_000 + ";0612345679\n"
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.line == 3
    assert error.value.user_message == (
        "Le fichier est illisible à la ligne 3 : une cellule dépasse "
        f"{number_fr(csv.field_size_limit())} caractères (un guillemet ouvert et "
        "jamais refermé ?). Aucun contact n'a été importé."
    )


def test_an_unclosed_quote_names_the_line_it_opens():
    data = 'Nom;Téléphone\n"Dupont;0612345678\n' + rows(5_000)
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.line == 2
    assert "illisible à la ligne 2 : une cellule dépasse" in error.value.user_message


def test_a_nul_character_after_the_first_bytes_names_its_line():
    data = "Nom;Téléphone\n" + rows(1_232) + "Dur\x00and;0612345678\n" + rows(10)
    assert len(data) > 64 * 1024  # beyond what decides whether it is text
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.user_message == (
        f"Le fichier est illisible à la ligne {number_fr(1_234)} : elle contient "
        "un caractère nul, signe d'un contenu qui n'est pas du texte. Aucun "
        "contact n'a été importé."
    )
    assert "1\u202f234" in error.value.user_message


def test_a_nul_character_in_the_first_bytes_is_not_a_csv():
    with pytest.raises(NotACsvFile):
        read_all("Nom;Téléphone\nDur\x00and;0612345678\n")


def test_a_line_over_the_length_limit_is_refused_unread():
    data = "Nom;Téléphone\nDupont;0612345678\n" + "x" * (LINE_MAX_CHARS + 10) + "\n"
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.line == 3
    assert (
        f"à la ligne 3 : elle dépasse {number_fr(LINE_MAX_CHARS)} caractères"
        in error.value.user_message
    )


def test_a_row_of_too_many_cells_names_its_line():
    data = "Nom;Téléphone\nDupont;0612345678\nMartin;0612345679" + ";" * 300 + "\n"
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.user_message == (
        "Le fichier est illisible à la ligne 3 : elle compte 302 colonnes, "
        f"{MAX_COLUMNS} au plus sont acceptées. Aucun contact n'a été importé."
    )


def test_line_numbers_count_records_across_multi_line_cells():
    data = 'Nom;Téléphone\n"Du\npont";0612345678\n' + "x" * 200_000 + ";0612345679\n"
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.line == 3


def test_a_csv_error_in_the_header_names_line_one():
    data = '"Téléphone;Nom\n' + "x" * 200_000 + "\n"
    with pytest.raises(UnreadableCsvFile) as error:
        read_all(data)
    assert error.value.line == 1
