"""Named queries on download links: used once, a few under way per user."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import delete, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from sms_hub.store.models import DownloadUse, Tenant, utcnow


class Start(Enum):
    STARTED = "started"
    USED = "used"  # the link served already
    BUSY = "busy"  # the user has as many downloads under way as allowed


def start_download(
    session: Session,
    *,
    link_id: str,
    tenant_id: int,
    user: str,
    expires_at: datetime,
    most: int,
    counted_for: timedelta,
) -> Start:
    """Record that link ``link_id`` is used now, unless it was already, or
    ``user`` of the centre already has ``most`` downloads under way (a download
    not finished ``counted_for`` after it started, its worker gone, no longer
    counts). On ``BUSY`` the caller rolls back: the link stays unused.

    The centre's row is locked first (PostgreSQL), so that two requests of one
    centre count in turn; SQLite's single writer gives the same order.
    """
    now = utcnow()
    session.exec(
        select(Tenant.id).where(col(Tenant.id) == tenant_id).with_for_update()
    ).first()
    session.exec(
        delete(DownloadUse).where(
            col(DownloadUse.expires_at) < now,
            or_(
                col(DownloadUse.finished_at).is_not(None),
                col(DownloadUse.used_at) < now - counted_for,
            ),
        )
    )
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    inserted = session.exec(
        insert(DownloadUse)
        .values(
            link_id=link_id,
            tenant_id=tenant_id,
            user=user,
            used_at=now,
            expires_at=expires_at,
        )
        .on_conflict_do_nothing(index_elements=["link_id"])
        .returning(col(DownloadUse.link_id))
    ).first()
    if inserted is None:
        return Start.USED
    under_way = session.exec(
        select(func.count()).where(
            col(DownloadUse.tenant_id) == tenant_id,
            col(DownloadUse.user) == user,
            col(DownloadUse.finished_at).is_(None),
            col(DownloadUse.used_at) >= now - counted_for,
        )
    ).one()
    return Start.BUSY if under_way > most else Start.STARTED


def finish_download(session: Session, link_id: str) -> None:
    """The download of ``link_id`` ended (sent, failed or abandoned).

    Not scoped: the link id is a signed link's, whose use start_download recorded for
    its centre; this only marks it ended (services/downloads.py).
    """
    session.exec(
        update(DownloadUse)
        .where(col(DownloadUse.link_id) == link_id)
        .values(finished_at=utcnow())
    )
