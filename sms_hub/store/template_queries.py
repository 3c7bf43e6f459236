"""Named queries on a centre's SMS templates."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import Session, col, select

from sms_hub.store.models import (
    SmsTemplate,
    Tenant,
)


def sms_templates(session: Session, tenant_id: int) -> list[SmsTemplate]:
    """The centre's templates, by name."""
    return list(
        session.exec(
            select(SmsTemplate)
            .where(col(SmsTemplate.tenant_id) == tenant_id)
            .order_by(col(SmsTemplate.name), col(SmsTemplate.id))
        ).all()
    )


def sms_template(
    session: Session, tenant_id: int, template_id: int
) -> SmsTemplate | None:
    return session.exec(
        select(SmsTemplate).where(
            col(SmsTemplate.id) == template_id, col(SmsTemplate.tenant_id) == tenant_id
        )
    ).first()


def give_starter_templates(
    session: Session, tenant_id: int, starters: Iterable[tuple[str, str]]
) -> bool:
    """Give the centre its starter templates once (compare-and-set on the
    tenant's flag, so two tabs opening at once give them once)."""
    taken = session.exec(
        update(Tenant)
        .where(col(Tenant.id) == tenant_id, col(Tenant.templates_given).is_(False))
        .values(templates_given=True)
    )
    if not taken.rowcount:
        return False
    session.add_all(
        SmsTemplate(tenant_id=tenant_id, name=name, content=content)
        for name, content in starters
    )
    return True
