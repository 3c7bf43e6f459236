"""Each centre's unsubscribed contacts: its copy of the Sarbacane
unsubscribe list (``Unsubscriber``), and the numbers that answered STOP to
one of its campaigns. Every query is scoped by centre."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from sms_hub.domain.statistics import NEVER_RESENT_OUTCOMES
from sms_hub.domain.unsubscribes import EMAIL, PHONE
from sms_hub.store.models import (
    Campaign,
    CampaignRecipient,
    Tenant,
    Unsubscriber,
    UnsubscribersRead,
)

#: The outcomes that make a number unsubscribed in every later campaign of
#: the centre (a STOP answered to one of them), as the resend rule has it.
STOP_OUTCOMES = sorted(o.value for o in NEVER_RESENT_OUTCOMES)

_INSERT_CHUNK = 1000


def replace_unsubscribers(
    session: Session, tenant_id: int, keys: Iterable[tuple[str, str]], now: datetime
) -> int:
    """The centre's copy becomes ``keys`` (kind, value), read at ``now``."""
    session.exec(delete(Unsubscriber).where(col(Unsubscriber.tenant_id) == tenant_id))
    rows = [
        {"tenant_id": tenant_id, "kind": kind, "value": value}
        for kind, value in sorted(set(keys))
    ]
    for start in range(0, len(rows), _INSERT_CHUNK):
        session.execute(
            Unsubscriber.__table__.insert(),  # type: ignore[attr-defined]
            rows[start : start + _INSERT_CHUNK],
        )
    read = session.get(UnsubscribersRead, tenant_id)
    if read is None:
        session.add(UnsubscribersRead(tenant_id=tenant_id, read_at=now))
    else:
        read.read_at = now
        session.add(read)
    return len(rows)


def read_at(session: Session, tenant_id: int) -> datetime | None:
    read = session.get(UnsubscribersRead, tenant_id)
    return None if read is None else read.read_at


def centres_due(session: Session, before: datetime, limit: int) -> list[Tenant]:
    """Centres whose copy was never read, or read before ``before``; oldest first.

    Not scoped: the poller's leader reads the due centres' unsubscribe lists across all
    centres (services/unsubscribes.py refresh_due).
    """
    statement = (
        select(Tenant)
        .outerjoin(
            UnsubscribersRead, col(UnsubscribersRead.tenant_id) == col(Tenant.id)
        )
        .where(
            or_(
                col(UnsubscribersRead.read_at).is_(None),
                col(UnsubscribersRead.read_at) < before,
            )
        )
        .order_by(
            col(UnsubscribersRead.read_at).is_not(None), UnsubscribersRead.read_at
        )
        .limit(limit)
    )
    return list(session.exec(statement).all())


def is_unsubscribed(tenant_id: int, phone: Any, email: Any) -> Any:
    """The condition "this number or e-mail is unsubscribed in the centre":
    on its unsubscribe list, or a STOP answered to one of its campaigns."""
    listed = select(Unsubscriber.value).where(Unsubscriber.tenant_id == tenant_id)
    stopped = (
        select(CampaignRecipient.phone)
        .join(Campaign, col(Campaign.id) == col(CampaignRecipient.campaign_id))
        .where(
            Campaign.tenant_id == tenant_id,
            col(CampaignRecipient.outcome).in_(STOP_OUTCOMES),
        )
    )
    return or_(
        col(phone).in_(listed.where(Unsubscriber.kind == PHONE)),
        func.lower(email).in_(listed.where(Unsubscriber.kind == EMAIL)),
        col(phone).in_(stopped),
    )


#: The same condition in SQL text, for ``INSERT … SELECT`` statements
#: (``{phone}``, ``{email}``: the columns; binds ``:tenant_id``, ``:stop_outcomes``).
UNSUBSCRIBED_SQL = """(
    {phone} IN (SELECT u.value FROM unsubscriber u
        WHERE u.tenant_id = :tenant_id AND u.kind = 'phone')
    OR lower({email}) IN (SELECT u.value FROM unsubscriber u
        WHERE u.tenant_id = :tenant_id AND u.kind = 'email')
    OR {phone} IN (SELECT s.phone FROM campaignrecipient s
        JOIN campaign sc ON sc.id = s.campaign_id
        WHERE sc.tenant_id = :tenant_id AND s.outcome IN :stop_outcomes))"""


def unsubscribed_sql(phone: str, email: str) -> str:
    """Not scoped: no query; SQL text whose :tenant_id its caller binds
    (unsubscribed_text_params).
    """
    return UNSUBSCRIBED_SQL.format(phone=phone, email=email)


def unsubscribed_among(
    session: Session, tenant_id: int, pairs: Iterable[tuple[str, str | None]]
) -> set[str]:
    """Which of these (phone, e-mail) are unsubscribed; their phones."""
    pairs = list(pairs)
    if not pairs:
        return set()
    phones = {p for p, _ in pairs}
    emails = {(e or "").strip().lower() for _, e in pairs if e}
    listed = session.exec(
        select(Unsubscriber.kind, Unsubscriber.value).where(
            Unsubscriber.tenant_id == tenant_id,
            or_(
                (Unsubscriber.kind == PHONE) & col(Unsubscriber.value).in_(phones),
                (Unsubscriber.kind == EMAIL) & col(Unsubscriber.value).in_(emails),
            ),
        )
    ).all()
    stopped = set(
        session.exec(
            select(CampaignRecipient.phone)
            .join(Campaign, col(Campaign.id) == col(CampaignRecipient.campaign_id))
            .where(
                Campaign.tenant_id == tenant_id,
                col(CampaignRecipient.outcome).in_(STOP_OUTCOMES),
                col(CampaignRecipient.phone).in_(phones),
            )
        ).all()
    )
    keys = set(listed)
    return {
        phone
        for phone, email in pairs
        if (PHONE, phone) in keys
        or (EMAIL, (email or "").strip().lower()) in keys
        or phone in stopped
    }


def count_unsubscribed_recipients(
    session: Session, tenant_id: int, campaign_id: int
) -> int:
    """How many of the centre's campaign's recipients are unsubscribed."""
    statement = (
        select(func.count())
        .select_from(CampaignRecipient)
        .join(Campaign, col(Campaign.id) == col(CampaignRecipient.campaign_id))
        .where(
            Campaign.tenant_id == tenant_id,
            CampaignRecipient.campaign_id == campaign_id,
            is_unsubscribed(
                tenant_id, CampaignRecipient.phone, CampaignRecipient.email
            ),
        )
    )
    return int(session.exec(statement).one())


def unsubscribed_text_params(tenant_id: int) -> dict[str, Any]:
    return {"tenant_id": tenant_id, "stop_outcomes": STOP_OUTCOMES}
