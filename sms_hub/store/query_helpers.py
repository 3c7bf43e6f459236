"""Query shapes the store's modules share: a tenant's row by id, a searched
LIKE pattern, one counted page of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

Row = TypeVar("Row", bound=SQLModel)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """A LIKE pattern (escape character ``\\``) matching ``text`` anywhere."""
    return f"%{escape_like(text)}%"


def named_like(model: type[SQLModel], tenant_id: int, search: str) -> list[Any]:
    """Where-clauses: the tenant's rows whose name holds ``search``, in any case."""
    where = [model.tenant_id == tenant_id]
    if search.strip():
        pattern = contains(search.strip().lower())
        where.append(func.lower(model.name).like(pattern, escape="\\"))
    return where


def owned_row(
    session: Session, model: type[Row], tenant_id: int, row_id: int
) -> Row | None:
    """The tenant's row of ``model`` with this id: another centre's is absent."""
    return session.exec(
        select(model).where(model.id == row_id, model.tenant_id == tenant_id)
    ).first()


def counted_page(
    session: Session,
    model: type[Row],
    where: Sequence[Any],
    order_by: Sequence[Any],
    *,
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """One page of the rows matching ``where``, and how many match in all."""
    total = session.exec(select(func.count()).select_from(model).where(*where)).one()
    rows = session.exec(
        select(model).where(*where).order_by(*order_by).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)
