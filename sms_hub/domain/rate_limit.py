"""How often one tab may ask for costly work: a token bucket per kind of work.

A tab starts with ``burst`` requests in hand and gets ``per_second`` more
each second, never more than ``burst``: a person clicking is never refused,
a flood (a script, a held key) gets the refill pace. Pure: the caller gives
the time and keeps the bucket.
"""

from __future__ import annotations

from dataclasses import dataclass

TOO_FAST = "Trop de demandes en peu de temps. Réessayez dans quelques secondes."


@dataclass(frozen=True)
class Bucket:
    """Requests left in hand, as of ``at`` (seconds)."""

    tokens: float
    at: float


@dataclass(frozen=True)
class RateRule:
    name: str
    burst: int
    per_second: float

    def take(self, bucket: Bucket | None, now: float) -> tuple[bool, Bucket]:
        """Whether a request at ``now`` is allowed, and the bucket after it.

        A clock that goes back gives no token (and resumes from ``now``).
        """
        if bucket is None:
            tokens = float(self.burst)
        else:
            elapsed = max(0.0, now - bucket.at)
            tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        if tokens >= 1:
            return True, Bucket(tokens - 1, now)
        return False, Bucket(tokens, now)


#: Dialogs that read Sarbacane when they open (credits, exclusion lists).
SARBACANE_READS = RateRule("sarbacane", burst=5, per_second=1 / 3)
#: Contact counts while ticking lists (one query per tick).
COUNTS = RateRule("counts", burst=20, per_second=2.0)
