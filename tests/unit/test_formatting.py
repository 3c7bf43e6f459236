"""Numbers, percentages and pager positions read the French way (babel, fr_FR)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sms_hub.domain.formatting import date_time_fr, number_fr, percent_fr
from sms_hub.domain.paging import page_position

NNBSP = "\u202f"  # narrow no-break space: babel's fr_FR thousands separator


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, f"1{NNBSP}000"),
        (30000, f"30{NNBSP}000"),
        (1234567, f"1{NNBSP}234{NNBSP}567"),
        (-2500, f"-2{NNBSP}500"),
        (12.5, "12,5"),
        (1234.5, f"1{NNBSP}234,5"),
    ],
)
def test_a_number_is_grouped_by_thousands_with_a_decimal_comma(value, shown):
    assert number_fr(value) == shown


def test_the_separator_never_breaks_a_number_across_lines():
    shown = number_fr(30000)
    assert " " not in shown
    assert shown.replace(NNBSP, "") == "30000"


def test_a_percentage_has_one_decimal_and_a_spaced_sign():
    assert percent_fr(0.125) == f"12,5{NNBSP}%"
    assert percent_fr(1) == f"100,0{NNBSP}%"
    assert percent_fr(0) == f"0,0{NNBSP}%"


def test_a_pager_position_groups_its_numbers():
    assert page_position(1, 1) == "Page 1 sur 1"
    assert page_position(2, 50000) == f"Page 2 sur 50{NNBSP}000"
    assert page_position(1250, 1300) == f"Page 1{NNBSP}250 sur 1{NNBSP}300"


def test_a_date_is_shown_in_paris_time():
    winter = datetime(2026, 1, 15, 13, 5, tzinfo=UTC)
    assert date_time_fr(winter) == "15/01/2026 14:05"
    assert date_time_fr(winter, "America/Martinique") == "15/01/2026 09:05"
    assert date_time_fr(None) == ""
