"""The signed-in user and training centre, shared by every page.

The identity (centre id, user, role, sign-in time) lives in backend-only
vars (a leading underscore): Reflex never sends them to the browser, and no
event from the browser can set them. What the page shows of it (the centre's
name, whether the user is an admin, the demo marker) is derived here.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import reflex as rx

from sms_hub.services import portal_auth
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
from sms_hub.settings import Settings, get_settings, origin_of
from sms_hub.state.live import CentreFeed, feed_token


class NotSignedIn(Exception):
    pass


class SessionState(rx.State):
    """Who is using this tab. Secrets never live here (states are pickled)."""

    _tenant_id: int = 0
    _user: str = ""
    _is_admin: bool = False
    _signed_in_at: float = 0.0
    _launch_digest: str = ""
    tenant_name: str = ""
    opt_out_mention: str = ""
    is_demo: bool = False
    #: The tab's sign-in has ended well: the screens' actions may start.
    signed_in: bool = False
    is_admin: bool = False
    sign_in_error: str = ""

    def _session_expired(self) -> bool:
        age = portal_auth.now() - self._signed_in_at
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
        self.signed_in = True
        self.sign_in_error, self._launch_digest = "", ""

    def _end_session(self, message: str) -> None:
        self._tenant_id, self._user, self._is_admin = 0, "", False
        self._signed_in_at, self._launch_digest = 0.0, ""
        self.tenant_name = self.opt_out_mention = ""
        self.is_admin = self.is_demo = self.signed_in = False
        self.sign_in_error = message

    async def _follow_centre(self) -> None:
        """Link this tab to its centre's live feed (a no-op when already linked)."""
        feed = await self.get_state(CentreFeed)
        await feed._link_to(feed_token(self._tenant_id))

    async def _ensure_session(self, launch: object = None) -> bool:
        """Sign the tab in on a page load, and follow its centre's live feed.

        ``launch`` is what the page's load script (``launch_script``) found:
        the portal's launch token, handed over by ``postMessage`` from the
        portal's frame, and whether the address carried a ``token``.
        """
        if not await self._sign_in(launch):
            return False
        await self._follow_centre()
        return True

    async def _sign_in(self, launch: object = None) -> bool:
        token, from_address = _launch_parts(launch)
        return await self._sign_in_with(
            token, from_address, self.router.session.client_token
        )

    async def _sign_in_with(
        self, token: str, from_address: bool, session_key: str
    ) -> bool:
        """Sign the tab in on a page load; False (with a French message) if refused.

        A token handed over by the portal's frame is verified and binds its
        identity, replacing the tab's previous one; a bad token ends the
        session. The token this tab is already signed in with is not checked
        again (a reload of the frame, a reconnect): the session's own maximum
        age rules. A ``token`` in the address is never a sign-in: a link to
        ``/?token=…`` opened outside the portal's frame signs nobody in.
        Without a token, the tab keeps its identity until its maximum age.
        In demo mode a tab with no token is the demo centre's admin (a portal
        token, when a key is configured, still signs in as its own centre).
        """
        settings = get_settings()
        signed_in = bool(self._tenant_id) and not self._session_expired()
        if token and (settings.portal_signing_key or settings.portal_public_key):
            digest = _digest(token)
            if signed_in and hmac.compare_digest(digest, self._launch_digest):
                return True
            try:
                signed = await sign_in(token, session_key)
            except SignInRefused as error:
                self._end_session(error.user_message)
                return False
            self._bind(signed, demo=False)
            self._launch_digest = digest
            return True
        if token:
            self._end_session(INVALID)
            return False
        if from_address and not signed_in:
            self._end_session(ABSENT)
            return False
        if settings.demo_mode:
            if not signed_in:
                self._bind(await demo_sign_in(), demo=True)
            return True
        if not self._tenant_id:
            self._end_session(ABSENT)
            return False
        if self._session_expired():
            self._end_session(EXPIRED)
            return False
        return True


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _launch_parts(launch: object) -> tuple[str, bool]:
    """(the portal's token, whether the address carried one) from the load script."""
    if not isinstance(launch, dict):
        return "", False
    token = launch.get("token")
    return (token.strip() if isinstance(token, str) else ""), bool(
        launch.get("address")
    )


#: The portal hands its launch token to the framed app with ``postMessage``.
READY_MESSAGE = "sms-hub:ready"
LAUNCH_MESSAGE = "sms-hub:launch"
#: How long a framed tab waits for the portal's answer before giving up.
LAUNCH_WAIT_MS = 10_000

_LAUNCH_JS = """(() => {
  const w = window;
  const here = new URL(w.location.href);
  const address = here.searchParams.has("token");
  if (address) {
    here.searchParams.delete("token");
    w.history.replaceState(w.history.state, "", here.pathname + here.search + here.hash);
  }
  if (w.__smsHubLaunch === undefined) {
    w.__smsHubLaunch = w.parent === w ? Promise.resolve("") : new Promise((resolve) => {
      const allowed = ORIGINS.map((o) => (o === "'self'" ? w.location.origin : o));
      let timer = 0;
      const listen = (event) => {
        const data = event.data;
        if (event.source !== w.parent || !allowed.includes(event.origin)) return;
        if (!data || data.type !== LAUNCH || typeof data.token !== "string") return;
        w.removeEventListener("message", listen);
        clearTimeout(timer);
        resolve(data.token);
      };
      w.addEventListener("message", listen);
      timer = setTimeout(() => {
        w.removeEventListener("message", listen);
        resolve("");
      }, WAIT);
      w.parent.postMessage({type: READY}, "*");
    });
  }
  const launch = w.__smsHubLaunch;
  w.__smsHubLaunch = Promise.resolve("");
  return launch.then((token) => ({token: token, address: address}));
})()"""


def portal_origins(settings: Settings) -> list[str]:
    """The origins whose frame may hand over a launch token: ``FRAME_ANCESTORS``'s
    ``'self'`` and exact origins (a wildcard host names no one origin)."""
    found: list[str] = []
    for source in settings.frame_ancestors.split():
        origin = "'self'" if source.lower() == "'self'" else origin_of(source)
        if origin and origin not in found:
            found.append(origin)
    return found


def launch_script(settings: Settings) -> str:
    """The page-load script: strips any ``token`` from the address and, in the
    portal's frame, asks the portal for its launch token (once per document)."""
    return (
        _LAUNCH_JS.replace("LAUNCH", json.dumps(LAUNCH_MESSAGE))
        .replace("READY", json.dumps(READY_MESSAGE))
        .replace("WAIT", str(LAUNCH_WAIT_MS))
        .replace("ORIGINS", json.dumps(portal_origins(settings)))
    )


def page_load(handler) -> rx.event.EventSpec:
    """A page's ``on_load``: run the load script, then ``handler(launch)``."""
    return rx.call_script(launch_script(get_settings()), callback=handler)


class SignedInState(rx.State, mixin=True):
    """Mix into a screen's state (a direct child of the root, beside
    ``SessionState``): the tab's identity, reached with ``get_state`` so that
    an event loads this screen's state and the small session only."""

    async def _session(self) -> SessionState:
        return await self.get_state(SessionState)

    async def _actor(self) -> Actor:
        return (await self._session())._actor()

    async def _tenant(self) -> int:
        """The signed-in centre's id, 0 when none."""
        return (await self._session())._tenant_id

    async def _ensure_session(self, launch: object = None) -> bool:
        return await (await self._session())._ensure_session(launch)
