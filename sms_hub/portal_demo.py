"""``/_portal-demo``: a stand-in for the Hub3E portal page that embeds the app.

Served in demo mode only (``http.build_api`` adds the route then, and never
otherwise). It frames the app the way the portal does: an iframe on ``/``
and, when the app asks (a ``sms-hub:ready`` message from the frame), the
launch token handed over with ``postMessage`` to the app's origin (never in
an address). The token is minted here with ``PORTAL_SIGNING_KEY`` for the
demo centre's admin, short-lived and single-use like the portal's. Without
a signing key (``make run``) the answer carries no token and the app signs
the tab in as the demo centre, as it does in any tab.

The page is served by the app's own origin, which ``FRAME_ANCESTORS``'s
default (``'self'``) allows; a real portal lives on another origin of the
same site and is listed there.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sms_hub.settings import Settings

ROUTE = "/_portal-demo"
APP_TITLE = "Gestion des campagnes de SMSing"
#: A launch token lives at most this long (the app accepts up to 10 minutes).
TOKEN_TTL_SECONDS = 300


def launch_token(settings: Settings) -> str | None:
    """What the portal hands to the framed app; None without an HS256 key."""
    if not settings.portal_signing_key or settings.portal_public_key:
        return None
    from sms_hub.services.portal_auth import issue_token
    from sms_hub.services.tenants import DEMO_SLUG

    return issue_token(
        settings.portal_signing_key,
        user=settings.demo_user,
        name=settings.demo_user,
        tenant=DEMO_SLUG,
        tenant_name=settings.demo_tenant_name,
        role="admin",
        issuer=settings.portal_issuer,
        ttl_seconds=TOKEN_TTL_SECONDS,
    )


def render(settings: Settings, token: str | None = None) -> str:
    """The page; ``token`` defaults to a fresh launch token (tests pass their own)."""
    token = launch_token(settings) if token is None else token
    note = (
        "Ouverte avec un jeton de lancement signé, comme depuis le portail."
        if token
        else "Sans clé PORTAL_SIGNING_KEY : l'application s'ouvre sur le centre "
        "de démonstration, sans jeton de lancement."
    )
    return _PAGE.format(
        token=json.dumps(token or "").replace("<", "\\u003c"),
        app_title=escape(APP_TITLE),
        user=escape(settings.demo_user),
        centre=escape(settings.demo_tenant_name),
        note=escape(note),
    )


def endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """The route's handler: a fresh launch token on every load."""

    async def portal_demo(request: Request) -> Response:
        return HTMLResponse(render(settings), headers={"cache-control": "no-store"})

    return portal_demo


_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Portail Hub3E (démonstration)</title>
<style>
  :root {{ color-scheme: light; font-family: system-ui, sans-serif; }}
  body {{ margin: 0; height: 100vh; display: flex; flex-direction: column;
         background: #f0f2f7; color: #1c2024; }}
  header {{ display: flex; align-items: center; gap: 1rem; padding: 0.6rem 1.25rem;
           background: #1f2d5c; color: #fff; }}
  header .brand {{ font-weight: 700; font-size: 1.1rem; }}
  header .who {{ margin-left: auto; font-size: 0.9rem; }}
  .frame {{ flex: 1; display: flex; min-height: 0; }}
  nav {{ width: 220px; padding: 1rem; background: #fff; border-right: 1px solid #d9dde6; }}
  nav ul {{ list-style: none; margin: 0; padding: 0; }}
  nav li {{ padding: 0.35rem 0; font-size: 0.95rem; }}
  nav li ul {{ padding-left: 0.9rem; }}
  nav [aria-current] {{ font-weight: 600; color: #1f2d5c; }}
  main {{ flex: 1; display: flex; flex-direction: column; min-width: 0; padding: 0.75rem; }}
  main p {{ margin: 0 0 0.5rem; font-size: 0.85rem; color: #4a5160; }}
  iframe {{ flex: 1; width: 100%; border: 1px solid #d9dde6; border-radius: 6px;
           background: #fff; }}
</style>
<script>
  // The portal's side of the sign-in: the framed app says it is ready, the
  // portal answers with the launch token, to the app's origin only.
  (() => {{
    const token = {token};
    const app = window.location.origin;
    window.addEventListener("message", (event) => {{
      const frame = document.getElementById("sms-hub");
      if (!frame || event.source !== frame.contentWindow || event.origin !== app) return;
      if (!event.data || event.data.type !== "sms-hub:ready") return;
      frame.contentWindow.postMessage({{type: "sms-hub:launch", token: token}}, app);
    }});
  }})();
</script>
</head>
<body>
<header>
  <span class="brand">Hub3E</span>
  <span>Portail (page de démonstration)</span>
  <span class="who">{user} · {centre}</span>
</header>
<div class="frame">
  <nav aria-label="Menu du portail">
    <ul>
      <li>Tableau de bord</li>
      <li>Marketing Automation
        <ul><li aria-current="page">Campagnes de SMSing</li></ul>
      </li>
    </ul>
  </nav>
  <main>
    <p>{note}</p>
    <iframe id="sms-hub" src="/" title="{app_title}"></iframe>
  </main>
</div>
</body>
</html>
"""
