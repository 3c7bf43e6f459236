"""How long the status poller leaves a centre alone after its account failed.

A read that fails (Sarbacane silent past the poller's deadline, refusing
the credentials, answering an error) is not retried within the cycle: the
centre waits ``retry_delay(n)`` after its ``n``-th failure in a row, a
delay that doubles with each failure up to ``RETRY_CAP``. The first read
that succeeds clears the count.
"""

from __future__ import annotations

from datetime import timedelta

RETRY_BASE = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=2)


def retry_delay(failures: int) -> timedelta:
    """The wait after ``failures`` failed reads in a row (none after none)."""
    if failures <= 0:
        return timedelta(0)
    return min(RETRY_CAP, RETRY_BASE * 2 ** min(failures - 1, 16))
