"""Memory of the reading pass over files made of rows left out, the number
shown on screen for a rejected row, and the cap on rows per import."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

import pytest

from sms_hub.domain.contacts_csv import (
    DUPLICATE_IN_FILE,
    ContactsCsv,
    Rejected,
    TooManyRows,
)
from sms_hub.domain.phone import Rejection

ROWS = 300_000
#: Peak of Python allocations allowed while reading ROWS rejected rows. The
#: pass itself holds a 4 MiB filter and a read buffer of 1 MiB; keeping every
#: row left out until the end would take well over 50 MB.
PEAK_BOUND_MB = 20


def all_invalid(rows: int) -> bytes:
    """A file whose every row holds something that is no phone number."""
    line = "Dupont;Éloïse;voir le dossier du stagiaire au secrétariat\n"
    return ("Nom;Prénom;Téléphone\n" + line * rows).encode()


def all_duplicate(rows: int) -> bytes:
    """A file of 1,000 numbers, each repeated: every row after the first
    thousand brings a number met higher in the file."""
    body = "".join(
        f"Dupont;Éloïse;06 12 30 {k:03d}0\n" for k in (i % 1_000 for i in range(rows))
    )
    return ("Nom;Prénom;Téléphone\n" + body).encode()


class CountingStore:
    """A store of rows left out that keeps only how many it was given."""

    def __init__(self) -> None:
        self.count = 0
        self.last_line = 0

    def write(self, rows: list[Rejected]) -> None:
        assert rows[0][0] > self.last_line  # in file order
        self.count += len(rows)
        self.last_line = rows[-1][0]

    def read(self) -> Iterator[Rejected]:
        return iter(())

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("make", "imported", "reason"),
    [
        (all_invalid, 0, Rejection.INVALID),
        (all_duplicate, 1_000, Rejection.DUPLICATE),
    ],
    ids=["all-invalid", "all-duplicate"],
)
def test_rows_left_out_are_handed_over_as_they_come_with_flat_memory(
    make, imported: int, reason: Rejection
):
    data = make(ROWS)
    store = CountingStore()
    tracemalloc.start()
    try:
        contacts = ContactsCsv(io.BytesIO(data), rejected_rows=store)
        stored = sum(len(batch) for batch in contacts.batches(5_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stored == imported
    assert store.count == ROWS - imported
    assert store.last_line == ROWS + 1
    assert contacts.rejection_counts[reason] == ROWS - imported
    assert peak < PEAK_BOUND_MB * 1e6, f"peak {peak / 1e6:.1f} MB"


def test_duplicates_set_aside_by_a_small_buffer_keep_file_order():
    """Rows left out reach the store in file order, each with its reason,
    however often the buffer is handed over."""
    data = (
        b"Mobile\n"
        b"06 12 34 56 01\n"  # 2
        b"06 12 34 56 01\n"  # 3: duplicate
        b"n/a\n"  # 4
        b"06 12 34 56 02\n"  # 5
        b"06 12 34 56 01\n"  # 6: duplicate
        b"06 12 34 56 02\n"  # 7: duplicate
        b"01 23 45 67 89\n"  # 8: landline
    )
    contacts = ContactsCsv(io.BytesIO(data), rejected_held_bytes=1)
    assert list(contacts.contacts()) == [
        (None, "+33612345601", None, None),
        (None, "+33612345602", None, None),
    ]
    assert [(r.line, r.reason, r.detail) for r in contacts.rejections.rows()] == [
        (3, Rejection.DUPLICATE, DUPLICATE_IN_FILE),
        (4, Rejection.INVALID, ""),
        (6, Rejection.DUPLICATE, DUPLICATE_IN_FILE),
        (7, Rejection.DUPLICATE, DUPLICATE_IN_FILE),
        (8, Rejection.LANDLINE, ""),
    ]


def test_a_long_cell_is_cut_on_screen_and_whole_in_the_report():
    long_value = "06 " + "1" * 5_000
    data = f"Nom;Mobile\nDupont;{long_value}\nMartin;  court  \n".encode()
    contacts = ContactsCsv(io.BytesIO(data))
    assert list(contacts.contacts()) == []
    shown = contacts.rejected[0].value
    assert shown == long_value[:99] + "…"
    assert len(shown) == 100
    assert contacts.rejected[1].value == "court"
    assert [r.value for r in contacts.rejections.rows()] == [long_value, "court"]


def test_a_cell_of_exactly_the_shown_length_is_not_cut():
    value = "7" * 100
    contacts = ContactsCsv(io.BytesIO(f"Mobile\n{value}\n".encode()))
    assert list(contacts.contacts()) == []
    assert contacts.rejected[0].value == value


def _numbers(count: int) -> str:
    return "".join(f"06 12 34 {i // 100:02d} {i % 100:02d}\n" for i in range(count))


def test_a_file_over_the_row_cap_is_refused_in_french():
    contacts = ContactsCsv(io.BytesIO(("Mobile\n" + _numbers(6)).encode()), max_rows=5)
    with pytest.raises(TooManyRows) as error:
        list(contacts.contacts())
    assert error.value.user_message == (
        "Le fichier dépasse le nombre maximal de lignes autorisé (5 lignes). "
        "Découpez-le en plusieurs fichiers. Aucun contact n'a été importé."
    )


def test_the_row_cap_counts_rows_left_out_and_not_blank_lines():
    data = "Mobile\n" + _numbers(3) + "\n;\n\n" + "n/a\n01 23 45 67 89\n"
    contacts = ContactsCsv(io.BytesIO(data.encode()), max_rows=5)
    assert len(list(contacts.contacts())) == 3
    assert contacts.rows_read == 5
    over = ContactsCsv(io.BytesIO((data + "n/a\n").encode()), max_rows=5)
    with pytest.raises(TooManyRows):
        list(over.contacts())
