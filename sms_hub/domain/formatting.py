"""French formatting of dates and numbers for the screens (babel)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

PARIS = ZoneInfo("Europe/Paris")
LOCALE = "fr_FR"


def date_time_fr(moment: datetime | None, timezone: str | None = None) -> str:
    """``27/11/2026 14:05`` in ``timezone`` (Europe/Paris by default); empty for None."""
    if moment is None:
        return ""
    zone = ZoneInfo(timezone) if timezone else PARIS
    return format_datetime(moment, "dd/MM/yyyy HH:mm", tzinfo=zone, locale=LOCALE)


def number_fr(value: int | float) -> str:
    """``12 345`` (narrow no-break space as thousands separator)."""
    return format_decimal(value, locale=LOCALE)


def percent_fr(ratio: float) -> str:
    """``12,5 %``."""
    return format_percent(ratio, format="#,##0.0\u202f%", locale=LOCALE)


def count_fr(count: int, singular: str, plural: str) -> str:
    """``1 destinataire en échec``, ``1 234 destinataires en échec``.

    French agrees in the singular for 0 and 1.
    """
    return f"{number_fr(count)} {singular if count < 2 else plural}"
