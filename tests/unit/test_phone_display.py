"""Phone numbers as people read them: the French way, E.164 underneath."""

from __future__ import annotations

import pytest

from sms_hub.domain.phone import display_phone, normalize_mobile, search_digits


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+262692123456", "+262 692 12 34 56"),
        ("+32470123456", "+32 470 12 34 56"),
    ],
)
def test_the_issue_examples(e164: str, shown: str):
    assert display_phone(e164) == shown


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+33781223344", "07 81 22 33 44"),  # metropolitan: national form
        ("+590690123456", "+590 690 12 34 56"),  # Guadeloupe
        ("+594694123456", "+594 694 12 34 56"),  # Guyane
        ("+596696123456", "+596 696 12 34 56"),  # Martinique
        ("+262639123456", "+262 639 12 34 56"),  # Mayotte
        ("+41791234567", "+41 79 123 45 67"),
    ],
)
def test_metropolitan_national_every_other_international(e164: str, shown: str):
    assert display_phone(e164) == shown


@pytest.mark.parametrize("stored", ["", "n/a", "+", "12345"])
def test_what_is_not_a_number_is_shown_as_stored(stored: str):
    assert display_phone(stored) == stored


@pytest.mark.parametrize(
    "e164", ["+33612345678", "+262692123456", "+32470123456", "+590690123456"]
)
def test_the_shown_form_reads_back_to_the_same_number(e164: str):
    assert normalize_mobile(display_phone(e164)).e164 == e164


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("06 12 34", "61234"),
        ("+262 692 12", "+26269212"),
        ("0033 6 12", "+33612"),
        ("06.12.34.56.78", "612345678"),
        ("+32 470", "+32470"),
        ("Martin7", None),
        ("lea@exemple.fr", None),
        ("  ", None),
    ],
)
def test_a_number_typed_as_shown_searches_its_e164_form(typed: str, digits: str | None):
    assert search_digits(typed) == digits
