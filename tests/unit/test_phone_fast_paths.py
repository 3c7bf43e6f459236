"""The shortcuts of phone normalization answer as ``phonenumbers`` would."""

from __future__ import annotations

import random

import pytest

from sms_hub.domain import phone
from sms_hub.domain.phone import (
    METROPOLITAN_MOBILE_PREFIXES,
    PhoneResult,
    Rejection,
    normalize_mobile,
)

_SEPARATORS = [" ", ".", "-", "/", "\t", "\u00a0", "\u202f", "(", ")"]
_FORMS = ["", "0", "+33", "+330", "0033", "00330", "+33 (0)", "+", "00", "033"]


def _written(digits: str, rng: random.Random) -> str:
    """``digits`` with separators sprinkled in, as people type them."""
    out = []
    for digit in digits:
        if rng.random() < 0.3:
            out.append(rng.choice(_SEPARATORS))
        out.append(digit)
    return "".join(out)


def _samples(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    prefixes = sorted(METROPOLITAN_MOBILE_PREFIXES)
    samples = []
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:  # a mobile in some form, sometimes a digit short or long
            nsn = rng.choice(prefixes) + f"{rng.randrange(10**6):06d}"
            nsn = nsn[: rng.choice([9, 9, 9, 8, 7])] + "1" * rng.choice([0, 0, 1])
            samples.append(_written(rng.choice(_FORMS) + nsn, rng))
        elif kind == 1:  # a French national number of any length
            length = rng.randrange(1, 16)
            digits = "0" + "".join(rng.choice("0123456789") for _ in range(length))
            samples.append(_written(digits, rng))
        elif kind == 2:  # any digits
            length = rng.randrange(1, 18)
            digits = "".join(rng.choice("0123456789+") for _ in range(length))
            samples.append(_written(digits, rng))
        else:  # odd ones
            samples.append(
                rng.choice(["n/a", "", " ", "'0612345678", "06 12 34 56 78 x12"])
                + rng.choice(["", "0", "٠٦١٢٣٤٥٦٧٨", "06\x0012345678"])
            )
    return samples


def _wrong_lengths(count: int, seed: int = 13) -> list[str]:
    """French national numbers (one leading 0) of other lengths than ten digits."""
    rng = random.Random(seed)
    samples = []
    for _ in range(count):
        length = rng.choice([n for n in range(0, 17) if n != 9])
        digits = "0" + rng.choice("123456789") * (length > 0)
        digits += "".join(rng.choice("0123456789") for _ in range(length - 1))
        samples.append(_written(digits, rng))
    return samples


@pytest.mark.parametrize("raw", _wrong_lengths(1500))
def test_french_numbers_of_a_wrong_length_are_invalid_as_phonenumbers_says(
    raw: str,
) -> None:
    assert phone._parsed(raw) == PhoneResult(None, Rejection.INVALID)
    assert normalize_mobile(raw) == PhoneResult(None, Rejection.INVALID)


@pytest.mark.parametrize("raw", _samples(1500))
def test_the_wrong_length_shortcut_agrees_with_phonenumbers(raw: str) -> None:
    digits = raw.translate(phone._SEPARATORS)
    if digits and phone._wrong_length_national(digits):
        assert phone._parsed(raw) == PhoneResult(None, Rejection.INVALID)


@pytest.mark.parametrize("raw", _samples(1500, seed=12))
def test_the_mobile_shortcut_agrees_with_the_national_number_rules(raw: str) -> None:
    """Slicing the last nine digits gives what the size-by-size rules give."""
    digits = raw.translate(phone._SEPARATORS)
    if not digits:
        return
    nsn = phone._french_national_number(digits)
    expected = (
        "+33" + nsn
        if nsn is not None and nsn[:3] in METROPOLITAN_MOBILE_PREFIXES
        else None
    )
    shortcut = (
        digits[-9:-6] in METROPOLITAN_MOBILE_PREFIXES
        and digits[:-9] in phone._FRENCH_PREFIXES
        and digits[-6:].isdigit()
        and digits[-6:].isascii()
    )
    assert ("+33" + digits[-9:] if shortcut else None) == expected
    if expected is not None:
        assert normalize_mobile(raw) == PhoneResult(expected, None)
