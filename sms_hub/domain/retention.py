"""How long a centre keeps a person's data (RGPD, storage limitation).

A person's number and e-mail are kept for the centre's « Durée de
conservation » after the last campaign that reached them (a finished or
cancelled send); past it, their recipients in sent campaigns are anonymised
(outcomes kept, so the statistics stay right) and their entries in the
contact lists are removed. A person a campaign is about to reach (in a
draft, planned or sending campaign) or reached within the limit is kept. A
contact never reached by any campaign is kept with its list.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DEFAULT_MONTHS = 36
MIN_MONTHS = 1
MAX_MONTHS = 120
#: The job runs once a day per centre.
RUN_EVERY = timedelta(days=1)

RETENTION_HELP = (
    "Chaque jour, les numéros et adresses e-mail des personnes qu'aucune campagne "
    "n'a atteintes depuis cette durée sont anonymisés dans les campagnes envoyées "
    "(les statistiques restent justes) et retirés des listes de contacts. "
    "Un contact jamais atteint par une campagne est conservé avec sa liste."
)


def validate_months(months: int) -> str | None:
    """``None`` when accepted, otherwise the French reason."""
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        return (
            f"La durée de conservation doit être comprise entre {MIN_MONTHS} et "
            f"{MAX_MONTHS} mois."
        )
    return None


def cutoff(now: datetime, months: int) -> datetime:
    """The moment before which a last campaign is past the limit: ``months``
    calendar months before ``now`` (the day clamped to the month's end)."""
    month_index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def is_due(last_run: datetime | None, now: datetime) -> bool:
    return last_run is None or now - last_run >= RUN_EVERY
