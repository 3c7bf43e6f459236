"""Training centres: the demo one the app runs with in demo mode."""

from __future__ import annotations

import time

from sms_hub.services.context import in_thread
from sms_hub.services.portal_auth import Role, SignedInUser
from sms_hub.settings import get_settings
from sms_hub.store import centre_queries
from sms_hub.store.db import transaction

#: The demo centre (demo mode only), the one centre that may use the
#: built-in simulator's account.
DEMO_SLUG = "demo"


def _ensure_demo_tenant() -> tuple[int, str, str]:
    settings = get_settings()
    with transaction() as session:
        tenant = centre_queries.upsert_tenant(
            session,
            slug=DEMO_SLUG,
            name=settings.demo_tenant_name,
            opt_out_mention=settings.opt_out_mention,
        )
        return tenant.id or 0, tenant.name, tenant.opt_out_mention


async def demo_sign_in() -> SignedInUser:
    """The demo user, an admin of the demo training centre (created on first use).

    Only ever called in demo mode (``DEMO_MODE=1`` with the built-in simulator).
    """
    if not get_settings().demo_mode:
        raise RuntimeError("demo sign-in outside demo mode")
    tenant_id, name, mention = await in_thread(_ensure_demo_tenant)
    user = get_settings().demo_user
    return SignedInUser(
        user=user,
        user_name=user,
        role=Role.ADMIN,
        tenant_id=tenant_id,
        tenant_slug=DEMO_SLUG,
        tenant_name=name,
        opt_out_mention=mention,
        signed_in_at=time.time(),
    )
