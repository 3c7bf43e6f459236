"""Named queries on training centres and their sign-ins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from sms_hub.store.models import LaunchToken, Tenant, utcnow


def _insert(session: Session, table):
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def upsert_tenant(
    session: Session, *, slug: str, name: str, opt_out_mention: str
) -> Tenant:
    """The centre ``slug``, created on first sign-in; concurrent first sign-ins
    make one row (``INSERT … ON CONFLICT DO NOTHING``, then read).

    Not scoped: it makes or reads the centre itself, from the slug of a verified portal
    sign-in (services/portal_auth.py) or the demo centre's (services/tenants.py).
    """
    session.exec(
        _insert(session, Tenant)
        .values(
            slug=slug, name=name, opt_out_mention=opt_out_mention, created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["slug"])
    )
    return session.exec(select(Tenant).where(Tenant.slug == slug)).one()


def use_launch_token(
    session: Session, jti: str, session_key: str, expires_at: datetime
) -> bool:
    """Record that browser session ``session_key`` used the token ``jti``.

    False when another session used it first (a replay). Tokens past their
    expiry are forgotten here, since the signature check refuses them anyway.

    Not scoped: a launch token comes before any centre: this records a signed token's
    single use at sign-in (services/portal_auth.py).
    """
    session.exec(delete(LaunchToken).where(col(LaunchToken.expires_at) < utcnow()))
    session.exec(
        _insert(session, LaunchToken)
        .values(jti=jti, session_key=session_key, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=["jti"])
    )
    owner = session.exec(
        select(LaunchToken.session_key).where(LaunchToken.jti == jti)
    ).one()
    return owner == session_key


def tenant(session: Session, tenant_id: int) -> Tenant | None:
    return session.get(Tenant, tenant_id)


def update_centre_settings(session: Session, tenant_id: int, **values) -> Tenant:
    """Write the given columns of the centre's row; returns the row."""
    session.exec(update(Tenant).where(col(Tenant.id) == tenant_id).values(**values))
    return session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()


def reencrypt_api_keys(session: Session, rotate: Callable[[str], str]) -> int:
    """Re-encrypt every stored API key with the current first key; returns how many.

    Not scoped: key rotation (python -m sms_hub.store.secret_box) re-encrypts every
    centre's API key.
    """
    rows = session.exec(
        select(Tenant.id, Tenant.sarbacane_api_key_encrypted).where(
            col(Tenant.sarbacane_api_key_encrypted).is_not(None)
        )
    ).all()
    for tenant_id, token in rows:
        session.exec(
            update(Tenant)
            .where(col(Tenant.id) == tenant_id)
            .values(sarbacane_api_key_encrypted=rotate(token))
        )
    return len(rows)


def tenant_by_slug(session: Session, slug: str) -> Tenant | None:
    """Not scoped: finds a centre by its slug: discovery reads the demo centre by its fixed
    slug (services/discovery.py).
    """
    return session.exec(select(Tenant).where(Tenant.slug == slug)).first()


def tenants_by_ids(session: Session, ids: set[int]) -> list[Tenant]:
    """The centres with these ids (the poller's accounts).

    Not scoped: the poller's leader works across all centres (services/sync.py).
    """
    if not ids:
        return []
    return list(session.exec(select(Tenant).where(col(Tenant.id).in_(ids))).all())
