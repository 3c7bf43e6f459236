"""Recipients' phone numbers, from whatever a spreadsheet holds to E.164.

Numbers are stored and sent to Sarbacane in E.164 (``+33612345678``). Imports
bring every French habit (``06 12 34 56 78``, ``06.12.34.56.78``,
``+33 (0)6 12 34 56 78``, ``0033…``, the leading zero lost by a spreadsheet)
and foreign numbers in international form. Only mobiles receive SMS, so a
landline is reported rather than imported, with the reason the import report
shows row by row.

Two things ``phonenumbers`` alone gets wrong or too slowly:

- Overseas departments use French national numbers (``0692…``) that parsed
  with region ``FR`` give an invalid ``+33 692…``: they belong to their own
  country codes (+262, +590, +594, +596). The same holds for the ``0709x``
  mobile blocks ARCEP opened for them.
- Parsing costs about 20 µs a number. The common French mobile forms go
  through a fast path of plain string operations, checked against the mobile
  blocks of ``phonenumbers``' own metadata; everything else falls back to
  ``phonenumbers``.

French ``01``–``05`` and ``09`` numbers (``09`` is the fixed-line VoIP of
internet boxes) are landlines; so are foreign numbers that ``phonenumbers``
types as fixed line or VoIP.

People read numbers the French way (:func:`display_phone`): a metropolitan
number in the national form (``06 12 34 56 78``), every other one, overseas
departments included, in the international form (``+262 692 12 34 56``,
``+32 470 12 34 56``). E.164 stays what is stored, exported and sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from babel.core import get_global
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType
from phonenumbers import timezone as number_timezones


class Rejection(StrEnum):
    """Why a row of an import was not imported."""

    MISSING = "missing"
    INVALID = "invalid"
    LANDLINE = "landline"
    DUPLICATE = "duplicate"
    EXCLUDED = "excluded"

    @property
    def label(self) -> str:
        return REJECTION_LABELS[self]


REJECTION_LABELS: dict[Rejection, str] = {
    Rejection.MISSING: "Numéro manquant",
    Rejection.INVALID: "Numéro invalide",
    Rejection.LANDLINE: "Numéro fixe (pas de SMS)",
    Rejection.DUPLICATE: "Doublon",
    Rejection.EXCLUDED: "Exclu",
}


class PhoneResult(NamedTuple):
    """A number in E.164, or the reason it was rejected (exactly one is set).

    A named tuple rather than a frozen dataclass: an import builds one per
    row, and a tuple is several times cheaper to make.
    """

    e164: str | None
    rejection: Rejection | None


#: ``PhoneResult(e164, None)`` at half the cost, for the import's hot path.
_new_result = tuple.__new__
_MISSING = PhoneResult(None, Rejection.MISSING)
_INVALID = PhoneResult(None, Rejection.INVALID)
_LANDLINE = PhoneResult(None, Rejection.LANDLINE)

_ASCII_SEPARATORS = b" .-()/\t"
_SEPARATORS = str.maketrans("", "", " .-()/\t\u00a0\u202f")

_LANDLINE_FIRST_DIGITS = frozenset("123459")

_MOBILE_TYPES = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
_LANDLINE_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.VOIP})

# Country code of the overseas department owning a French national prefix
# (national significant number, without the leading 0).
OVERSEAS_PREFIXES: dict[str, str] = {
    "639": "262",
    "692": "262",
    "693": "262",
    "690": "590",
    "691": "590",
    "694": "594",
    "696": "596",
    "697": "596",
    "7090": "590",
    "7091": "596",
    "7092": "262",
    "70930": "594",
    "70931": "594",
    "70932": "594",
    "70933": "594",
    "70935": "262",
    "70936": "262",
    "70937": "262",
}


def _metropolitan_mobile_prefixes() -> frozenset[str]:
    """Three-digit prefixes whose every number is a metropolitan mobile.

    Read from ``phonenumbers``' metadata so that the fast path accepts
    exactly what the library would; a prefix is kept only if both ends of
    its block match, so a finer-grained future pattern sends the doubtful
    prefixes to the slow path instead of letting wrong numbers through.
    """
    metadata = PhoneMetadata.metadata_for_region("FR")
    pattern = re.compile(metadata.mobile.national_number_pattern)
    return frozenset(
        prefix
        for prefix in (str(n) for n in range(600, 800))
        if pattern.fullmatch(prefix + "000000") and pattern.fullmatch(prefix + "999999")
    )


METROPOLITAN_MOBILE_PREFIXES = _metropolitan_mobile_prefixes()


def _overseas_mobile_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    """Mobile number patterns of each overseas country code, from ``phonenumbers``.

    Lets the fast path accept an overseas mobile written in the French
    national form (``0692…``) with one regex match instead of two parses.
    """
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    for code in set(OVERSEAS_PREFIXES.values()):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(code), ())
        found = []
        for region in regions:
            metadata = PhoneMetadata.metadata_for_region(region)
            if metadata is not None and metadata.mobile.national_number_pattern:
                found.append(re.compile(metadata.mobile.national_number_pattern))
        patterns[code] = tuple(found)
    return patterns


_OVERSEAS_MOBILE_PATTERNS = _overseas_mobile_patterns()


#: What may precede the 9-digit national number in the usual French forms,
#: once the separators are removed (none: the leading zero lost by a
#: spreadsheet).
_FRENCH_PREFIXES = frozenset({"", "0", "+33", "+330", "0033", "00330"})


def normalize_mobile(raw: str | None) -> PhoneResult:
    """E.164 form of a mobile number, or why it cannot receive an SMS."""
    if raw is None:
        return _MISSING
    if raw.isascii():
        # bytes.translate is several times faster than str.translate.
        digits = raw.encode().translate(None, _ASCII_SEPARATORS).decode()
    else:
        digits = raw.translate(_SEPARATORS)
    if not digits:
        return _MISSING
    if (
        digits[-9:-6] in METROPOLITAN_MOBILE_PREFIXES
        and digits[:-9] in _FRENCH_PREFIXES
        and digits[-6:].isdigit()
        and digits[-6:].isascii()
    ):  # the usual case, by slicing alone
        return _new_result(PhoneResult, ("+33" + digits[-9:], None))
    nsn = _french_national_number(digits)
    if nsn is not None:
        if nsn[:3] in METROPOLITAN_MOBILE_PREFIXES:
            return PhoneResult("+33" + nsn, None)
        if nsn[0] in _LANDLINE_FIRST_DIGITS:
            return _LANDLINE
        code = _overseas_country_code(nsn)
        if code is not None and any(
            pattern.fullmatch(nsn) for pattern in _OVERSEAS_MOBILE_PATTERNS[code]
        ):
            return PhoneResult(f"+{code}{nsn}", None)
    elif _wrong_length_national(digits):
        return _INVALID
    return _normalize_with_phonenumbers(raw)


def normalize_many(raws: Iterable[str | None]) -> list[PhoneResult]:
    """``normalize_mobile`` over a column of an import."""
    return [normalize_mobile(raw) for raw in raws]


def _french_national_number(digits: str) -> str | None:
    """The 9-digit national number of the usual French forms, else ``None``.

    ``digits`` has its separators removed, so ``+33 (0)6…`` arrives as
    ``+3306…``.
    """
    size = len(digits)
    if size == 10 and digits[0] == "0":
        nsn = digits[1:]
    elif size == 12 and digits.startswith("+33"):
        nsn = digits[3:]
    elif size == 13 and digits.startswith(("+330", "0033")):
        nsn = digits[4:]
    elif size == 14 and digits.startswith("00330"):
        nsn = digits[5:]
    elif size == 9 and digits[0] in "67":
        nsn = digits
    else:
        return None
    if nsn[0] == "0" or not (nsn.isascii() and nsn.isdigit()):
        return None
    return nsn


def _wrong_length_national(digits: str) -> bool:
    """Whether ``digits`` are a French national number (a single leading 0)
    of another length than ten digits: a digit short or too many, typed by
    hand. ``phonenumbers`` reads them as French numbers of another length
    than nine digits, which it finds invalid; deciding here spares the parse.
    """
    return (
        len(digits) != 10
        and digits[0] == "0"
        and digits[1:2] != "0"
        and digits.isascii()
        and digits.isdigit()
    )


def _overseas_country_code(nsn: str) -> str | None:
    return (
        OVERSEAS_PREFIXES.get(nsn[:3])
        or OVERSEAS_PREFIXES.get(nsn[:4])
        or OVERSEAS_PREFIXES.get(nsn[:5])
    )


#: Numbers longer than this are not remembered by the slow path's cache.
_MEMO_MAX_CHARS = 40


def _normalize_with_phonenumbers(raw: str) -> PhoneResult:
    """The slow path; its answers for short numbers are remembered, since a
    file repeats its placeholders (``n/a``, ``voir courriel``…)."""
    if len(raw) <= _MEMO_MAX_CHARS:
        return _remembered(raw)
    return _parsed(raw)


def _parsed(raw: str) -> PhoneResult:
    number = _parse(raw.strip(), "FR")
    if number is None:
        return _INVALID
    if number.country_code == 33:
        nsn = str(number.national_number)
        if len(nsn) == 9:
            if nsn[0] in _LANDLINE_FIRST_DIGITS:
                return _LANDLINE
            country_code = _overseas_country_code(nsn)
            if country_code is not None:
                number = _parse(f"+{country_code}{nsn}", None)
                if number is None:
                    return _INVALID
    return _classify(number)


_remembered = lru_cache(maxsize=4096)(_parsed)


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _classify(number: phonenumbers.PhoneNumber) -> PhoneResult:
    if not phonenumbers.is_valid_number(number):
        return _INVALID
    number_type = phonenumbers.number_type(number)
    if number_type in _MOBILE_TYPES:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return PhoneResult(e164, None)
    if number_type in _LANDLINE_TYPES:
        return _LANDLINE
    return _INVALID


# --- Display -------------------------------------------------------------

_METROPOLITAN_COUNTRY_CODE = 33


def display_phone(e164: str) -> str:
    """An E.164 number as a French reader writes it.

    ``+33612345678`` → ``06 12 34 56 78``; ``+262692123456`` →
    ``+262 692 12 34 56``; ``+32470123456`` → ``+32 470 12 34 56``. Anything
    that is not a number (an old row, a typo in a fixture) is shown as stored.
    """
    return _display(e164)


@lru_cache(maxsize=4096)
def _display(e164: str) -> str:
    number = _parse(e164, None)
    if number is None:
        return e164
    if number.country_code == _METROPOLITAN_COUNTRY_CODE:
        style = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        style = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def search_digits(typed: str) -> str | None:
    """What a typed number looks like inside an E.164 one, for a search.

    ``06 12`` → ``612``, ``+262 692`` → ``+262692``, ``0033 6`` → ``+336``;
    ``None`` when ``typed`` is not a number (a name, an e-mail).
    """
    if not set(typed) <= _SEARCH_CHARS:
        return None
    digits = "".join(c for c in typed if c.isdigit() or c == "+")
    if not digits:
        return None
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return digits[1:]
    return digits


_SEARCH_CHARS = frozenset("0123456789+ .-()/\u00a0")


# --- Where a number rings: region and time zone ----------------------------

#: Recipients are grouped by this many leading characters of their E.164
#: number to find their time zones: enough to tell La Réunion from Mayotte
#: (``+262 639``, ``+262 7093 5``…) and a North American area code apart.
ZONE_PREFIX_CHARS = 9
#: Every number of this prefix is in one zone (metropolitan France: the
#: overseas departments are stored under their own country codes), so a
#: query may group them all together.
SINGLE_ZONE_PREFIX = "+33"

# The zone of a country whose mobiles ``phonenumbers`` cannot place within
# its several zones (they are not geographic there): its capital's.
_MAIN_ZONES = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "PF": "Pacific/Tahiti",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "US": "America/New_York",
}


def number_zone(e164: str) -> tuple[str, str] | None:
    """The region (``"FR"``, ``"RE"``, ``"BE"``) and time zone of a number.

    ``phonenumbers`` gives the zones a number may ring in; those outside its
    region are dropped (``+262`` numbers are listed under both La Réunion's
    and Mayotte's zones, the region tells which), and a country with several
    left falls back on its main zone. ``None`` for a number that is not
    one (an old row).
    """
    return _number_zone(e164)


@lru_cache(maxsize=4096)
def _number_zone(e164: str) -> tuple[str, str] | None:
    number = _parse(e164, None)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    region = phonenumbers.region_code_for_number(number)
    if not region:
        return None
    candidates = [
        zone
        for zone in number_timezones.time_zones_for_number(number)
        if zone != "Etc/Unknown"
    ]
    in_region = set(get_global("territory_zones").get(region, ()))
    own = [zone for zone in candidates if zone in in_region] or candidates
    if len(own) == 1:
        return region, own[0]
    if region in _MAIN_ZONES:
        return region, _MAIN_ZONES[region]
    if own:
        return region, sorted(own)[0]
    return None
