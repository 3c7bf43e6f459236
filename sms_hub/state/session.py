"""The signed-in user and training centre, shared by every page.

The identity (centre id, user, role, sign-in time) lives in backend-only
vars (a leading underscore): Reflex never sends them to the browser, and no
event from the browser can set them. What the page shows of it (the centre's
name, whether the user is an admin, the demo marker) is derived here.
"""

from __future__ import annotations

import time

import reflex as rx

from sms_hub.services.context import Actor
from sms_hub.services.portal_auth import (
    ABSENT,
    EXPIRED,
    INVALID,
    SignedInUser,
    SignInRefused,
    sign_in,
)
from sms_hub.services.tenants import demo_sign_in
from sms_hub.settings import get_settings
from sms_hub.state.live import CentreFeed, feed_token


class NotSignedIn(Exception):
    pass


class SessionState(rx.State):
    """Who is using this tab. Secrets never live here (states are pickled)."""

    _tenant_id: int = 0
    _user: str = ""
    _is_admin: bool = False
    _signed_in_at: float = 0.0
    tenant_name: str = ""
    opt_out_mention: str = ""
    is_demo: bool = False
    is_admin: bool = False
    sign_in_error: str = ""

    def _session_expired(self) -> bool:
        age = time.time() - self._signed_in_at
        return age > get_settings().session_max_age_seconds

    def _actor(self) -> Actor:
        if not self._tenant_id or self._session_expired():
            raise NotSignedIn()
        return Actor(
            tenant_id=self._tenant_id, user=self._user, is_admin=self._is_admin
        )

    def _bind(self, signed: SignedInUser, *, demo: bool) -> None:
        self._tenant_id, self._user = signed.tenant_id, signed.user
        self._is_admin, self._signed_in_at = signed.is_admin, signed.signed_in_at
        self.tenant_name, self.opt_out_mention = (
            signed.tenant_name,
            signed.opt_out_mention,
        )
        self.is_admin, self.is_demo = signed.is_admin, demo
        self.sign_in_error = ""

    def _end_session(self, message: str) -> None:
        self._tenant_id, self._user, self._is_admin = 0, "", False
        self._signed_in_at = 0.0
        self.tenant_name = self.opt_out_mention = ""
        self.is_admin = self.is_demo = False
        self.sign_in_error = message

    async def _follow_centre(self) -> None:
        """Link this tab to its centre's live feed (a no-op when already linked)."""
        feed = await self.get_state(CentreFeed)
        await feed._link_to(feed_token(self._tenant_id))

    async def _ensure_session(self) -> bool:
        """Sign the tab in on a page load, and follow its centre's live feed."""
        if not await self._sign_in():
            return False
        await self._follow_centre()
        return True

    async def _sign_in(self) -> bool:
        """Sign the tab in on a page load; False (with a French message) if refused.

        A load that carries a token verifies it and binds its identity,
        replacing the tab's previous one; a bad token ends the session. A
        load without a token keeps the tab's identity until its maximum age.
        In demo mode a tab with no token is the demo centre's admin (a portal
        token, when a key is configured, still signs in as its own centre).
        """
        settings = get_settings()
        token = str(self.router.url.query_parameters.get("token", ""))
        if token and (settings.portal_signing_key or settings.portal_public_key):
            try:
                signed = await sign_in(token, self.router.session.client_token)
            except SignInRefused as error:
                self._end_session(error.user_message)
                return False
            self._bind(signed, demo=False)
            return True
        if settings.demo_mode:
            if not self._tenant_id or self._session_expired():
                self._bind(await demo_sign_in(), demo=True)
            return True
        if token:
            self._end_session(INVALID)
            return False
        if not self._tenant_id:
            self._end_session(ABSENT)
            return False
        if self._session_expired():
            self._end_session(EXPIRED)
            return False
        return True
