"""Phone numbers to E.164: accepted forms, overseas departments, rejections."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from sms_hub.domain import phone
from sms_hub.domain.phone import (
    METROPOLITAN_MOBILE_PREFIXES,
    OVERSEAS_PREFIXES,
    REJECTION_LABELS,
    PhoneResult,
    Rejection,
    normalize_many,
    normalize_mobile,
)

MOBILE = "+33612345678"


def accepted(e164: str) -> PhoneResult:
    return PhoneResult(e164, None)


def rejected(reason: Rejection) -> PhoneResult:
    return PhoneResult(None, reason)


# --- French mobiles ------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "+33 (0) 6 12 34 56 78",
        "+33(0)612345678",
        "+33612345678",
        "+33 06 12 34 56 78",
        "0033612345678",
        "0033 6 12 34 56 78",
        "00 33 (0)6 12 34 56 78",
        "612345678",
        "06/12/34/56/78",
        "  06 12 34 56 78  ",
        "\t0612345678\n",
        "06\u00a012\u00a034\u00a056\u00a078",
        "06\u202f12\u202f34\u202f56\u202f78",
        "０６１２３４５６７８",
    ],
)
def test_every_documented_french_form_gives_e164(raw: str) -> None:
    assert normalize_mobile(raw) == accepted(MOBILE)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07 81 23 45 67", "+33781234567"),
        ("+33 7 81 23 45 67", "+33781234567"),
        ("0033781234567", "+33781234567"),
        ("781234567", "+33781234567"),
        ("07 30 00 00 00", "+33730000000"),
        ("07 99 99 99 99", "+33799999999"),
        ("06 00 00 00 00", "+33600000000"),
        ("06 99 12 34 56", "+33699123456"),
        ("06 95 12 34 56", "+33695123456"),
        ("06 38 12 34 56", "+33638123456"),
    ],
)
def test_french_06_and_07_mobiles(raw: str, e164: str) -> None:
    assert normalize_mobile(raw) == accepted(e164)


@pytest.mark.parametrize("raw", ["07 00 00 00 00", "07 12 34 56 78", "07 29 99 99 99"])
def test_unallocated_07_blocks_are_invalid(raw: str) -> None:
    # ARCEP gave mobiles 073 to 079 only; 070-072 are not numbers.
    assert normalize_mobile(raw) == rejected(Rejection.INVALID)


# --- overseas departments --------------------------------------------------


@pytest.mark.parametrize(
    ("national", "e164"),
    [
        ("0639 01 23 45", "+262639012345"),
        ("0692 12 34 56", "+262692123456"),
        ("0693 00 12 34", "+262693001234"),
        ("0690 00 12 34", "+590690001234"),
        ("0691 22 12 34", "+590691221234"),
        ("0694 20 12 34", "+594694201234"),
        ("0696 20 12 34", "+596696201234"),
        ("0697 12 34 56", "+596697123456"),
        ("07 09 00 12 34", "+590709001234"),
        ("07 09 10 12 34", "+596709101234"),
        ("07 09 20 12 34", "+262709201234"),
        ("07 09 30 12 34", "+594709301234"),
        ("07 09 35 12 34", "+262709351234"),
    ],
)
def test_overseas_national_numbers_get_their_own_country_code(
    national: str, e164: str
) -> None:
    digits = national.replace(" ", "")
    nsn = digits[1:]
    for raw in (national, digits, f"+33 {nsn}", f"+33 (0){nsn}", f"0033{nsn}"):
        assert normalize_mobile(raw) == accepted(e164), raw
    assert normalize_mobile(e164) == accepted(e164)


def test_every_overseas_prefix_of_the_rules_is_mapped() -> None:
    assert {
        prefix: OVERSEAS_PREFIXES[prefix]
        for prefix in ("639", "692", "693", "690", "691", "694", "696", "697")
    } == {
        "639": "262",
        "692": "262",
        "693": "262",
        "690": "590",
        "691": "590",
        "694": "594",
        "696": "596",
        "697": "596",
    }


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+262 692 12 34 56", "+262692123456"),
        ("00262692123456", "+262692123456"),
        ("+590 690 00 12 34", "+590690001234"),
        ("+594 694 20 12 34", "+594694201234"),
        ("+596 696 20 12 34", "+596696201234"),
        ("+262 639 01 23 45", "+262639012345"),
    ],
)
def test_overseas_numbers_in_international_form(raw: str, e164: str) -> None:
    assert normalize_mobile(raw) == accepted(e164)


def test_overseas_number_outside_allocated_blocks_is_invalid() -> None:
    # Mayotte's 0639 block is only partly allocated; 0639 12… is not.
    assert normalize_mobile("0639 12 34 56") == rejected(Rejection.INVALID)


# --- landlines ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "01 23 45 67 89",
        "02 40 12 34 56",
        "03 88 12 34 56",
        "04 72 12 34 56",
        "05 56 12 34 56",
        "09 51 12 34 56",
        "+33 1 23 45 67 89",
        "+33 (0)1 23 45 67 89",
        "0033 9 51 12 34 56",
        "0262 12 34 56",
        "0269 12 34 56",
        "0590 12 34 56",
        "0594 12 34 56",
        "0596 12 34 56",
        "+262 262 12 34 56",
    ],
)
def test_french_landlines_are_reported(raw: str) -> None:
    assert normalize_mobile(raw) == rejected(Rejection.LANDLINE)


@pytest.mark.parametrize(
    "raw",
    [
        "+44 20 7123 4567",
        "+44 121 234 5678",
        "+49 30 123456",
        "+32 12 34 56 78",
        "+39 02 1234 5678",
        "+41 21 234 56 78",
        "+212 5 20 12 34 56",
        "0044 20 7123 4567",
    ],
)
def test_foreign_landlines_are_reported(raw: str) -> None:
    assert normalize_mobile(raw) == rejected(Rejection.LANDLINE)


# --- foreign mobiles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+44 7911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+44 (0)7911 123456", "+447911123456"),
        ("+44 7400 123456", "+447400123456"),
        ("+49 151 12345678", "+4915112345678"),
        ("+32 470 12 34 56", "+32470123456"),
        ("+41 79 123 45 67", "+41791234567"),
        ("+34 612 34 56 78", "+34612345678"),
        ("+39 312 345 6789", "+393123456789"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("+352 621 123 456", "+352621123456"),
        ("+1 415 555 2671", "+14155552671"),
        ("+1 (201) 555-0123", "+12015550123"),
    ],
)
def test_foreign_mobiles_in_international_form(raw: str, e164: str) -> None:
    assert normalize_mobile(raw) == accepted(e164)


# --- rejections ----------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", " ", "   ", "\t", "\u00a0", " . - "])
def test_missing_number(raw: str | None) -> None:
    assert normalize_mobile(raw) == rejected(Rejection.MISSING)


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "12",
        "+",
        "+33",
        "06 12 34 56 7",
        "06 12 34 56 789",
        "+33 6 12 34 56 78 9",
        "0000000000",
        "06 12 34 56 78 poste 12",
        "0612345678.0",
        "06 12 34 56 7a",
        "447911123456",
        "0800 12 34 56",
        "0899 12 34 56",
        "+1 800 555 0100",
        "+44 7911 12345",
        "x" * 300,
    ],
)
def test_invalid_number(raw: str) -> None:
    assert normalize_mobile(raw) == rejected(Rejection.INVALID)


def test_rejection_values_and_french_labels() -> None:
    assert [r.value for r in Rejection] == [
        "missing",
        "invalid",
        "landline",
        "duplicate",
        "excluded",
    ]
    assert REJECTION_LABELS == {
        Rejection.MISSING: "Numéro manquant",
        Rejection.INVALID: "Numéro invalide",
        Rejection.LANDLINE: "Numéro fixe (pas de SMS)",
        Rejection.DUPLICATE: "Doublon",
        Rejection.EXCLUDED: "Exclu",
    }
    assert Rejection.LANDLINE.label == "Numéro fixe (pas de SMS)"
    assert Rejection("duplicate") is Rejection.DUPLICATE


def test_normalize_many_keeps_order() -> None:
    assert normalize_many(["06 12 34 56 78", None, "01 23 45 67 89", "abc"]) == [
        accepted(MOBILE),
        rejected(Rejection.MISSING),
        rejected(Rejection.LANDLINE),
        rejected(Rejection.INVALID),
    ]


# --- fast path ----------------------------------------------------------------


def test_fast_path_does_not_call_phonenumbers(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("phonenumbers called on the fast path")

    monkeypatch.setattr(phone.phonenumbers, "parse", fail)
    for raw in (
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033612345678",
        "612345678",
        "07 81 23 45 67",
    ):
        assert normalize_mobile(raw).e164 is not None
    assert normalize_mobile("01 23 45 67 89") == rejected(Rejection.LANDLINE)


def _library_verdict(e164: str) -> bool:
    number = phonenumbers.parse(e164)
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(
        number
    ) in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@pytest.mark.parametrize("prefix", [str(n) for n in range(600, 800)])
def test_fast_path_agrees_with_phonenumbers(prefix: str) -> None:
    for suffix in ("000000", "123456", "500000", "999999"):
        nsn = prefix + suffix
        result = normalize_mobile("0" + nsn)
        if prefix in METROPOLITAN_MOBILE_PREFIXES:
            assert result == accepted("+33" + nsn)
            assert _library_verdict("+33" + nsn)
        elif result.e164 is None:
            assert not _library_verdict("+33" + nsn)
        else:
            assert not result.e164.startswith("+33")


def test_metropolitan_mobile_blocks() -> None:
    expected = {str(n) for n in range(600, 700)} - {
        "639",
        "690",
        "691",
        "692",
        "693",
        "694",
        "696",
        "697",
    }
    expected |= {str(n) for n in range(730, 800)}
    assert expected == METROPOLITAN_MOBILE_PREFIXES
