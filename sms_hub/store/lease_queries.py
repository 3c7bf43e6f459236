"""Named queries on leases: one holder at a time for a named piece of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from sms_hub.store.models import (
    Lease,
)


def try_acquire_lease(
    session: Session,
    name: str,
    holder: str,
    now: datetime,
    ttl: timedelta,
    holder_is_gone: Callable[[str], bool] = lambda _: False,
) -> bool:
    """Take or renew the lease ``name`` for ``holder``; False if another holds it.

    Another holder's lease is taken when it has expired, or at once when
    ``holder_is_gone`` says its process has stopped (compare-and-set on that
    holder, so two takers cannot both win).

    Not scoped: a lease names a piece of work (the poller's leader, push:<campaign>,
    modify:<campaign>), holds no centre's data, and only decides who runs it.
    """
    expires = now + ttl
    lease = session.get(Lease, name)
    if lease is None:
        session.add(Lease(name=name, holder=holder, expires_at=expires))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return False
        return True
    takeable = (col(Lease.holder) == holder) | (col(Lease.expires_at) < now)
    if lease.holder != holder and holder_is_gone(lease.holder):
        takeable = takeable | (col(Lease.holder) == lease.holder)
    result = session.exec(
        update(Lease)
        .where(col(Lease.name) == name, takeable)
        .values(holder=holder, expires_at=expires)
    )
    return bool(result.rowcount)


def release_lease(session: Session, name: str, holder: str) -> None:
    """Not scoped: a lease names a piece of work (the poller's leader, push:<campaign>,
    modify:<campaign>), holds no centre's data, and only decides who runs it.
    """
    session.exec(
        delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder)
    )
