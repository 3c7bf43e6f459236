"""Sending calendar of SMS Marketing: days, hours, holidays, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from sms_hub.domain.calendar import (
    TZ,
    SendingWindow,
    holiday_name,
    is_allowed,
    next_allowed,
    refusal_reason,
    requires_window,
    to_paris,
    to_utc,
)

DEFAULT = SendingWindow()
HOURS = "Les SMS commerciaux sont envoyés entre 08h00 et 20h00."
SUNDAY = "Les SMS commerciaux ne sont pas envoyés le dimanche."


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


# --- the window setting ---------------------------------------------------------


def test_default_window_is_monday_to_saturday_8_to_20() -> None:
    assert DEFAULT.start == time(8, 0)
    assert DEFAULT.end == time(20, 0)
    assert frozenset({0, 1, 2, 3, 4, 5}) == DEFAULT.weekdays
    assert DEFAULT.subdivision is None


def test_widest_window_8_to_22_is_accepted() -> None:
    window = SendingWindow(start=time(8, 0), end=time(22, 0))
    assert is_allowed(paris(2026, 6, 16, 21, 59), window)
    assert not is_allowed(paris(2026, 6, 16, 22, 0), window)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (time(7, 59), time(20, 0)),
        (time(8, 0), time(22, 1)),
        (time(8, 0), time(22, 0, 1)),
        (time(0, 0), time(23, 59)),
    ],
)
def test_window_wider_than_8_to_22_is_refused(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="08h00–22h00"):
        SendingWindow(start=start, end=end)


def test_window_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        SendingWindow(start=time(12, 0), end=time(12, 0))
    with pytest.raises(ValueError):
        SendingWindow(start=time(18, 0), end=time(9, 0))


def test_window_cannot_include_sunday_or_be_empty() -> None:
    with pytest.raises(ValueError, match="lundi au samedi"):
        SendingWindow(weekdays=frozenset(range(7)))
    with pytest.raises(ValueError):
        SendingWindow(weekdays=frozenset())


def test_window_accepts_a_plain_set_of_weekdays() -> None:
    window = SendingWindow(weekdays={0, 1, 2, 3, 4})  # type: ignore[arg-type]
    assert window.weekdays == frozenset(range(5))
    assert hash(window)


@pytest.mark.parametrize(
    "subdivision", ["57", "67", "68", "6AE", "971", "972", "973", "974", "976"]
)
def test_known_subdivisions_are_accepted(subdivision: str) -> None:
    assert SendingWindow(subdivision=subdivision).subdivision == subdivision


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="Subdivision inconnue"):
        SendingWindow(subdivision="75")


# --- days -------------------------------------------------------------------------


def test_sunday_is_refused() -> None:
    when = paris(2026, 6, 14, 10, 0)
    assert not is_allowed(when, DEFAULT)
    assert refusal_reason(when, DEFAULT) == SUNDAY


def test_saturday_is_allowed_by_default() -> None:
    assert is_allowed(paris(2026, 6, 13, 10, 0), DEFAULT)


def test_weekday_left_out_of_a_custom_window_is_named() -> None:
    window = SendingWindow(weekdays=frozenset(range(5)))
    assert refusal_reason(paris(2026, 6, 13, 10, 0), window) == (
        "Les SMS commerciaux ne sont pas envoyés le samedi."
    )


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Jour de l'an"),
        (date(2026, 4, 6), "Lundi de Pâques"),
        (date(2026, 5, 1), "Fête du Travail"),
        (date(2026, 5, 8), "Fête de la Victoire"),
        (date(2026, 5, 14), "Ascension"),
        (date(2026, 5, 25), "Lundi de Pentecôte"),
        (date(2026, 7, 14), "Fête nationale"),
        (date(2026, 11, 11), "Armistice"),
        (date(2026, 12, 25), "Noël"),
        (date(2027, 3, 29), "Lundi de Pâques"),
        (date(2027, 5, 6), "Ascension"),
        (date(2027, 5, 17), "Lundi de Pentecôte"),
        (date(2026, 8, 15), "Assomption"),
        (date(2027, 11, 1), "Toussaint"),
    ],
)
def test_french_public_holidays_are_refused(day: date, name: str) -> None:
    when = datetime.combine(day, time(10, 0), tzinfo=TZ)
    assert holiday_name(day) == name
    assert not is_allowed(when, DEFAULT)
    assert refusal_reason(when, DEFAULT) == (
        f"Le {day:%d/%m/%Y} est un jour férié ({name})."
    )


def test_christmas_reason_wording() -> None:
    assert refusal_reason(paris(2026, 12, 25, 10, 0), DEFAULT) == (
        "Le 25/12/2026 est un jour férié (Noël)."
    )


def test_day_after_a_holiday_is_allowed() -> None:
    assert is_allowed(paris(2027, 3, 30, 10, 0), DEFAULT)
    assert is_allowed(paris(2026, 7, 15, 10, 0), DEFAULT)


@pytest.mark.parametrize("subdivision", ["57", "67", "68", "6AE"])
def test_alsace_moselle_rests_on_good_friday_and_26_december(
    subdivision: str,
) -> None:
    window = SendingWindow(subdivision=subdivision)
    assert refusal_reason(paris(2026, 4, 3, 10, 0), window) == (
        "Le 03/04/2026 est un jour férié (Vendredi saint)."
    )
    assert refusal_reason(paris(2026, 12, 26, 10, 0), window) == (
        "Le 26/12/2026 est un jour férié (Saint-Étienne)."
    )


def test_good_friday_and_26_december_are_working_days_elsewhere() -> None:
    assert is_allowed(paris(2026, 4, 3, 10, 0), DEFAULT)
    assert is_allowed(paris(2026, 12, 26, 10, 0), DEFAULT)


@pytest.mark.parametrize(
    ("subdivision", "day"),
    [
        ("971", date(2026, 5, 27)),
        ("972", date(2026, 5, 22)),
        ("973", date(2026, 6, 10)),
        ("974", date(2027, 12, 20)),
        ("976", date(2026, 4, 27)),
    ],
)
def test_overseas_abolition_of_slavery_only_with_subdivision(
    subdivision: str, day: date
) -> None:
    when = datetime.combine(day, time(10, 0), tzinfo=TZ)
    assert is_allowed(when, DEFAULT)
    assert holiday_name(day, subdivision) == "Abolition de l'esclavage"
    assert not is_allowed(when, SendingWindow(subdivision=subdivision))


# --- hours ------------------------------------------------------------------------


def test_19_59_is_allowed_and_20_00_is_not() -> None:
    assert is_allowed(paris(2026, 6, 16, 19, 59), DEFAULT)
    assert is_allowed(paris(2026, 6, 16, 19, 59, 59, 999999), DEFAULT)
    assert not is_allowed(paris(2026, 6, 16, 20, 0), DEFAULT)
    assert refusal_reason(paris(2026, 6, 16, 20, 0), DEFAULT) == HOURS


def test_07_59_is_refused_and_08_00_is_allowed() -> None:
    assert refusal_reason(paris(2026, 6, 16, 7, 59), DEFAULT) == HOURS
    assert is_allowed(paris(2026, 6, 16, 8, 0), DEFAULT)


def test_custom_hours_appear_in_the_reason() -> None:
    window = SendingWindow(start=time(9, 30), end=time(21, 0))
    assert refusal_reason(paris(2026, 6, 16, 21, 0), window) == (
        "Les SMS commerciaux sont envoyés entre 09h30 et 21h00."
    )


def test_instants_are_judged_in_paris_time() -> None:
    # 18:30 UTC is 20:30 in summer (refused) and 19:30 in winter (allowed).
    assert not is_allowed(datetime(2026, 7, 15, 18, 30, tzinfo=UTC), DEFAULT)
    assert is_allowed(datetime(2026, 1, 15, 18, 30, tzinfo=UTC), DEFAULT)
    # 23:30 UTC on Saturday is already Sunday in Paris.
    assert refusal_reason(datetime(2026, 6, 13, 23, 30, tzinfo=UTC), DEFAULT) == (
        SUNDAY
    )


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        is_allowed(datetime(2026, 6, 16, 10, 0), DEFAULT)
    with pytest.raises(ValueError):
        next_allowed(datetime(2026, 6, 16, 10, 0), DEFAULT)


# --- next allowed slot --------------------------------------------------------------


def test_next_allowed_is_when_itself_if_allowed() -> None:
    when = paris(2026, 6, 16, 10, 15, 30)
    assert next_allowed(when, DEFAULT) == when
    utc = datetime(2026, 6, 16, 8, 15, tzinfo=UTC)
    result = next_allowed(utc, DEFAULT)
    assert result == utc
    assert result.tzinfo == TZ
    assert result.hour == 10


def test_next_allowed_before_opening_is_same_day_8_00() -> None:
    assert next_allowed(paris(2026, 6, 16, 7, 59), DEFAULT) == paris(2026, 6, 16, 8, 0)
    assert next_allowed(paris(2026, 6, 16, 0, 0), DEFAULT) == paris(2026, 6, 16, 8, 0)


def test_next_allowed_after_closing_is_next_day_8_00() -> None:
    assert next_allowed(paris(2026, 6, 16, 20, 0), DEFAULT) == paris(2026, 6, 17, 8, 0)


def test_next_allowed_from_saturday_evening_is_monday_8_00() -> None:
    assert next_allowed(paris(2026, 6, 13, 20, 30), DEFAULT) == paris(2026, 6, 15, 8, 0)


def test_next_allowed_skips_easter_monday_to_tuesday() -> None:
    # Saturday 27 March 2027, 20:30: Sunday, then Easter Monday 29 March
    # (and the switch to summer time in between).
    result = next_allowed(paris(2027, 3, 27, 20, 30), DEFAULT)
    assert result == paris(2027, 3, 30, 8, 0)
    assert result.utcoffset() == timedelta(hours=2)


def test_next_allowed_skips_whit_monday() -> None:
    assert next_allowed(paris(2026, 5, 23, 20, 30), DEFAULT) == paris(2026, 5, 26, 8, 0)


def test_next_allowed_early_on_a_holiday_goes_to_next_day() -> None:
    assert next_allowed(paris(2026, 7, 14, 7, 0), DEFAULT) == paris(2026, 7, 15, 8, 0)


def test_next_allowed_from_sunday_morning_is_monday() -> None:
    assert next_allowed(paris(2026, 6, 14, 7, 0), DEFAULT) == paris(2026, 6, 15, 8, 0)


def test_next_allowed_after_christmas_depends_on_subdivision() -> None:
    christmas = paris(2026, 12, 25, 10, 0)
    assert next_allowed(christmas, DEFAULT) == paris(2026, 12, 26, 8, 0)
    assert next_allowed(christmas, SendingWindow(subdivision="57")) == paris(
        2026, 12, 28, 8, 0
    )


def test_next_allowed_opens_at_a_custom_start() -> None:
    window = SendingWindow(start=time(9, 30), end=time(21, 0))
    assert next_allowed(paris(2026, 6, 16, 21, 0), window) == paris(2026, 6, 17, 9, 30)


def test_next_allowed_respects_custom_weekdays() -> None:
    window = SendingWindow(weekdays=frozenset({0, 1, 2, 3, 4}))
    assert next_allowed(paris(2026, 6, 12, 20, 30), window) == paris(2026, 6, 15, 8, 0)


def test_next_allowed_is_always_allowed() -> None:
    when = paris(2026, 1, 1, 0, 0)
    for _ in range(24 * 40):
        slot = next_allowed(when, DEFAULT)
        assert slot >= when
        assert is_allowed(slot, DEFAULT)
        when += timedelta(hours=9, minutes=7)


# --- daylight saving time -----------------------------------------------------------


def test_next_allowed_across_spring_forward() -> None:
    result = next_allowed(paris(2026, 3, 28, 20, 30), DEFAULT)
    assert result == paris(2026, 3, 30, 8, 0)
    assert to_utc(datetime(2026, 3, 30, 8, 0)) == datetime(
        2026, 3, 30, 6, 0, tzinfo=UTC
    )


def test_next_allowed_across_fall_back() -> None:
    result = next_allowed(paris(2026, 10, 24, 21, 0), DEFAULT)
    assert result == paris(2026, 10, 26, 8, 0)
    assert result.astimezone(UTC) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_to_utc_winter_and_summer() -> None:
    assert to_utc(datetime(2026, 1, 15, 9, 0)) == datetime(
        2026, 1, 15, 8, 0, tzinfo=UTC
    )
    assert to_utc(datetime(2026, 7, 15, 9, 0)) == datetime(
        2026, 7, 15, 7, 0, tzinfo=UTC
    )
    assert to_utc(datetime(2026, 7, 15, 9, 0)).tzinfo == UTC


def test_to_utc_shifts_a_missing_spring_time_forward() -> None:
    # 29 March 2026: clocks jump from 02:00 to 03:00, so 02:30 does not exist.
    utc = to_utc(datetime(2026, 3, 29, 2, 30))
    assert utc == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert to_paris(utc).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


def test_to_utc_takes_first_occurrence_of_a_repeated_autumn_time() -> None:
    # 25 October 2026: 02:30 happens twice, in summer time then in winter time.
    assert to_utc(datetime(2026, 10, 25, 2, 30)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert to_utc(datetime(2026, 10, 25, 2, 30, fold=1)) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )


def test_to_utc_converts_an_aware_datetime() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert to_utc(datetime(2026, 7, 15, 9, 0, tzinfo=plus_two)) == datetime(
        2026, 7, 15, 7, 0, tzinfo=UTC
    )


def test_to_paris_takes_naive_values_as_utc() -> None:
    result = to_paris(datetime(2026, 7, 15, 7, 0))
    assert result.tzinfo == TZ
    assert result.replace(tzinfo=None) == datetime(2026, 7, 15, 9, 0)
    assert to_paris(datetime(2026, 1, 15, 8, 0, tzinfo=UTC)).hour == 9


def test_round_trip_paris_utc_paris() -> None:
    local = datetime(2026, 11, 3, 14, 45)
    assert to_paris(to_utc(local)).replace(tzinfo=None) == local


# --- which campaigns are bound -----------------------------------------------------


def test_only_sms_marketing_requires_the_window() -> None:
    assert requires_window("SMS_MARKETING")
    assert not requires_window("SMS_NOTIFICATION")
    assert not requires_window("")


def test_send_date_problem_refuses_the_past_and_marketing_outside_the_window():
    from datetime import UTC

    from sms_hub.domain.calendar import send_date_problem

    window = SendingWindow()
    now = datetime(2027, 1, 6, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Paris
    past = now - timedelta(minutes=5)
    sunday = datetime(2027, 1, 10, 11, 0, tzinfo=UTC)
    assert "La date d'envoi est passée" in send_date_problem(
        "SMS_NOTIFICATION", past, window, now
    )
    assert send_date_problem("SMS_MARKETING", None, window, now) is None
    assert send_date_problem("SMS_NOTIFICATION", sunday, window, now) is None
    assert send_date_problem("SMS_MARKETING", sunday, window, now).endswith(
        "Prochain créneau autorisé : 11/01/2027 08:00."
    )
