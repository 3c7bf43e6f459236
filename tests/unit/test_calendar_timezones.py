"""The sending calendar in the centre's own time zone, with its own holidays."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sms_hub.domain import calendar
from sms_hub.domain.centre_settings import CentreSettings

REUNION = ZoneInfo("Indian/Reunion")


def _window(timezone: str, alsace: bool = False) -> calendar.SendingWindow:
    return CentreSettings(
        default_sender="",
        opt_out_mention="STOP au 36111",
        sending_days=frozenset(range(6)),
        window_start="08:00",
        window_end="20:00",
        timezone=timezone,
        alsace_moselle=alsace,
    ).window()


def test_21h_in_reunion_is_refused_with_the_next_local_slot():
    window = _window("Indian/Reunion")
    # Tuesday 1 December 2026, 21:00 in La Réunion is 18:00 in Paris.
    when = datetime(2026, 12, 1, 21, 0, tzinfo=REUNION)
    problem = calendar.send_date_problem(
        "SMS_MARKETING",
        when.astimezone(UTC),
        window,
        datetime(2026, 11, 28, tzinfo=UTC),
    )
    assert problem == (
        "Les SMS commerciaux sont envoyés entre 08h00 et 20h00. "
        "Prochain créneau autorisé : 02/12/2026 08:00."
    )
    assert calendar.next_allowed(when, window).tzinfo == REUNION


def test_18h_in_paris_is_allowed_there_but_not_21h_in_reunion():
    paris = _window("Europe/Paris")
    moment = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert calendar.is_allowed(moment, paris)
    assert not calendar.is_allowed(moment, _window("Indian/Reunion"))


def test_reunion_rests_on_its_abolition_day():
    # 20 December: Fête de l'abolition de l'esclavage in La Réunion only.
    noon = datetime(2025, 12, 20, 12, 0, tzinfo=REUNION)
    assert calendar.is_allowed(
        noon.replace(tzinfo=ZoneInfo("Europe/Paris")), _window("Europe/Paris")
    )
    assert "férié" in calendar.refusal_reason(noon, _window("Indian/Reunion"))


@pytest.mark.parametrize(
    ("timezone", "alsace", "expected"),
    [
        ("Europe/Paris", False, None),
        ("Europe/Paris", True, "57"),
        ("Indian/Reunion", True, "974"),
        ("America/Cayenne", False, "973"),
    ],
)
def test_the_holidays_follow_the_time_zone(timezone, alsace, expected):
    assert calendar.subdivision_for(timezone, alsace) == expected


def test_an_unlisted_time_zone_is_refused():
    with pytest.raises(ValueError, match="Fuseau horaire"):
        calendar.SendingWindow(start=time(8), end=time(20), timezone="Europe/London")


def test_a_local_wall_clock_converts_with_the_centre_zone():
    local = datetime(2026, 12, 2, 9, 30)
    assert calendar.to_utc(local, "Indian/Reunion") == datetime(
        2026, 12, 2, 5, 30, tzinfo=UTC
    )
