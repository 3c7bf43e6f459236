"""Every query on contact lists and their contacts, named, scoped by tenant.

No function here takes a list id without the tenant it must belong to: a
list of another training centre is treated as absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, insert, literal_column, or_, update
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col, select

from sms_hub.domain.paging import PageQuery
from sms_hub.domain.phone import search_digits
from sms_hub.store import unsubscribe_queries
from sms_hub.store.models import Contact, ContactList, utcnow
from sms_hub.store.query_helpers import (
    Row,
    contains,
    counted_page,
    named_like,
    owned_row,
)

#: Rows per ``executemany`` of :func:`insert_contacts`.
INSERT_CHUNK = 5_000
#: Numbers per query of :func:`phones_in_list` (under the bound-parameter
#: limits: 32,766 for SQLite, 65,535 for PostgreSQL).
LOOKUP_CHUNK = 5_000
#: SQLite page cache (KiB) while an import runs: see :func:`bulk_insert_cache`.
BULK_CACHE_KIB = 64 * 1024

_CONTACT_TABLE = Contact.__table__  # type: ignore[attr-defined]
#: The fields of an inserted contact, in the column order of the table.
_FIELDS = ("email", "phone", "last_name", "first_name")


def _page(
    session: Session,
    model: type[Row],
    where: list[Any],
    order: list[Any],
    query: PageQuery,
) -> tuple[list[Row], int]:
    return counted_page(
        session, model, where, order, offset=query.offset, limit=query.limit
    )


# --- Lists ------------------------------------------------------------------


def contact_list_by_id(
    session: Session, tenant_id: int, list_id: int
) -> ContactList | None:
    return owned_row(session, ContactList, tenant_id, list_id)


def contact_list_by_name(
    session: Session, tenant_id: int, name: str, *, exclude_id: int | None = None
) -> ContactList | None:
    """The tenant's list with this name, ignoring case."""
    statement = select(ContactList).where(
        ContactList.tenant_id == tenant_id,
        func.lower(ContactList.name) == name.lower(),
    )
    if exclude_id is not None:
        statement = statement.where(ContactList.id != exclude_id)
    return session.exec(statement).first()


def create_contact_list(session: Session, tenant_id: int, name: str) -> ContactList:
    contact_list = ContactList(tenant_id=tenant_id, name=name)
    session.add(contact_list)
    session.flush()
    return contact_list


def rename_contact_list(session: Session, contact_list: ContactList, name: str) -> None:
    """Rename a list; flushed, so a name taken meanwhile fails here.

    Not scoped: takes a list row load_contact_list (services/guard.py) read for this
    centre.
    """
    contact_list.name = name
    contact_list.updated_at = utcnow()
    session.add(contact_list)
    session.flush()


def delete_contact_list(session: Session, tenant_id: int, list_id: int) -> bool:
    """Delete a list and its contacts; False if it is not the tenant's."""
    contact_list = contact_list_by_id(session, tenant_id, list_id)
    if contact_list is None:
        return False
    session.exec(delete(Contact).where(col(Contact.list_id) == list_id))
    session.delete(contact_list)
    return True


def contact_list_page(
    session: Session, tenant_id: int, query: PageQuery
) -> tuple[list[ContactList], int]:
    """One page of the tenant's lists by name (with their contact counts), and the total."""
    where = named_like(ContactList, tenant_id, query.search)
    order = [func.lower(ContactList.name), col(ContactList.id)]
    return _page(session, ContactList, where, order, query)


def refresh_contact_count(session: Session, tenant_id: int, list_id: int) -> int:
    """Recount a list's contacts into ``contact_count``; returns the count."""
    count = session.exec(
        select(func.count()).select_from(Contact).where(Contact.list_id == list_id)
    ).one()
    session.exec(
        update(ContactList)
        .where(col(ContactList.id) == list_id, col(ContactList.tenant_id) == tenant_id)
        .values(contact_count=count, updated_at=utcnow())
    )
    return int(count)


# --- Contacts ---------------------------------------------------------------


def contact_page(
    session: Session,
    tenant_id: int,
    list_id: int,
    query: PageQuery,
    *,
    only_unsubscribed: bool = False,
) -> tuple[list[Contact], int]:
    """One page of a list's contacts (search on e-mail, phone, names), and the total;
    with ``only_unsubscribed``, the unsubscribed ones only.

    Empty if the list is not the tenant's.
    """
    if contact_list_by_id(session, tenant_id, list_id) is None:
        return [], 0
    where = [Contact.list_id == list_id]
    if only_unsubscribed:
        where.append(
            unsubscribe_queries.is_unsubscribed(tenant_id, Contact.phone, Contact.email)
        )
    search = query.search.strip()
    if search:
        lowered, as_typed = contains(search.lower()), contains(search)
        matches = [col(Contact.phone).like(as_typed, escape="\\")]
        for column in (Contact.email, Contact.last_name, Contact.first_name):
            # SQLite's lower() leaves non-ASCII letters (É) as they are.
            matches.append(func.lower(column).like(lowered, escape="\\"))
            matches.append(col(column).like(as_typed, escape="\\"))
        phone = search_digits(search)
        if phone:
            matches.append(col(Contact.phone).like(contains(phone), escape="\\"))
        where.append(or_(*matches))
    order = [
        func.lower(func.coalesce(Contact.last_name, "")),
        func.lower(func.coalesce(Contact.first_name, "")),
        col(Contact.id),
    ]
    return _page(session, Contact, where, order, query)


def list_phones(session: Session, tenant_id: int, list_id: int) -> Iterator[str]:
    """The E.164 numbers already in a list (streamed), for dedupe on import."""
    statement = (
        select(Contact.phone)
        .join(ContactList, col(ContactList.id) == col(Contact.list_id))
        .where(Contact.list_id == list_id, ContactList.tenant_id == tenant_id)
    )
    result = session.connection().execute(
        statement.execution_options(yield_per=INSERT_CHUNK)
    )
    for (phone,) in result:
        yield phone


def last_contact_id(session: Session) -> int:
    """The highest contact id (0 without contacts): those stored later are above.

    Not scoped: reads only the highest contact id, the import's watermark, no contact's
    data (services/contact_lists.py).
    """
    return int(session.exec(select(func.max(Contact.id))).one() or 0)


def phones_in_list(
    session: Session, list_id: int, phones: Sequence[str], *, added_after: int
) -> dict[str, bool]:
    """Which of ``phones`` (E.164) are in a list, each mapped to whether it
    was stored after the contact id ``added_after``.

    For the dedupe of an import, which passes the id of the last contact
    before it (:func:`last_contact_id`): True then means stored by this
    import. The caller checked the list is the tenant's. One lookup of the
    (list, phone) unique index per number.

    Not scoped: called only with a list id load_contact_list (services/guard.py) already
    checked for this centre (services/contact_lists.py).
    """
    connection = session.connection()
    qmark = connection.dialect.paramstyle == "qmark"  # SQLite: straight to the driver
    found: dict[str, bool] = {}
    for start in range(0, len(phones), LOOKUP_CHUNK):
        chunk = phones[start : start + LOOKUP_CHUNK]
        if qmark:
            rows = connection.exec_driver_sql(
                f"SELECT phone, id FROM contact WHERE list_id = {int(list_id)} "
                f"AND phone IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
        else:
            rows = connection.execute(
                select(Contact.phone, Contact.id).where(
                    Contact.list_id == list_id, col(Contact.phone).in_(chunk)
                )
            )
        for phone, contact_id in rows:
            found[phone] = contact_id > added_after
    return found


def list_contacts(
    session: Session, tenant_id: int, list_id: int
) -> Iterator[tuple[str, str | None, str | None, str | None]]:
    """Every contact of a list as (phone, email, last name, first name), streamed."""
    statement = (
        select(Contact.phone, Contact.email, Contact.last_name, Contact.first_name)
        .join(ContactList, col(ContactList.id) == col(Contact.list_id))
        .where(Contact.list_id == list_id, ContactList.tenant_id == tenant_id)
        .order_by(col(Contact.id))
    )
    result = session.connection().execute(
        statement.execution_options(yield_per=INSERT_CHUNK)
    )
    for row in result:
        yield tuple(row)  # type: ignore[misc]


@contextmanager
def bulk_insert_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache while an import writes a list.

    Past a few hundred thousand contacts the list's unique index no longer fits
    SQLite's default 2 MB cache and every insert goes to the file; 64 MB keeps
    a million-contact list's index in memory. Restored afterwards (the
    connection returns to the pool). Nothing to do on PostgreSQL.

    Not scoped: no query; a session setting for an import into a list load_contact_list
    (services/guard.py) already checked for this centre.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def insert_contacts(
    session: Session,
    list_id: int,
    contacts: Sequence[tuple[str | None, str, str | None, str | None]],
) -> None:
    """Insert (email, phone, last name, first name) rows into a list.

    The caller checked the list is the tenant's and that no number is already
    in it (:func:`phones_in_list`). Where the driver takes positional
    parameters (SQLite) the rows go as they are, plain tuples, to
    ``executemany`` :data:`INSERT_CHUNK` at a time, the list id written in the
    statement; otherwise through SQLAlchemy's batched ``insert()``
    (PostgreSQL).

    Not scoped: called only with a list id load_contact_list (services/guard.py) already
    checked for this centre (services/contact_lists.py).
    """
    if not contacts:
        return
    connection = session.connection()
    sql = _positional_insert(connection.dialect, int(list_id))
    if sql is not None:
        for start in range(0, len(contacts), INSERT_CHUNK):
            connection.exec_driver_sql(sql, contacts[start : start + INSERT_CHUNK])
        return
    for start in range(0, len(contacts), INSERT_CHUNK):
        connection.execute(
            insert(_CONTACT_TABLE),
            [
                {"list_id": list_id, **dict(zip(_FIELDS, contact, strict=True))}
                for contact in contacts[start : start + INSERT_CHUNK]
            ],
        )


def _positional_insert(dialect: Dialect, list_id: int) -> str | None:
    """``INSERT … VALUES (<list_id>, ?, ?, ?, ?)`` with the placeholders in
    :data:`_FIELDS` order, or ``None`` if the driver or the table differ."""
    if not dialect.positional:
        return None
    statement = insert(_CONTACT_TABLE).values(list_id=literal_column(str(list_id)))
    compiled = statement.compile(dialect=dialect, column_keys=list(_FIELDS))
    if tuple(compiled.positiontup or ()) != _FIELDS:
        return None
    return str(compiled)


def contact_list_options(session: Session, tenant_id: int) -> list[ContactList]:
    """Every contact list of the tenant, by name (the import modal's choices)."""
    return list(
        session.exec(
            select(ContactList)
            .where(ContactList.tenant_id == tenant_id)
            .order_by(func.lower(ContactList.name))
        ).all()
    )
