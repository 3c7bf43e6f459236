"""The signed-in user and training centre, shared by every page."""

from __future__ import annotations

import reflex as rx

from sms_hub.services.context import Actor
from sms_hub.services.portal_auth import SignInRefused, sign_in
from sms_hub.services.tenants import demo_tenant
from sms_hub.settings import get_settings


class NotSignedIn(Exception):
    pass


class SessionState(rx.State):
    """Who is using this tab. Secrets never live here (states are pickled)."""

    tenant_id: int = 0
    tenant_name: str = ""
    opt_out_mention: str = ""
    user: str = ""
    is_demo: bool = False
    sign_in_error: str = ""

    def _actor(self) -> Actor:
        if not self.tenant_id:
            raise NotSignedIn()
        return Actor(tenant_id=self.tenant_id, user=self.user)

    async def _ensure_session(self) -> bool:
        """Sign the tab in (portal token, or the demo centre); False if refused."""
        if self.tenant_id:
            return True
        settings = get_settings()
        if settings.demo_mode:
            tenant = await demo_tenant()
            self.tenant_id, self.tenant_name = tenant.id, tenant.name
            self.opt_out_mention = tenant.opt_out_mention
            self.user, self.is_demo = settings.demo_user, True
            return True
        token = str(self.router.url.query_parameters.get("token", ""))
        try:
            signed = await sign_in(token)
        except SignInRefused as error:
            self.sign_in_error = error.user_message
            return False
        self.tenant_id, self.tenant_name = signed.tenant_id, signed.tenant_name
        self.opt_out_mention, self.user = signed.opt_out_mention, signed.user
        self.sign_in_error = ""
        return True
