"""Campaign statistics derived from Sarbacane's per-recipient report.

Sarbacane documents no SMS counters (failed, STOP, credits per campaign):
they are computed here from each recipient's outcome, the one place that
decides what a recipient's outcome is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sms_hub.domain.formatting import PARIS, number_fr


class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    STOP = "stop"
    PENDING = "pending"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.DELIVERED: "Délivré",
    Outcome.FAILED: "Échec",
    Outcome.STOP: "STOP (désinscrit)",
    Outcome.PENDING: "En attente",
}
OUTCOME_COLOURS: dict[Outcome, str] = {
    Outcome.DELIVERED: "#30a46c",
    Outcome.FAILED: "#e5484d",
    Outcome.STOP: "#f76b15",
    Outcome.PENDING: "#8b8d98",
}


def outcome_label(outcome: str | None) -> str:
    """A recipient's outcome as the statistics show it (none yet: pending)."""
    return OUTCOME_LABELS[Outcome(outcome or Outcome.PENDING)]


#: A kept report that still has outcomes pending is read again after this
#: long: delivery receipts may come hours after the campaign finished.
PENDING_REREAD_AFTER = timedelta(minutes=15)


def report_needs_reading(
    fetched_at: datetime | None, pending: int, now: datetime
) -> bool:
    """Whether to read a finished campaign's per-recipient report from
    Sarbacane: never read yet, or read while some outcomes were still pending
    and long enough ago. Once every outcome is known it is never read again."""
    if fetched_at is None:
        return True
    if fetched_at.tzinfo is None:  # SQLite gives back naive UTC
        fetched_at = fetched_at.replace(tzinfo=UTC)
    return pending > 0 and now - fetched_at >= PENDING_REREAD_AFTER


#: « Renvoyer aux échecs » addresses the recipients whose SMS had this outcome…
RESENT_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.FAILED})
#: …never a number that answered STOP to any campaign of the centre.
NEVER_RESENT_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.STOP})


def outcome_of(*, success: bool, bounce: bool, unsubscribe: bool) -> Outcome:
    """A recipient who answered STOP did receive the SMS: STOP wins over delivered."""
    if bounce or not success:
        return Outcome.FAILED
    if unsubscribe:
        return Outcome.STOP
    return Outcome.DELIVERED


@dataclass(frozen=True)
class CampaignStats:
    recipients: int
    sent: int
    delivered: int
    failed: int
    stop: int
    pending: int
    credits_used: int

    def rate(self, count: int) -> float:
        return count / self.sent if self.sent else 0.0


def summarize(
    recipients: int, outcomes: Iterable[Outcome], parts: int
) -> CampaignStats:
    """Counts for a campaign of ``recipients`` whose processed outcomes are given.

    *Délivrés* counts every SMS received, STOP answers included.
    """
    counts = Counter(outcomes)
    sent = counts[Outcome.DELIVERED] + counts[Outcome.FAILED] + counts[Outcome.STOP]
    return CampaignStats(
        recipients=recipients,
        sent=sent,
        delivered=counts[Outcome.DELIVERED] + counts[Outcome.STOP],
        failed=counts[Outcome.FAILED],
        stop=counts[Outcome.STOP],
        pending=max(0, recipients - sent),
        credits_used=sent * parts,
    )


def timeline(moments: Iterable[datetime]) -> list[tuple[str, int]]:
    """Deliveries per minute (Europe/Paris), or per hour beyond six hours."""
    local = sorted(m.astimezone(PARIS) for m in moments)
    if not local:
        return []
    hourly = local[-1] - local[0] > timedelta(hours=6)
    fmt = "%d/%m %Hh" if hourly else "%H:%M"
    buckets: Counter[str] = Counter()
    order: list[str] = []
    for moment in local:
        key = moment.strftime(fmt)
        if key not in buckets:
            order.append(key)
        buckets[key] += 1
    return [(key, buckets[key]) for key in order]


def timeline_summary(buckets: list[tuple[str, int]]) -> str:
    """The chart « SMS traités dans le temps » told in words (its text
    alternative): ``12 SMS traités à 10:30``, or ``4 000 SMS traités de
    05/01 09h à 16/02 12h, en 1 000 intervalles``."""
    if not buckets:
        return "Aucun SMS traité"
    total = number_fr(sum(count for _, count in buckets))
    first, last = buckets[0][0], buckets[-1][0]
    if len(buckets) == 1:
        return f"{total} SMS traités à {first}"
    return (
        f"{total} SMS traités de {first} à {last}, "
        f"en {number_fr(len(buckets))} intervalles"
    )
