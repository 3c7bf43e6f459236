"""The simulated API: Sarbacane's routes under ``/v1`` plus ``/_admin``.

Every ``/v1`` request goes through one pipeline (:func:`_api`): count it,
check the credentials against the accounts, inject the configured faults,
take the campaign's write lock, wait the configured latency, run the
handler on the view of the store of the caller's account, and maybe lose
the answer of a committed write. The knobs and request counts are shared
by all accounts.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sms_hub.sarbacane.simulator import _shapes
from sms_hub.sarbacane.simulator._blacklists import ENTRY_KINDS
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.sarbacane.simulator._knobs import NEXT_FAULTS, Knobs, knobs_payload
from sms_hub.sarbacane.simulator._store import Store
from sms_hub.settings import SimulatorSettings

MAX_LIMIT = 1000
#: Rows of ``GET /campaigns`` when the request gives no ``limit`` (Sarbacane's
#: documented default; the other listings give up to ``MAX_LIMIT``).
CAMPAIGNS_DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Call:
    """What a handler gets besides the request."""

    store: Store  # the view of the caller's account
    knobs: Knobs
    now: float


Handler = Callable[[Request, Call], Awaitable[Any]]


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"message": message}, status_code=status, headers=headers or None
    )


def _locked(knobs: Knobs) -> JSONResponse:
    return _error(500, _shapes.lock_message(knobs.response_style))


_INJECTED: dict[str, Callable[[Knobs], JSONResponse]] = {
    "unreachable_next": lambda _: _error(404, "SERVICE_CAMPAIGN_UNREACHABLE"),
    "rate_limit_next": lambda _: _error(
        429, "TOO_MANY_REQUESTS", **{"Retry-After": "1"}
    ),
    "lock_error_next": _locked,
    "error_next": lambda _: _error(500, "INTERNAL_SERVER_ERROR"),
}


def _credentials(request: Request) -> tuple[str | None, str | None]:
    account, key = request.headers.get("accountId"), request.headers.get("apiKey")
    auth = request.headers.get("Authorization", "")
    if (account is None or key is None) and auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip()).decode()
        except (ValueError, UnicodeDecodeError):
            decoded = ""
        if ":" in decoded:
            basic_account, basic_key = decoded.split(":", 1)
            account, key = account or basic_account, key or basic_key
    return account or None, key or None


def _authenticate(request: Request, store: Store, knobs: Knobs) -> str | Response:
    """The caller's account id, or the 401 answer."""
    account, key = _credentials(request)
    if account is None:
        return _error(401, "NEED_ACCOUNT_ID")
    if key is None:
        return _error(401, "NEED_API_KEY")
    if knobs.force_unauthorized or not store.authenticate(account, key):
        return _error(401, "API_KEY_UNAUTHORIZED")
    return account


def _draw(rate: float) -> bool:
    return rate >= 1 or (rate > 0 and random.random() < rate)


async def _injected_fault(store: Store, knobs: Knobs, route: str) -> Response | None:
    for name in NEXT_FAULTS:
        if (
            getattr(knobs, name) > 0
            and knobs.counts_for(route)
            and await run_in_threadpool(store.take_counter, name)
        ):
            return _INJECTED[name](knobs)
    if _draw(knobs.rate_limit_rate):
        return _INJECTED["rate_limit_next"](knobs)
    if _draw(knobs.error_rate):
        return _INJECTED["error_next"](knobs)
    if _draw(knobs.lock_error_rate):
        return _INJECTED["lock_error_next"](knobs)
    return None


def _api(method: str, path: str, handler: Handler, *, store: Store) -> Route:
    write = method != "GET"
    locks_campaign = write and "{campaign_id}" in path
    route_name = f"{method} {path}"

    async def endpoint(request: Request) -> Response:
        knobs = await run_in_threadpool(store.begin_request, route_name)
        account = await run_in_threadpool(_authenticate, request, store, knobs)
        if isinstance(account, Response):
            return account
        fault = await _injected_fault(store, knobs, route_name)
        if fault is not None:
            return fault
        own = store.for_account(account)
        token = None
        campaign_id = request.path_params.get("campaign_id")
        if locks_campaign:
            token = await run_in_threadpool(own.acquire_lock, campaign_id)
            if token is None:
                return _locked(knobs)
        try:
            if knobs.latency_ms > 0:
                await asyncio.sleep(knobs.latency_ms / 1000)
            result = await handler(request, Call(own, knobs, knobs.now()))
        except ApiError as error:
            return _error(error.status, error.message)
        finally:
            if token is not None:
                await run_in_threadpool(own.release_lock, campaign_id, token)
        if (
            write
            and knobs.drop_response_after_commit > 0
            and knobs.counts_for(route_name)
            and await run_in_threadpool(
                store.take_counter, "drop_response_after_commit"
            )
        ):
            return _error(500, "INTERNAL_SERVER_ERROR")
        if isinstance(result, Response):
            return result
        return JSONResponse(result) if result is not None else Response(status_code=204)

    return Route(path, endpoint, methods=[method], name=route_name)


# -- request parsing ------------------------------------------------------


def _page(request: Request, default_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """``offset`` and ``limit`` of a listing; a ``limit`` above ``MAX_LIMIT``
    is cut to it (the documented maximum; nothing documents a refusal)."""
    try:
        offset = max(0, int(request.query_params.get("offset", 0)))
        limit = int(request.query_params.get("limit", default_limit))
    except ValueError as error:
        raise ApiError(400, "INVALID_PAGINATION") from error
    return offset, min(max(limit, 0), MAX_LIMIT)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ApiError(400, "INVALID_JSON") from error


def _object(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "A JSON object is expected")
    return body


def _send_date(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise ApiError(400, f"INVALID_SEND_DATE: {value}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
    return run_in_threadpool(fn, *args, **kwargs)


# -- handlers -------------------------------------------------------------


def _handlers() -> list[tuple[str, str, Handler]]:
    async def info(request: Request, call: Call) -> Any:
        account = await _run(call.store.account)
        return {
            "accountId": account.id,
            "name": account.name,
            "email": "demo@simulateur.invalid",
            "simulator": True,
        }

    async def credits(request: Request, call: Call) -> Any:
        remaining = await _run(call.store.credits, call.now)
        return _shapes.credits(remaining, call.now)

    async def list_campaigns(request: Request, call: Call) -> Any:
        offset, limit = _page(request, CAMPAIGNS_DEFAULT_LIMIT)
        rows = await _run(
            call.store.list_campaigns,
            search=request.query_params.get("search"),
            state=request.query_params.get("state"),
            offset=offset,
            limit=limit,
            now=call.now,
        )
        return _shapes.campaign_rows(rows, call.knobs.response_style)

    async def create_campaign(request: Request, call: Call) -> Any:
        body = _object(await _body(request))
        return await _run(
            call.store.create_campaign,
            name=str(body.get("name") or ""),
            kind=str(body.get("kind") or ""),
            sms_from=body.get("smsFrom") or None,
            content=str(body.get("content") or ""),
            now=call.now,
        )

    async def get_campaign(request: Request, call: Call) -> Any:
        campaign_id = request.path_params["campaign_id"]
        view = await _run(call.store.campaign, campaign_id, call.now)
        return _shapes.campaign(view, call.knobs.response_style)

    async def delete_campaign(request: Request, call: Call) -> Any:
        await _run(
            call.store.delete_campaign, request.path_params["campaign_id"], call.now
        )
        return None

    async def list_recipients(request: Request, call: Call) -> Any:
        offset, limit = _page(request)
        return await _run(
            call.store.list_recipients,
            request.path_params["campaign_id"],
            offset=offset,
            limit=limit,
        )

    async def add_recipients(request: Request, call: Call) -> Any:
        body = await _body(request)
        return await _run(
            call.store.add_recipients,
            request.path_params["campaign_id"],
            body,
            call.now,
        )

    async def assign_blacklists(request: Request, call: Call) -> Any:
        ids = _object(await _body(request)).get("blacklistIds")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ApiError(400, "blacklistIds must be a list of ids")
        await _run(
            call.store.assign_blacklists,
            request.path_params["campaign_id"],
            ids,
            call.now,
        )
        return None

    async def send(request: Request, call: Call) -> Any:
        requested = _send_date(_object(await _body(request)).get("requestedSendDate"))
        return await _run(
            call.store.send,
            request.path_params["campaign_id"],
            requested=requested,
            knobs=call.knobs,
            now=call.now,
        )

    async def cancel(request: Request, call: Call) -> Any:
        await _run(call.store.cancel, request.path_params["campaign_id"], call.now)
        return None

    async def list_blacklists(request: Request, call: Call) -> Any:
        offset, limit = _page(request)
        return await _run(call.store.blacklists, offset=offset, limit=limit)

    def _kind(request: Request) -> str:
        kind = request.path_params["kind"]
        if kind not in ENTRY_KINDS:
            raise ApiError(404, "Not found")
        return kind

    async def blacklist_entries(request: Request, call: Call) -> Any:
        offset, limit = _page(request)
        return await _run(
            call.store.blacklist_entries,
            request.path_params["blacklist_id"],
            _kind(request),
            email=request.query_params.get("email"),
            phone=request.query_params.get("phone"),
            offset=offset,
            limit=limit,
            now=call.now,
        )

    async def add_blacklist_entry(request: Request, call: Call) -> Any:
        body = _object(await _body(request))
        await _run(
            call.store.add_blacklist_entry,
            request.path_params["blacklist_id"],
            _kind(request),
            email=str(body.get("email") or "").strip(),
            phone=str(body.get("phone") or "").strip(),
            now=call.now,
        )
        return None

    async def report(request: Request, call: Call) -> Any:
        sends = await _run(
            call.store.report, request.path_params["campaign_id"], call.now
        )
        return _shapes.report(sends, call.knobs.response_style)

    async def report_recipients(request: Request, call: Call) -> Any:
        offset, limit = _page(request)
        return await _run(
            call.store.report_recipients,
            request.path_params["campaign_id"],
            offset=offset,
            limit=limit,
            now=call.now,
        )

    campaign = "/v1/campaigns/{campaign_id}"
    entries = "/v1/blacklists/{blacklist_id}/{kind}"
    return [
        ("GET", "/v1/info", info),
        ("GET", "/v1/credits", credits),
        ("GET", "/v1/campaigns", list_campaigns),
        ("POST", "/v1/campaigns/sms", create_campaign),
        ("GET", campaign, get_campaign),
        ("DELETE", campaign, delete_campaign),
        ("GET", campaign + "/recipients", list_recipients),
        ("POST", campaign + "/recipients", add_recipients),
        ("POST", campaign + "/blacklists", assign_blacklists),
        ("POST", campaign + "/send", send),
        ("POST", campaign + "/cancel", cancel),
        ("GET", "/v1/blacklists", list_blacklists),
        ("GET", entries, blacklist_entries),
        ("POST", entries, add_blacklist_entry),
        ("GET", "/v1/reports/{campaign_id}", report),
        ("GET", "/v1/reports/{campaign_id}/recipients", report_recipients),
    ]


def api_routes(store: Store) -> list[Route]:
    return [
        _api(method, path, handler, store=store)
        for method, path, handler in _handlers()
    ]


# -- admin (not Sarbacane: for demos and tests) ------------------------------


def _account_request(
    body: dict[str, Any], settings: SimulatorSettings
) -> tuple[str, str, str, int]:
    """(account id, API key, name, SMS credits) of a ``POST /_admin/accounts``."""
    account_id, api_key = body.get("accountId"), body.get("apiKey")
    if not isinstance(account_id, str) or not isinstance(api_key, str):
        raise ApiError(400, "ACCOUNT_ID_AND_API_KEY_REQUIRED")
    name = body.get("name") or f"Compte {account_id} (simulateur Sarbacane)"
    credits = body.get("smsCredits", settings.initial_sms_credits)
    if isinstance(credits, bool) or not isinstance(credits, int):
        raise ApiError(400, "INVALID_SMS_CREDITS")
    return account_id.strip(), api_key, str(name), credits


def admin_routes(store: Store, settings: SimulatorSettings) -> list[Route]:
    async def accounts(request: Request) -> Response:
        """Create an account (201), or find it again with the same key (200)."""
        try:
            account_id, api_key, name, credits = _account_request(
                _object(await _body(request)), settings
            )
            account, created = await _run(
                store.add_account,
                account_id,
                api_key,
                name=name,
                initial_credits=credits,
            )
        except ApiError as error:
            return _error(error.status, error.message)
        return JSONResponse(
            {
                "accountId": account.id,
                "name": account.name,
                "smsCredits": account.initial_credits,
            },
            status_code=201 if created else 200,
        )

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = _object(await _body(request))
                knobs = await _run(store.set_knobs, body)
            except ApiError as error:
                return _error(error.status, error.message)
        elif request.method == "DELETE":
            knobs = await _run(store.reset_knobs)
        else:
            knobs = await _run(store.knobs)
        return JSONResponse(knobs_payload(knobs))

    async def stats(request: Request) -> Response:
        if request.method == "DELETE":
            await _run(store.reset_stats)
        return JSONResponse({"requests": await _run(store.stats)})

    return [
        Route("/_admin/accounts", accounts, methods=["POST"]),
        Route("/_admin/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_admin/stats", stats, methods=["GET", "DELETE"]),
    ]
