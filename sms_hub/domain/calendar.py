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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

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
    """Days and hours (Europe/Paris) an SMS Marketing campaign may be sent.

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
    local = _as_local(when, window)
    day = local.date()
    if day.weekday() not in window.weekdays:
        return (
            f"Les SMS commerciaux ne sont pas envoyés le {_DAY_NAMES[day.weekday()]}."
        )
    holiday = holiday_name(day, window.subdivision)
    if holiday is not None:
        return f"Le {day:%d/%m/%Y} est un jour férié ({holiday})."
    if not window.start <= local.time() < window.end:
        return f"Les SMS commerciaux sont envoyés entre {window.hours_label}."
    return None


def next_allowed(when: datetime, window: SendingWindow) -> datetime:
    """``when`` itself (in the window's time zone) if allowed, else the next opening."""
    local = _as_local(when, window)
    if is_allowed(local, window):
        return local
    day = local.date()
    if not (_is_sending_day(day, window) and local.time() < window.start):
        day += timedelta(days=1)
        while not _is_sending_day(day, window):
            day += timedelta(days=1)
    return datetime.combine(day, window.start, tzinfo=window.zone)


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


def _is_sending_day(day: date, window: SendingWindow) -> bool:
    return day.weekday() in window.weekdays and (
        holiday_name(day, window.subdivision) is None
    )


def _format_time(value: time) -> str:
    return f"{value.hour:02d}h{value.minute:02d}"


@functools.cache
def _holidays(subdivision: str | None) -> holidays.HolidayBase:
    subdiv = _SUBDIVISION_ALIASES.get(subdivision, subdivision) if subdivision else None
    return holidays.France(subdiv=subdiv, language="fr")


#: A scheduled send must start at least this far in the future.
MIN_SCHEDULE_DELAY = timedelta(minutes=1)


def send_date_problem(
    kind: str, when_utc: datetime | None, window: SendingWindow, now: datetime
) -> str | None:
    """Why a send now (``when_utc`` None) or at ``when_utc`` is refused, or None.

    A date in the past is always refused; SMS Marketing must also fall in the
    sending window, and the refusal names the next allowed slot.
    """
    if when_utc is not None and when_utc <= now + MIN_SCHEDULE_DELAY:
        return "La date d'envoi est passée : choisissez une date et une heure à venir."
    if not requires_window(kind):
        return None
    moment = when_utc or now
    reason = refusal_reason(moment, window)
    if reason is None:
        return None
    slot = date_time_fr(next_allowed(moment, window), window.timezone)
    return f"{reason} Prochain créneau autorisé : {slot}."
