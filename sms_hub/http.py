"""The app's own HTTP surface: security headers and, in demo mode only, the
simulator and the portal stand-in page (``/_portal-demo``).

Given to ``rx.App(api_transformer=...)``; in production single-port mode it
also wraps the HTML pages, so every response gets the headers.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
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


async def download(request: Request) -> Response:
    """A CSV behind a signed link (``services/downloads.py``), streamed."""
    from sms_hub.services import downloads
    from sms_hub.services.errors import ServiceError

    try:
        link = downloads.open_link(request.path_params["token"])
        await run_in_threadpool(downloads.check, link)
    except ServiceError as refused:
        return PlainTextResponse(refused.user_message, status_code=403)
    quoted = quote(link.filename)
    return StreamingResponse(
        downloads.stream(link),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quoted}",
            "cache-control": "no-store",
        },
    )


def build_api(settings: Settings) -> Starlette:
    routes: list = [Route("/telechargements/{token}", download)]
    if settings.demo_mode:
        from sms_hub import portal_demo

        routes.append(Route(portal_demo.ROUTE, portal_demo.endpoint(settings)))
    if settings.demo_mode and settings.uses_simulator:
        from sms_hub.sarbacane.simulator import create_app

        routes.append(Mount(SIMULATOR_MOUNT, app=create_app(settings.simulator)))
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
        ],
    )
