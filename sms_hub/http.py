"""The app's own HTTP surface: security headers, downloads, ``/_health`` (with
this worker's poller), ``/_metrics`` (only with ``METRICS_TOKEN``) and, in
demo mode only, the simulator and the portal stand-in page (``/_portal-demo``).

Given to ``rx.App(api_transformer=...)``; in production single-port mode it
also wraps the HTML pages, so every response gets the headers.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_hub import metrics
from sms_hub.services import downloads
from sms_hub.services.errors import ServiceError
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


class _PreparedFile(StreamingResponse):
    """Streams a download's file, read off the event loop; whatever ends the
    response (sent, client gone, cancelled), ``downloads.finish`` runs."""

    def __init__(self, prepared: downloads.Prepared) -> None:
        self.prepared = prepared
        quoted = quote(prepared.link.filename)
        super().__init__(
            self._chunks(),
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": f"attachment; filename*=UTF-8''{quoted}",
                "content-length": str(prepared.size),
                "cache-control": "no-store",
            },
        )

    async def _chunks(self):
        while chunk := await run_in_threadpool(self.prepared.read_chunk):
            yield chunk

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(downloads.finish, self.prepared)


async def download(request: Request) -> Response:
    """A CSV behind a signed, single-use link (``services/downloads.py``): read
    into a file in a worker thread (its database session closed), then sent.
    A HEAD (a link checker, a preview) is answered without using the link."""
    if request.method != "GET":
        return Response(status_code=405, headers={"allow": "GET"})
    try:
        link = downloads.open_link(request.path_params["token"])
        prepared = await run_in_threadpool(downloads.begin, link)
    except downloads.DownloadRefused as refused:
        return PlainTextResponse(refused.user_message, status_code=refused.http_status)
    except ServiceError as refused:
        return PlainTextResponse(refused.user_message, status_code=403)
    metrics.DOWNLOADS.labels(str(link.kind)).inc()
    return _PreparedFile(prepared)


HealthCheck = Callable[[Request], Awaitable[Response]]


def health_endpoint(base: HealthCheck | None):
    """``/_health``: Reflex's own checks (database, Redis) when given, and this
    worker's poller: leader or not, its last cycle's end; a leader silent for
    more than three poll intervals answers 503 with the reason."""

    async def health(request: Request) -> Response:
        body: dict = {"status": True}
        if base is not None:
            answer = await base(request)
            body.update(json.loads(bytes(answer.body)))
        poller_ok, poller = metrics.POLLER.health()
        body.update(poller)
        body["status"] = bool(body["status"]) and poller_ok
        return JSONResponse(body, status_code=200 if body["status"] else 503)

    return health


def metrics_endpoint(token: str):
    """``/_metrics``: the Prometheus exposition, for ``Authorization: Bearer
    <METRICS_TOKEN>`` only (compared in constant time)."""
    expected = f"Bearer {token}".encode()

    async def scrape(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not secrets.compare_digest(given, expected):
            return PlainTextResponse(
                "unauthorized",
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        body, content_type = await run_in_threadpool(metrics.scrape)
        return Response(
            body, media_type=content_type, headers={"cache-control": "no-store"}
        )

    return scrape


def build_api(settings: Settings, base_health: HealthCheck | None = None) -> Starlette:
    """``base_health``: Reflex's ``/_health`` handler, which this one extends."""
    routes: list = [
        Route(downloads.ROUTE_PREFIX + "{token:path}", download),
        Route("/_health", health_endpoint(base_health)),
    ]
    if settings.metrics_token:
        routes.append(Route("/_metrics", metrics_endpoint(settings.metrics_token)))
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
