"""Named queries of a campaign's copy: the recipients another campaign of the centre would take."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from sms_hub.store import campaign_queries, unsubscribe_queries

_COPIED_RECIPIENTS = """
    FROM campaignrecipient r JOIN campaign c ON c.id = r.campaign_id
    WHERE c.tenant_id = :tenant_id AND r.campaign_id = :source_id
      {only}
      AND r.phone NOT IN (
        SELECT s.phone FROM campaignrecipient s JOIN campaign sc ON sc.id = s.campaign_id
        WHERE sc.tenant_id = :tenant_id AND s.outcome IN :never)
"""


def _copied_recipients(only: list[str] | None, unsubscribed: bool = False) -> str:
    found = _COPIED_RECIPIENTS.format(only="AND r.outcome IN :only" if only else "")
    if unsubscribed:  # leave out the centre's unsubscribed contacts too
        found += " AND NOT " + unsubscribe_queries.unsubscribed_sql(
            "r.phone", "r.email"
        )
    return found


def _copy_params(
    tenant_id: int,
    source_id: int,
    only: list[str] | None,
    never: list[str],
    unsubscribed: bool = False,
) -> tuple[list[Any], dict[str, Any]]:
    binds = [bindparam("never", expanding=True)]
    params: dict[str, Any] = {
        "tenant_id": tenant_id,
        "source_id": source_id,
        "never": never or ["-"],
    }
    if only:
        binds.append(bindparam("only", expanding=True))
        params["only"] = only
    if unsubscribed:
        binds.append(bindparam("stop_outcomes", expanding=True))
        params.update(unsubscribe_queries.unsubscribed_text_params(tenant_id))
    return binds, params


def count_copied_recipients(
    session: Session,
    tenant_id: int,
    source_id: int,
    *,
    only: list[str] | None,
    never: list[str],
    unsubscribed: bool = False,
) -> int:
    """How many of the centre's campaign's recipients a copy would take:
    those whose outcome is in ``only`` (all when None), never a number that
    had an outcome in ``never`` in any campaign of the centre, nor (with
    ``unsubscribed``) a contact on the centre's unsubscribe list."""
    binds, params = _copy_params(tenant_id, source_id, only, never, unsubscribed)
    statement = text(
        "SELECT COUNT(*) " + _copied_recipients(only, unsubscribed)
    ).bindparams(*binds)
    return int(session.execute(statement, params).scalar_one())


def copy_campaign_recipients(
    session: Session,
    tenant_id: int,
    source_id: int,
    target_id: int,
    *,
    only: list[str] | None,
    never: list[str],
    unsubscribed: bool = False,
) -> int:
    """Copy those recipients (see :func:`count_copied_recipients`) into the
    centre's campaign ``target_id``, not yet pushed to Sarbacane; how many."""
    if campaign_queries.campaign_by_id(session, tenant_id, target_id) is None:
        return 0
    binds, params = _copy_params(tenant_id, source_id, only, never, unsubscribed)
    statement = text(
        "INSERT INTO campaignrecipient "
        "(campaign_id, email, phone, source_list_id, pushed) "
        "SELECT :target_id, r.email, r.phone, r.source_list_id, :pushed "
        + _copied_recipients(only, unsubscribed)
        + " AND NOT EXISTS (SELECT 1 FROM campaignrecipient t "
        "WHERE t.campaign_id = :target_id AND t.phone = r.phone)"
    ).bindparams(*binds)
    result = session.execute(
        statement, {**params, "target_id": target_id, "pushed": False}
    )
    return result.rowcount or 0
