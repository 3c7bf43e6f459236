"""« Modèles de SMS »: list, create, edit and delete a centre's templates."""

from __future__ import annotations

from dataclasses import dataclass

from sms_hub.domain.audit import AuditAction
from sms_hub.domain.sms_templates import STARTERS, validate_template
from sms_hub.services import audit
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import InvalidInput, NotFound
from sms_hub.store import template_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import SmsTemplate, utcnow

NOT_FOUND = "Ce modèle de SMS n'existe plus."


@dataclass(frozen=True)
class TemplateView:
    id: int
    name: str
    content: str


def _view(row: SmsTemplate) -> TemplateView:
    return TemplateView(row.id or 0, row.name, row.content)


async def list_templates(actor: Actor) -> list[TemplateView]:
    """The centre's templates; the starters are given the first time."""

    def read() -> list[TemplateView]:
        with transaction() as session:
            template_queries.give_starter_templates(session, actor.tenant_id, STARTERS)
            session.flush()
            return [
                _view(t)
                for t in template_queries.sms_templates(session, actor.tenant_id)
            ]

    return await in_thread(read)


def _checked(name: str, content: str) -> tuple[str, str]:
    name, content = name.strip(), content.strip()
    errors = validate_template(name, content)
    if errors:
        raise InvalidInput(errors)
    return name, content


async def save_template(
    actor: Actor, template_id: int | None, name: str, content: str
) -> TemplateView:
    """Create (``template_id`` None) or edit one of the centre's templates."""
    name, content = _checked(name, content)

    def write() -> TemplateView:
        with transaction() as session:
            if template_id is None:
                row = SmsTemplate(tenant_id=actor.tenant_id, name=name, content=content)
                action = AuditAction.TEMPLATE_CREATE
            else:
                found = template_queries.sms_template(
                    session, actor.tenant_id, template_id
                )
                if found is None:
                    raise NotFound(NOT_FOUND)
                row, action = found, AuditAction.TEMPLATE_EDIT
                row.name, row.content, row.updated_at = name, content, utcnow()
            session.add(row)
            session.flush()
            audit.record_in(session, actor, action, detail=name)
            return _view(row)

    return await in_thread(write)


async def delete_template(actor: Actor, template_id: int) -> None:
    def write() -> None:
        with transaction() as session:
            row = template_queries.sms_template(session, actor.tenant_id, template_id)
            if row is None:
                raise NotFound(NOT_FOUND)
            session.delete(row)
            audit.record_in(
                session, actor, AuditAction.TEMPLATE_DELETE, detail=row.name
            )

    await in_thread(write)
