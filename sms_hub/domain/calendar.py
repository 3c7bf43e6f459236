"""When an SMS Marketing campaign may be sent.

Commercial SMS go out on working days within daytime hours, never on
Sundays or French public holidays. The closing hour differs between sources
(20:00 in the long-standing industry code, 22:00 in the operators' 2024
charter), so the window is an account setting: Monday to Saturday,
08:00–20:00 Europe/Paris by default, never wider than 08:00–22:00.
Notification SMS are exempt; ``requires_window`` tells which kind is bound.

Public holidays come from the ``holidays`` package (movable feasts included:
Easter Monday, Ascension, Whit Monday). An account in Alsace-Moselle
(subdivision ``57``, or ``67``/``68`` which map to ``holidays``' ``6AE``) also
rests on Good Friday and 26 December; an overseas department (``971``
Guadeloupe, ``972`` Martinique, ``973`` Guyane, ``974`` La Réunion, ``976``
Mayotte, ...) adds its own days, such as the abolition of slavery.

Times are entered and shown in the centre's own time zone (Europe/Paris,
or an overseas department's: ``TIMEZONES``) and sent to Sarbacane in UTC;
the helpers at the end convert, DST included. An overseas time zone brings
its department's holidays (``subdivision_for``).

The window protects the recipients, so it holds in each recipient's local
time with their own holidays, whatever the centre's zone: a campaign's
numbers give its ``RecipientZone``s (metropolitan France, each overseas
department or collectivity by its prefix, a foreign number in its country's
zone with French national holidays), a send must be open in all of them
(``audience_refusal``), and the next slot offered is the first instant open
for all (``next_allowed_for_all``), shown in the centre's zone.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import phonenumbers
from babel import Locale
from babel.core import get_global

from sms_hub.domain import phone
from sms_hub.domain.formatting import date_time_fr

TZ = ZoneInfo("Europe/Paris")

#: The time zones a centre may choose, with their French labels and the
#: ``holidays`` subdivision whose public holidays apply there.
TIMEZONES: dict[str, tuple[str, str | None]] = {
    "Europe/Paris": ("France métropolitaine (Europe/Paris)", None),
    "Indian/Reunion": ("La Réunion (Indian/Reunion)", "974"),
    "Indian/Mayotte": ("Mayotte (Indian/Mayotte)", "976"),
    "America/Guadeloupe": ("Guadeloupe (America/Guadeloupe)", "971"),
    "America/Martinique": ("Martinique (America/Martinique)", "972"),
    "America/Cayenne": ("Guyane (America/Cayenne)", "973"),
}
ALSACE_MOSELLE = "57"
#: How a form names the local time of each zone.
LOCAL_TIME_LABELS: dict[str, str] = {
    "Europe/Paris": "heure de Paris",
    "Indian/Reunion": "heure de La Réunion",
    "Indian/Mayotte": "heure de Mayotte",
    "America/Guadeloupe": "heure de la Guadeloupe",
    "America/Martinique": "heure de la Martinique",
    "America/Cayenne": "heure de la Guyane",
}

EARLIEST_START = time(8, 0)
LATEST_END = time(22, 0)
MARKETING_KIND = "SMS_MARKETING"

_DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# Accepted besides the subdivisions of ``holidays.France``: the Alsace
# departments by their usual numbers.
_SUBDIVISION_ALIASES = {"67": "6AE", "68": "6AE"}

KNOWN_SUBDIVISIONS = frozenset(
    {
        *holidays.France.subdivisions,
        *getattr(holidays.France, "subdivisions_aliases", {}),
        *_SUBDIVISION_ALIASES,
    }
)


@dataclass(frozen=True)
class SendingWindow:
    """Days and hours an SMS Marketing campaign may be sent, in ``timezone``
    (the centre's) or in each recipient zone's local time.

    ``end`` is exclusive: with the default window 19:59 is allowed, 20:00
    is not.
    """

    start: time = time(8, 0)
    end: time = time(20, 0)
    weekdays: frozenset[int] = frozenset(range(6))
    subdivision: str | None = None
    timezone: str = "Europe/Paris"

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if self.timezone not in TIMEZONES:
            raise ValueError(f"Fuseau horaire non pris en charge : {self.timezone}.")
        if self.start < EARLIEST_START or self.end > LATEST_END:
            raise ValueError(
                "La plage d'envoi des SMS commerciaux ne peut pas dépasser 08h00–22h00."
            )
        if self.start >= self.end:
            raise ValueError("L'heure de fin doit être après l'heure de début.")
        if not self.weekdays:
            raise ValueError("Choisissez au moins un jour d'envoi.")
        if not self.weekdays <= frozenset(range(6)):
            raise ValueError(
                "Les SMS commerciaux ne peuvent être envoyés que du lundi au samedi."
            )
        if self.subdivision is not None and self.subdivision not in KNOWN_SUBDIVISIONS:
            raise ValueError(f"Subdivision inconnue : {self.subdivision}.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hours_label(self) -> str:
        """``"08h00 et 20h00"``-style bounds, as the refusal reason shows them."""
        return f"{_format_time(self.start)} et {_format_time(self.end)}"


def requires_window(kind: str) -> bool:
    """Whether a campaign kind is bound by the sending calendar."""
    return kind == MARKETING_KIND


def is_allowed(when: datetime, window: SendingWindow) -> bool:
    """Whether a campaign may be sent at ``when`` (a timezone-aware datetime)."""
    return refusal_reason(when, window) is None


def refusal_reason(when: datetime, window: SendingWindow) -> str | None:
    """Why ``when`` is outside the window, in French, or ``None`` if it is inside."""
    clause = _closed_because(_as_local(when, window), window, window.subdivision)
    return None if clause is None else f"{clause[0].upper()}{clause[1:]}."


def _closed_because(
    local: datetime, window: SendingWindow, subdivision: str | None
) -> str | None:
    """Why the local time ``local`` is outside the window (a clause), or None."""
    day = local.date()
    if day.weekday() not in window.weekdays:
        return f"les SMS commerciaux ne sont pas envoyés le {_DAY_NAMES[day.weekday()]}"
    holiday = holiday_name(day, subdivision)
    if holiday is not None:
        return f"le {day:%d/%m/%Y} est un jour férié ({holiday})"
    if not window.start <= local.time() < window.end:
        return f"les SMS commerciaux sont envoyés entre {window.hours_label}"
    return None


def next_allowed(when: datetime, window: SendingWindow) -> datetime:
    """``when`` itself (in the window's time zone) if allowed, else the next opening."""
    return _next_open(_as_local(when, window), window, window.subdivision)


def _next_open(
    local: datetime, window: SendingWindow, subdivision: str | None
) -> datetime:
    """``local`` if the window is open then in its zone, else its next opening."""
    if _closed_because(local, window, subdivision) is None:
        return local
    day = local.date()
    if not (_is_sending_day(day, window, subdivision) and local.time() < window.start):
        day += timedelta(days=1)
        while not _is_sending_day(day, window, subdivision):
            day += timedelta(days=1)
    return datetime.combine(day, window.start, tzinfo=local.tzinfo)


# --- The recipients' zones ---------------------------------------------------


@dataclass(frozen=True)
class RecipientZone:
    """Where some of a campaign's recipients live: their clock and holidays.

    The centre's days and hours hold in each recipient's local time, with
    the public holidays of their department (``subdivision``, as
    ``holidays.France`` names it; French national holidays for a foreign
    number). ``label`` completes « les destinataires … ».
    """

    timezone: str
    subdivision: str | None
    label: str


_METROPOLITAN = "FR"
_METRO_LABEL = "de France métropolitaine"
# ``holidays.France`` subdivisions of the overseas regions, by region code.
_OVERSEAS_SUBDIVISIONS = {
    **{
        region: code
        for region, code in getattr(holidays.France, "subdivisions_aliases", {}).items()
        if len(region) == 2 and region.isupper() and region != "GY"
    },
    **{code: code for code in holidays.France.subdivisions if len(code) == 2},
    "GF": "973",  # ``holidays`` knows Guyane as ``GY``, Guyana's code
}
_ALSACE_MOSELLE = frozenset({"57", "67", "68", "6AE"})
_FRENCH_NAMES = Locale("fr").territories


def _zone_of(region: str, timezone: str, alsace: str | None) -> RecipientZone:
    if region == _METROPOLITAN:
        return RecipientZone(timezone, alsace, _METRO_LABEL)
    name = _FRENCH_NAMES.get(region, region)
    if region in _OVERSEAS_SUBDIVISIONS:
        return RecipientZone(timezone, _OVERSEAS_SUBDIVISIONS[region], f"de {name}")
    code = phonenumbers.country_code_for_region(region)
    return RecipientZone(timezone, None, f"de l'indicatif +{code} ({name})")


def recipient_zones(
    numbers: Iterable[str],
    centre_subdivision: str | None = None,
    centre_timezone: str = "Europe/Paris",
) -> tuple[RecipientZone, ...]:
    """The distinct zones of a campaign's recipients (E.164 numbers).

    Metropolitan numbers keep the centre's Alsace-Moselle holidays when it
    has them. A campaign with no number (or none readable) is held to the
    centre's own zone. Sorted: metropolitan France first, then by label.
    """
    found: dict[tuple[str, str], None] = {}
    for number in numbers:
        place = phone.number_zone(number)
        if place is not None:
            found[place] = None
    if not found:
        region = get_global("zone_territories").get(centre_timezone, _METROPOLITAN)
        found[(region, centre_timezone)] = None
    alsace = centre_subdivision if centre_subdivision in _ALSACE_MOSELLE else None
    zones = {_zone_of(region, timezone, alsace) for region, timezone in found}
    return tuple(
        sorted(zones, key=lambda z: (z.label != _METRO_LABEL, z.label, z.timezone))
    )


def subdivision_for(timezone: str, alsace_moselle: bool) -> str | None:
    """The holidays that apply to a centre: its overseas department's, or
    Alsace-Moselle's when it says so (metropolitan France only)."""
    overseas = TIMEZONES[timezone][1]
    if overseas is not None:
        return overseas
    return ALSACE_MOSELLE if alsace_moselle else None


def holiday_name(day: date, subdivision: str | None = None) -> str | None:
    """French name of the public holiday on ``day``, or ``None``."""
    return _holidays(subdivision).get(day)


def to_utc(local_naive: datetime, timezone: str = "Europe/Paris") -> datetime:
    """A wall-clock time of ``timezone`` (Europe/Paris by default) in UTC.

    On the spring-forward night a time in the missing hour (02:00–02:59)
    does not exist; it is read with the offset in force before the change,
    which shifts it forward by one hour (02:30 becomes 03:30 CEST). On the
    fall-back night a time in the repeated hour is taken at its first
    occurrence (summer time), unless ``fold=1`` asks for the second. An
    aware datetime is simply converted.
    """
    if local_naive.tzinfo is None:
        local_naive = local_naive.replace(tzinfo=ZoneInfo(timezone))
    return local_naive.astimezone(UTC)


def to_paris(utc: datetime) -> datetime:
    """An instant as an aware Europe/Paris datetime.

    A naive value is taken as UTC, the way the database stores instants.
    """
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=UTC)
    return utc.astimezone(TZ)


def _as_local(when: datetime, window: SendingWindow) -> datetime:
    if when.tzinfo is None:
        raise ValueError("La date doit indiquer son fuseau horaire.")
    return when.astimezone(window.zone)


def _is_sending_day(day: date, window: SendingWindow, subdivision: str | None) -> bool:
    return day.weekday() in window.weekdays and holiday_name(day, subdivision) is None


def _format_time(value: time) -> str:
    return f"{value.hour:02d}h{value.minute:02d}"


@functools.cache
def _holidays(subdivision: str | None) -> holidays.HolidayBase:
    subdiv = _SUBDIVISION_ALIASES.get(subdivision, subdivision) if subdivision else None
    return holidays.France(subdiv=subdiv, language="fr")


#: A scheduled send must start at least this far in the future.
MIN_SCHEDULE_DELAY = timedelta(minutes=1)


def send_date_problem(
    kind: str,
    when_utc: datetime | None,
    window: SendingWindow,
    now: datetime,
    zones: tuple[RecipientZone, ...] | None = None,
) -> str | None:
    """Why a send now (``when_utc`` None) or at ``when_utc`` is refused, or None.

    A date in the past is always refused; SMS Marketing must also fall in the
    sending window, in every zone of its recipients (``zones``; the centre's
    own zone when not given), and the refusal names the blocking zones and
    the first slot open for all of them.
    """
    if when_utc is not None and when_utc <= now + MIN_SCHEDULE_DELAY:
        return "La date d'envoi est passée : choisissez une date et une heure à venir."
    if not requires_window(kind):
        return None
    moment = when_utc or now
    if zones is None:
        reason = refusal_reason(moment, window)
        if reason is None:
            return None
        slot = date_time_fr(next_allowed(moment, window), window.timezone)
        return f"{reason} Prochain créneau autorisé : {slot}."
    reason = audience_refusal(moment, window, zones)
    if reason is None:
        return None
    return f"{reason} {next_slot_sentence(moment, window, zones)}"


def audience_refusal(
    when: datetime, window: SendingWindow, zones: tuple[RecipientZone, ...]
) -> str | None:
    """Why ``when`` is outside the window for some recipients, naming their
    zones and local times, or ``None`` when it is open for all of them.

    « Pour les destinataires de La Réunion (heure locale 21:30), les SMS
    commerciaux sont envoyés entre 08h00 et 20h00. »
    """
    if when.tzinfo is None:
        raise ValueError("La date doit indiquer son fuseau horaire.")
    blocked: dict[str, list[str]] = {}
    for zone in zones:
        local = when.astimezone(ZoneInfo(zone.timezone))
        clause = _closed_because(local, window, zone.subdivision)
        if clause is not None:
            who = f"{zone.label} (heure locale {local:%H:%M})"
            blocked.setdefault(clause, []).append(who)
    if not blocked:
        return None
    return " ".join(
        f"Pour les destinataires {_and_list(who)}, {clause}."
        for clause, who in blocked.items()
    )


def next_allowed_for_all(
    when: datetime, window: SendingWindow, zones: tuple[RecipientZone, ...]
) -> datetime | None:
    """The first instant from ``when`` open in every zone, in the centre's
    zone; ``None`` when the zones' windows never meet (a narrow window
    and zones far apart)."""
    moment = _as_local(when, window)
    limit = moment + _COMMON_SLOT_HORIZON
    while moment <= limit:
        later = moment
        for zone in zones:
            local = later.astimezone(ZoneInfo(zone.timezone))
            later = _next_open(local, window, zone.subdivision)
        if later == moment:
            return moment.astimezone(window.zone)
        moment = later.astimezone(window.zone)
    return None


def next_slot_label(
    slot: datetime, window: SendingWindow, zones: tuple[RecipientZone, ...]
) -> str:
    """The slot as the launch dialog writes it: in the centre's zone, named
    when some recipients live in another one."""
    text = date_time_fr(slot, window.timezone)
    if any(zone.timezone != window.timezone for zone in zones):
        text += f" ({LOCAL_TIME_LABELS[window.timezone]})"
    return text


def next_slot_sentence(
    when: datetime, window: SendingWindow, zones: tuple[RecipientZone, ...]
) -> str:
    slot = next_allowed_for_all(when, window, zones)
    if slot is None:
        return NO_COMMON_SLOT
    return f"Prochain créneau autorisé : {next_slot_label(slot, window, zones)}."


@dataclass(frozen=True)
class WindowNote:
    """What the launch dialog says about the window before a send now:
    why it is closed (empty when open), the next slot for all recipients as
    written and as a local time of the centre (to fill the form)."""

    reason: str = ""
    slot: str = ""
    slot_local: datetime | None = None


def window_note(
    now: datetime, window: SendingWindow, zones: tuple[RecipientZone, ...]
) -> WindowNote:
    reason = audience_refusal(now, window, zones)
    if reason is None:
        return WindowNote()
    slot = next_allowed_for_all(now, window, zones)
    if slot is None:
        return WindowNote(reason, NO_SLOT_TEXT)
    return WindowNote(reason, next_slot_label(slot, window, zones), slot)


NO_COMMON_SLOT = (
    "Aucun créneau de la plage d'envoi n'est ouvert à la fois pour tous les "
    "destinataires : élargissez la plage d'envoi du centre."
)
NO_SLOT_TEXT = (
    "aucun créneau commun à tous les destinataires "
    "(élargissez la plage d'envoi du centre)"
)
# Holidays and Sundays close a zone a few days at most: a slot further than
# this means the windows of the zones never overlap.
_COMMON_SLOT_HORIZON = timedelta(days=31)


def _and_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} et {items[-1]}"
