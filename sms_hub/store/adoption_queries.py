"""Queries of the campaigns made in Sarbacane's own interface (adoption)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select, update

from sms_hub.domain.adoption import FROM_SARBACANE
from sms_hub.store.models import Campaign, Tenant, utcnow


def centres_with_account(session: Session) -> list[Tenant]:
    """The centres that have a Sarbacane account of their own.

    Not scoped: discovery, run by the poller's leader, works across all centres
    (services/discovery.py).
    """
    return list(
        session.exec(
            select(Tenant).where(
                col(Tenant.sarbacane_account_id).is_not(None),
                col(Tenant.sarbacane_account_id) != "",
                col(Tenant.sarbacane_api_key_encrypted).is_not(None),
            )
        ).all()
    )


def adopt(session: Session, values: dict) -> int | None:
    """Insert the campaign unless (account, Sarbacane id) is already linked.

    ``INSERT … ON CONFLICT DO NOTHING`` on the unique pair, on SQLite and
    PostgreSQL: two workers adopting at once make one row. Returns the new
    row's id, or None when it was already there.

    Not scoped: the row's values carry the centre (tenant_id) whose own Sarbacane
    account discovery listed (services/discovery.py).
    """
    now = utcnow()
    row = {
        "created_at": now,
        "updated_at": now,
        "status_changed_at": now,
        "processed_count": 0,
        "origin": FROM_SARBACANE,
        "created_by": "",
        **values,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Campaign)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["sarbacane_account_id", "sarbacane_id"])
        .returning(col(Campaign.id))
    )
    return session.exec(statement).scalar()  # type: ignore[call-overload]


def linked_in_account(
    session: Session, tenant_id: int, account_id: str
) -> list[Campaign]:
    """The centre's campaigns linked to Sarbacane campaigns of this account,
    and those stored before campaigns recorded their account (``""``)."""
    return list(
        session.exec(
            select(Campaign).where(
                Campaign.tenant_id == tenant_id,
                col(Campaign.sarbacane_account_id).in_([account_id, ""]),
            )
        ).all()
    )


def refresh_adopted(
    session: Session,
    campaign: Campaign,
    *,
    name: str | None,
    edited: datetime | None,
    recipient_count: int | None,
) -> bool:
    """A newer name (``edited`` moved) and the recipient count Sarbacane
    lists; True when the list shows something new.

    Not scoped: takes a campaign row discovery read for its centre (linked_in_account).
    """
    values: dict = {}
    if name is not None and name != campaign.name:
        values["name"] = name
    if edited is not None:
        values["sarbacane_edited"] = edited
    if recipient_count is not None and recipient_count != campaign.recipient_count:
        values["recipient_count"] = recipient_count
    shown = "name" in values or "recipient_count" in values
    if shown:
        values["updated_at"] = utcnow()
    if not values:
        return False
    session.exec(
        update(Campaign).where(col(Campaign.id) == campaign.id).values(**values)  # type: ignore[arg-type]
    )
    return shown
