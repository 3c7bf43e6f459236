"""Phone numbers: what a person reads reads back to the same E.164 number.

Mobile numbers are drawn from ``phonenumbers``' own example mobile of each
region, their last digits varied, and kept when the library finds them a
valid mobile: the app's display (:func:`display_phone`) of each, parsed back
by the app's normaliser, is the same E.164 number.
"""

from __future__ import annotations

import re

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from sms_hub.domain.phone import display_phone, normalize_mobile

#: Metropolitan France, its overseas departments, and the countries French
#: training centres most often meet (neighbours, Maghreb, West Africa, Canada).
REGIONS = (
    *("FR", "RE", "YT", "GP", "GF", "MQ", "BE", "CH", "LU", "MC", "DE", "GB"),
    *("ES", "IT", "PT", "MA", "DZ", "TN", "SN", "CI", "CA", "US"),
)
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
OVERSEAS = {262, 590, 594, 596}


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@st.composite
def mobiles(draw: st.DrawFn, regions: tuple[str, ...] = REGIONS) -> str:
    """A valid mobile number in E.164, close to its region's example."""
    region = draw(st.sampled_from(regions))
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    national = str(example.national_number)
    varied = draw(st.integers(3, min(6, len(national) - 2)))
    tail = draw(st.text("0123456789", min_size=varied, max_size=varied))
    number = phonenumbers.parse(f"+{example.country_code}{national[:-varied]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    assume(phonenumbers.number_type(number) in _MOBILE_TYPES)
    return _e164(number)


@settings(max_examples=150)
@given(mobiles())
def test_a_shown_mobile_reads_back_to_the_same_e164(e164: str):
    assert normalize_mobile(display_phone(e164)).e164 == e164


@settings(max_examples=100)
@given(mobiles())
def test_metropolitan_numbers_read_national_every_other_international(e164: str):
    shown = display_phone(e164)
    if e164.startswith("+33"):
        assert re.fullmatch(r"0[67]( \d\d){4}", shown), shown
    else:
        code = phonenumbers.parse(e164).country_code
        assert shown.startswith(f"+{code} "), shown


@settings(max_examples=100)
@given(mobiles(("RE", "YT", "GP", "GF", "MQ")))
def test_an_overseas_mobile_written_the_french_way_reads_back_the_same(e164: str):
    """``0692 12 34 56`` in a file, ``+262 692 12 34 56`` on screen: one number."""
    number = phonenumbers.parse(e164)
    assert number.country_code in OVERSEAS
    french_national = "0" + str(number.national_number)
    stored = normalize_mobile(french_national).e164
    assert stored == e164
    assert normalize_mobile(display_phone(stored)).e164 == e164
