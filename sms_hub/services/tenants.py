"""Training centres: the demo one the app runs with when no portal signs in."""

from __future__ import annotations

from dataclasses import dataclass

from sms_hub.services.context import in_thread
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope

DEMO_SLUG = "demo"


@dataclass(frozen=True)
class TenantInfo:
    id: int
    name: str
    opt_out_mention: str


def _ensure_demo_tenant() -> TenantInfo:
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        tenant = queries.tenant_by_slug(session, DEMO_SLUG)
        if tenant is None:
            tenant = queries.insert_tenant(
                session,
                slug=DEMO_SLUG,
                name=settings.demo_tenant_name,
                opt_out_mention=settings.opt_out_mention,
            )
        return TenantInfo(tenant.id or 0, tenant.name, tenant.opt_out_mention)


async def demo_tenant() -> TenantInfo:
    """The demo training centre, created on first use."""
    return await in_thread(_ensure_demo_tenant)
