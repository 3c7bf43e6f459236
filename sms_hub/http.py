"""The app's own HTTP surface: security headers and (demo mode only) the simulator.

Given to ``rx.App(api_transformer=...)``; in production single-port mode it
also wraps the HTML pages, so every response gets the headers.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_hub.settings import SIMULATOR_MOUNT, Settings


class SecurityHeaders:
    """Adds ``Content-Security-Policy: frame-ancestors`` (portal origins only)."""

    def __init__(self, app: ASGIApp, frame_ancestors: str) -> None:
        self.app = app
        self.csp = f"frame-ancestors {frame_ancestors}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", self.csp))
                headers.append((b"referrer-policy", b"same-origin"))
                headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_api(settings: Settings) -> Starlette:
    routes = []
    if settings.demo_mode and settings.uses_simulator:
        from sms_hub.sarbacane.simulator import create_app

        routes.append(Mount(SIMULATOR_MOUNT, app=create_app(settings.simulator)))
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
        ],
    )
