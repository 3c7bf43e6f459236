"""The sending window holds in every recipient's own time zone and holidays."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sms_hub.domain import calendar, phone

PARIS = ZoneInfo("Europe/Paris")
CAYENNE = ZoneInfo("America/Cayenne")
METRO = "+33612345678"
REUNION = "+262692123456"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def _window(timezone: str = "Europe/Paris", end: time = time(20, 0)):
    return calendar.SendingWindow(
        start=time(8, 0), end=end, timezone=timezone, subdivision=None
    )


@pytest.mark.parametrize(
    ("number", "region", "zone"),
    [
        (METRO, "FR", "Europe/Paris"),
        (REUNION, "RE", "Indian/Reunion"),
        ("+262639012345", "YT", "Indian/Mayotte"),
        ("+590690001234", "GP", "America/Guadeloupe"),
        ("+594694123456", "GF", "America/Cayenne"),
        ("+596696123456", "MQ", "America/Martinique"),
        ("+508551234", "PM", "America/Miquelon"),
        ("+32470123456", "BE", "Europe/Brussels"),
        ("+79161234567", "RU", "Europe/Moscow"),
    ],
)
def test_a_number_tells_its_region_and_time_zone(number, region, zone):
    assert phone.number_zone(number) == (region, zone)


def test_recipient_zones_are_distinct_and_overseas_bring_their_holidays():
    zones = calendar.recipient_zones(
        [METRO, "+33798765432", REUNION, "+262693000000"], centre_subdivision=None
    )
    assert [(z.timezone, z.subdivision, z.label) for z in zones] == [
        ("Europe/Paris", None, "de France métropolitaine"),
        ("Indian/Reunion", "974", "de La Réunion"),
    ]


def test_alsace_moselle_holidays_stay_with_metropolitan_recipients_only():
    zones = calendar.recipient_zones([METRO, REUNION], centre_subdivision="57")
    assert [z.subdivision for z in zones] == ["57", "974"]


def test_a_cayenne_centre_cannot_send_to_metropolitan_numbers_at_1h30_paris():
    # Wednesday 17 June 2026, 01:30 in Paris is Tuesday 20:30 in Cayenne: open
    # for the centre's own 08:00–22:00 window, but night for its recipients.
    window = _window("America/Cayenne", end=time(22, 0))
    now = datetime(2026, 6, 17, 1, 30, tzinfo=PARIS).astimezone(UTC)
    assert calendar.is_allowed(now, window)  # the centre's own clock says yes
    zones = calendar.recipient_zones([METRO], window.subdivision)
    problem = calendar.send_date_problem("SMS_MARKETING", None, window, now, zones)
    assert problem == (
        "Pour les destinataires de France métropolitaine (heure locale 01:30), "
        "les SMS commerciaux sont envoyés entre 08h00 et 22h00. "
        "Prochain créneau autorisé : 17/06/2026 03:00 (heure de la Guyane)."
    )


def test_a_mixed_audience_is_refused_when_one_zone_is_closed():
    # Tuesday 1 December 2026, 18:30 in Paris is 21:30 in La Réunion.
    window = _window()
    when = datetime(2026, 12, 1, 18, 30, tzinfo=PARIS).astimezone(UTC)
    zones = calendar.recipient_zones([METRO, REUNION], None)
    problem = calendar.send_date_problem("SMS_MARKETING", when, window, LONG_AGO, zones)
    assert problem == (
        "Pour les destinataires de La Réunion (heure locale 21:30), "
        "les SMS commerciaux sont envoyés entre 08h00 et 20h00. "
        "Prochain créneau autorisé : 02/12/2026 08:00 (heure de Paris)."
    )


def test_the_next_slot_is_open_for_every_zone():
    window = _window()
    zones = calendar.recipient_zones([METRO, REUNION], None)
    when = datetime(2026, 12, 1, 18, 30, tzinfo=PARIS)
    slot = calendar.next_allowed_for_all(when, window, zones)
    # La Réunion opens at 05:00 Paris time, Paris itself at 08:00.
    assert slot == datetime(2026, 12, 2, 8, 0, tzinfo=PARIS)
    assert slot.tzinfo == PARIS  # shown in the centre's own zone
    assert calendar.audience_refusal(slot, window, zones) is None
    for zone in zones:
        assert calendar.audience_refusal(slot, window, (zone,)) is None


def test_the_next_slot_waits_for_the_zone_opening_last():
    # A Paris centre writing to La Réunion and Guadeloupe (UTC+4 and UTC-4):
    # Guadeloupe opens at 13:00 Paris, La Réunion closes at 17:00 Paris.
    window = _window()
    zones = calendar.recipient_zones([REUNION, "+590690001234"], None)
    slot = calendar.next_allowed_for_all(
        datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), window, zones
    )
    assert slot == datetime(2026, 12, 1, 13, 0, tzinfo=PARIS)


def test_no_common_slot_is_said_plainly():
    window = calendar.SendingWindow(start=time(8, 0), end=time(9, 0))
    zones = calendar.recipient_zones([METRO, REUNION], None)
    when = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
    assert calendar.next_allowed_for_all(when, window, zones) is None
    problem = calendar.send_date_problem(
        "SMS_MARKETING", when.astimezone(UTC), window, LONG_AGO, zones
    )
    assert problem.endswith(
        "Aucun créneau de la plage d'envoi n'est ouvert à la fois pour tous les "
        "destinataires : élargissez la plage d'envoi du centre."
    )


def test_a_holiday_in_one_region_only_blocks_the_whole_campaign():
    # Monday 20 December 2027: abolition of slavery in La Réunion only.
    window = _window()
    when = datetime(2027, 12, 20, 10, 0, tzinfo=PARIS).astimezone(UTC)
    assert (
        calendar.send_date_problem(
            "SMS_MARKETING", when, window, LONG_AGO, calendar.recipient_zones([METRO])
        )
        is None
    )
    zones = calendar.recipient_zones([METRO, REUNION], None)
    problem = calendar.send_date_problem("SMS_MARKETING", when, window, LONG_AGO, zones)
    assert problem == (
        "Pour les destinataires de La Réunion (heure locale 13:00), "
        "le 20/12/2027 est un jour férié (Abolition de l'esclavage). "
        "Prochain créneau autorisé : 21/12/2027 08:00 (heure de Paris)."
    )


def test_a_sunday_in_paris_names_the_zone_and_the_day():
    window = _window()
    when = datetime(2027, 1, 10, 12, 0, tzinfo=PARIS).astimezone(UTC)
    zones = calendar.recipient_zones([METRO, REUNION], None)
    problem = calendar.send_date_problem("SMS_MARKETING", when, window, LONG_AGO, zones)
    assert problem == (
        "Pour les destinataires de France métropolitaine (heure locale 12:00) "
        "et de La Réunion (heure locale 15:00), les SMS commerciaux ne sont pas "
        "envoyés le dimanche. "
        "Prochain créneau autorisé : 11/01/2027 08:00 (heure de Paris)."
    )


def test_foreign_numbers_follow_their_country_zone_and_french_holidays():
    zones = calendar.recipient_zones(["+32470123456"], None)
    assert [(z.timezone, z.subdivision, z.label) for z in zones] == [
        ("Europe/Brussels", None, "de l'indicatif +32 (Belgique)")
    ]


def test_notification_sms_are_exempt_whatever_the_zones():
    window = _window("America/Cayenne")
    now = datetime(2026, 6, 17, 1, 30, tzinfo=PARIS).astimezone(UTC)
    zones = calendar.recipient_zones([METRO, REUNION], None)
    assert calendar.send_date_problem("SMS_NOTIFICATION", None, window, now, zones) is (
        None
    )


def test_a_campaign_without_recipients_keeps_the_centre_zone():
    window = _window("Indian/Reunion")
    when = datetime(2026, 12, 1, 21, 0, tzinfo=ZoneInfo("Indian/Reunion"))
    zones = calendar.recipient_zones([], None, centre_timezone="Indian/Reunion")
    assert [(z.timezone, z.subdivision) for z in zones] == [("Indian/Reunion", "974")]
    assert calendar.audience_refusal(when, window, zones) == (
        "Pour les destinataires de La Réunion (heure locale 21:00), "
        "les SMS commerciaux sont envoyés entre 08h00 et 20h00."
    )


def test_the_launch_dialog_note_offers_the_slot_open_for_all():
    window = _window()
    zones = calendar.recipient_zones([METRO, REUNION], None)
    now = datetime(2026, 12, 1, 18, 30, tzinfo=PARIS).astimezone(UTC)
    note = calendar.window_note(now, window, zones)
    assert note.reason.startswith("Pour les destinataires de La Réunion (heure locale")
    assert note.slot == "02/12/2026 08:00 (heure de Paris)"
    assert note.slot_local == datetime(2026, 12, 2, 8, 0, tzinfo=PARIS)
    open_now = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)  # 12:00 in La Réunion
    assert calendar.window_note(open_now, window, zones) == calendar.WindowNote()


def test_the_launch_dialog_note_without_a_common_slot():
    window = calendar.SendingWindow(start=time(8, 0), end=time(9, 0))
    zones = calendar.recipient_zones([METRO, REUNION], None)
    note = calendar.window_note(
        datetime(2026, 12, 1, 10, 0, tzinfo=PARIS), window, zones
    )
    assert note.slot_local is None
    assert note.slot == (
        "aucun créneau commun à tous les destinataires "
        "(élargissez la plage d'envoi du centre)"
    )
