"""The fast paths of phone normalization answer as ``phonenumbers`` would."""

from __future__ import annotations

import random

import pytest

from sms_hub.domain import phone
from sms_hub.domain.phone import (
    METROPOLITAN_MOBILE_PREFIXES,
    PhoneResult,
    Rejection,
    metropolitan_mobiles,
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


def test_metropolitan_mobiles_answers_as_normalize_mobile() -> None:
    raws = _samples(5000, seed=12)
    answers = metropolitan_mobiles(raws)
    assert len(answers) == len(raws)
    for raw, answer in zip(raws, answers, strict=True):
        if answer is not None:
            assert answer == normalize_mobile(raw).e164, raw
    assert sum(answer is not None for answer in answers) > 300


def test_metropolitan_mobiles_with_odd_columns() -> None:
    assert metropolitan_mobiles([]) == []
    assert metropolitan_mobiles(["06 12 34 56 78", "06\x0012345678", "é"]) == [
        "+33612345678",
        None,
        None,
    ]
    assert metropolitan_mobiles(["0612345678\u00a0", "+33 (0)7 80 00 00 01"]) == [
        "+33612345678",
        "+33780000001",
    ]
