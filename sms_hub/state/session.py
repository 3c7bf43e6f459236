"""The signed-in user and training centre, shared by every page."""

from __future__ import annotations

import reflex as rx

from sms_hub.services.context import Actor
from sms_hub.services.tenants import demo_tenant
from sms_hub.settings import get_settings


class SessionState(rx.State):
    """Who is using this tab. Secrets never live here (states are pickled)."""

    tenant_id: int = 0
    tenant_name: str = ""
    opt_out_mention: str = ""
    user: str = ""
    is_demo: bool = False

    def _actor(self) -> Actor:
        return Actor(tenant_id=self.tenant_id, user=self.user)

    async def _ensure_session(self) -> None:
        if self.tenant_id:
            return
        tenant = await demo_tenant()
        self.tenant_id = tenant.id
        self.tenant_name = tenant.name
        self.opt_out_mention = tenant.opt_out_mention
        self.user = get_settings().demo_user
        self.is_demo = True
