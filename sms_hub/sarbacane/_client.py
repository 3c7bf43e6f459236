"""The async client of Sarbacane's campaign API.

Retries
-------
Idempotent calls (GET, DELETE, assigning exclusion lists, cancel, adding to
an exclusion list) are repeated on any transient fault, with bounded
exponential backoff and jitter, up to ``max_retries`` times; a read made
with ``retry=False`` (the status poller's) is tried once.

Non-idempotent calls (create, send, add recipients) are repeated blindly
only when the fault proves the request was not carried out (connection
refused, 429, ``FAILED TO ACQUIRE LOCK``, ``SERVICE_*_UNREACHABLE``). When
the answer is lost after the request may have been carried out (timeout,
5xx), the client reads back first and retries once only if nothing
happened.

Read-back assumptions (Sarbacane has no idempotency key)
--------------------------------------------------------
This is the one place that encodes them (one loop, :meth:`_write_once`):

- *create*: the caller puts a unique ``marker`` in the campaign's name; the
  campaign found by ``GET /campaigns?search=<marker>`` whose name is
  exactly that name is the one the lost request created, and no other can
  be (another centre's campaign of the same name carries another marker).
  Without a marker, a campaign with exactly that name created within
  :attr:`SarbacaneClient.readback_window` of the call (or, without a
  readable ``created``, the only one with that name) is taken.
- *send / schedule*: a campaign has a send id (``sends[0]``) from its
  creation on, so the length of ``sends`` proves nothing. The send took
  effect if the campaign is now in a sending state (``MODERATION``,
  ``ROUTING``, ``FINISH``) and was not before the call: read from the
  ``state`` of ``GET /campaigns/{id}`` when Sarbacane gives one, else from
  ``GET /campaigns?search=<name>&state=<state>``; or, for a schedule, if
  the campaign now carries the requested send date; or, for a send now, if
  ``GET /reports/{id}`` shows a send dated between the call and the
  read-back (within :attr:`SarbacaneClient.clock_tolerance`). The client
  launches only campaigns that are not already sending.
- *add recipients*: Sarbacane lists a campaign's recipients in insertion
  order, so with ``already_pushed`` (how many the campaign had before this
  batch) the batch took effect if the recipients at that offset are its
  phones, in order.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent import futures
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from sms_hub import metrics
from sms_hub.sarbacane._errors import (
    SarbacaneError,
    SarbacaneNotFound,
    SarbacaneUnavailable,
)
from sms_hub.sarbacane._faults import (
    Backoff,
    Fault,
    check_response,
    fault_from_exception,
    known_code,
)
from sms_hub.sarbacane._models import (
    AccountInfo,
    Blacklist,
    BlacklistEntry,
    CampaignRef,
    CampaignReport,
    CampaignSummary,
    Credits,
    ListingPage,
    Recipient,
    RecipientIn,
    RecipientReport,
    RemoteCampaign,
)

log = logging.getLogger("sms_hub.sarbacane")

#: Most recipients (or rows of a page) Sarbacane takes or gives in one call.
MAX_BATCH = 1000

#: Pages one call of :meth:`SarbacaneClient.campaign_pages` (or
#: ``recipient_pages``) reads at most, unless told otherwise: 20,000 rows.
MAX_PAGES = 20

#: Campaign states of a send accepted by Sarbacane.
SENDING_STATES = ("MODERATION", "ROUTING", "FINISH")

RecipientLike = RecipientIn | tuple[str | None, str]
T = TypeVar("T")
_NO_BODY = object()


def _outcome(error: Fault | SarbacaneError) -> str:
    """A failed call's outcome label: Sarbacane's known code, else the HTTP
    status (never Sarbacane's free text, which may quote the request)."""
    return known_code(error.code) or (
        f"HTTP {error.status_code}" if error.status_code else type(error).__name__
    )


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _as_recipient(item: RecipientLike) -> RecipientIn:
    if isinstance(item, RecipientIn):
        return item
    email, phone = item
    return RecipientIn(email=email, phone=phone)


def _utc_text(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("the send date must carry a time zone (UTC expected)")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SarbacaneClient:
    """One Sarbacane account, over one pooled ``httpx.AsyncClient``.

    The pool is bound to the event loop that first uses it; used from
    another loop (tests, a worker thread), the client opens a fresh pool
    there, so one instance can be cached for the whole process.
    """

    def __init__(
        self,
        base_url: str,
        account_id: str,
        api_key: str,
        *,
        timeout_seconds: float = 10.0,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_max: float = 30.0,
        readback_window: timedelta = timedelta(minutes=10),
        clock_tolerance: timedelta = timedelta(seconds=5),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account_id = account_id
        self._api_key = api_key
        self._timeout = httpx.Timeout(timeout_seconds)
        self.max_retries = max(0, max_retries)
        self.backoff = Backoff(backoff_base, backoff_max, retry_after_max)
        self.readback_window = readback_window
        self.clock_tolerance = clock_tolerance
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def uses_key(self, api_key: str) -> bool:
        return secrets.compare_digest(self._api_key, api_key)

    def __repr__(self) -> str:
        return f"SarbacaneClient({self.base_url!r}, account_id={self.account_id!r})"

    # -- transport -----------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop or self._http.is_closed:
            self._http = httpx.AsyncClient(
                base_url=self.base_url + "/",
                headers={
                    "accountId": self.account_id,
                    "apiKey": self._api_key,
                    "Accept": "application/json",
                },
                timeout=self._timeout,
                transport=self._transport,
            )
            self._loop = loop
        return self._http

    def close_soon(self) -> asyncio.Future[None] | futures.Future[None] | None:
        """Close the pool from synchronous code, on the event loop it belongs
        to; the future of the closing, or None when there is nothing to close."""
        http, loop = self._http, self._loop
        self._http = None
        if http is None or loop is None or loop.is_closed():
            return None
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            return loop.create_task(http.aclose())
        if loop.is_running():
            return asyncio.run_coroutine_threadsafe(http.aclose(), loop)
        return None

    async def aclose(self) -> None:
        """Close the connection pool (it reopens on the next call)."""
        http, self._http = self._http, None
        if http is not None and self._loop is asyncio.get_running_loop():
            await http.aclose()

    async def _send_once(
        self, method: str, path: str, body: Any, params: dict[str, Any] | None
    ) -> Any:
        kwargs: dict[str, Any] = {"params": params}
        if body is not _NO_BODY:
            kwargs["json"] = body
        started = time.monotonic()
        try:
            response = await self._client().request(method, path.lstrip("/"), **kwargs)
        except httpx.TransportError as error:
            metrics.sarbacane_call(method, path, type(error).__name__)
            raise fault_from_exception(error) from error
        log.debug(
            "sarbacane %s %s -> %s in %.0f ms",
            method,
            path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        try:
            check_response(response)
        except (Fault, SarbacaneError) as error:
            metrics.sarbacane_call(method, path, _outcome(error))
            raise
        metrics.sarbacane_call(method, path, "ok")
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        params: dict[str, Any] | None = None,
        idempotent: bool,
        retry: bool = True,
    ) -> Any:
        """Send, retrying transient faults (unless ``retry`` is false); a
        non-idempotent call lets a :class:`Fault` that may have been applied
        through to its caller."""
        retries = self.max_retries if retry else 0
        attempt = 0
        while True:
            try:
                return await self._send_once(method, path, body, params)
            except Fault as fault:
                if fault.maybe_applied and not idempotent:
                    raise
                if attempt >= retries:
                    raise fault.unavailable() from fault
                delay = self.backoff.delay(attempt, fault.retry_after)
                log.warning(
                    "sarbacane %s %s failed (%s); retry %d/%d in %.2f s",
                    method,
                    path,
                    fault,
                    attempt + 1,
                    retries,
                    delay,
                )
                await asyncio.sleep(delay)
                attempt += 1

    async def _write_once(
        self,
        what: str,
        method: str,
        path: str,
        body: Any,
        *,
        answer: Callable[[Any], T],
        read_back: Callable[[], Awaitable[T | None]] | None,
    ) -> T:
        """A non-idempotent call that must take effect exactly once.

        When its answer is lost, ``read_back`` tells whether it took effect
        anyway (its result, else ``None``); if not, the call is made once
        more. Without ``read_back``, or when the read-back fails too, the
        error says the request may have been carried out.
        """
        lost: Fault | None = None
        for round_ in range(2):
            if round_:
                await asyncio.sleep(self.backoff.delay(0))
            try:
                return answer(
                    await self._call(method, path, body=body, idempotent=False)
                )
            except Fault as fault:
                lost = fault
            if read_back is None:
                break
            log.warning("sarbacane %s: answer lost (%s); reading back", what, lost)
            try:
                found = await read_back()
            except SarbacaneUnavailable as error:
                raise lost.unavailable(maybe_applied=True) from error
            if found is not None:
                return found
        assert lost is not None
        raise lost.unavailable(maybe_applied=True) from lost

    # -- account -------------------------------------------------------------

    async def info(self) -> AccountInfo:
        """``GET /info``: the way to check the credentials."""
        return AccountInfo.parse(await self._call("GET", "/info", idempotent=True))

    async def credits(self) -> Credits:
        """``GET /credits``: remaining credits (SMS among them)."""
        return Credits.parse(await self._call("GET", "/credits", idempotent=True))

    # -- campaigns -----------------------------------------------------------

    async def create_sms_campaign(
        self,
        *,
        name: str,
        kind: str,
        sms_from: str | None,
        content: str,
        marker: str | None = None,
    ) -> CampaignRef:
        """``POST /campaigns/sms``; ``kind`` is ``SMS_MARKETING`` or
        ``SMS_NOTIFICATION``. ``name`` holds ``marker``, unique to this
        creation, so a lost answer is read back safely (see the module doc)."""
        if marker is not None and marker not in name:
            raise ValueError("the marker must be part of the campaign's name")
        body = {"name": name, "kind": kind, "content": content}
        if sms_from is not None:
            body["smsFrom"] = sms_from
        since = datetime.now(UTC) - self.readback_window
        return await self._write_once(
            f"create {name!r}",
            "POST",
            "/campaigns/sms",
            body,
            answer=lambda payload: CampaignRef.parse(payload, fallback_name=name),
            read_back=lambda: (
                self._find_marked(name, marker)
                if marker
                else self._find_created(name, since)
            ),
        )

    async def _find_marked(self, name: str, marker: str) -> CampaignRef | None:
        matches = [
            summary
            for summary in await self.list_campaigns(search=marker, limit=MAX_BATCH)
            if summary.name == name
        ]
        if len(matches) == 1:
            return CampaignRef(id=matches[0].id, name=matches[0].name)
        return None

    async def _find_created(self, name: str, since: datetime) -> CampaignRef | None:
        matches = [
            summary
            for summary in await self.list_campaigns(search=name, limit=MAX_BATCH)
            if summary.name == name
        ]
        recent = [s for s in matches if s.created is not None and s.created >= since]
        if recent:
            newest = max(recent, key=lambda s: s.created or since)
            return CampaignRef(id=newest.id, name=newest.name)
        undated = [s for s in matches if s.created is None]
        if len(matches) == 1 and undated:
            return CampaignRef(id=undated[0].id, name=undated[0].name)
        return None

    async def list_campaigns(
        self,
        *,
        offset: int = 0,
        limit: int = 100,
        search: str | None = None,
        state: str | None = None,
        retry: bool = True,
    ) -> list[CampaignSummary]:
        """``GET /campaigns`` (one page; ``limit`` at most 1000); ``retry``
        false makes one attempt only (the status poller tries again next cycle)."""
        params: dict[str, Any] = {"offset": offset, "limit": min(limit, MAX_BATCH)}
        if search:
            params["search"] = search
        if state:
            params["state"] = state
        payload = await self._call(
            "GET", "/campaigns", params=params, idempotent=True, retry=retry
        )
        return [CampaignSummary.parse(item) for item in _items(payload, "campaigns")]

    async def campaign_pages(
        self,
        *,
        search: str | None = None,
        state: str | None = None,
        offset: int = 0,
        max_pages: int = MAX_PAGES,
    ) -> AsyncIterator[ListingPage[CampaignSummary]]:
        """Every campaign of the account from ``offset``, by pages of 1000
        (``GET /campaigns``), at most ``max_pages`` pages per call.

        The reading ends with a page whose ``last`` is true, or after
        ``max_pages`` pages: then the last page given is not ``last``, and a
        later call resumes from its ``next_offset``. Sarbacane documents no
        order; when rows move while the pages are read (a campaign created
        meanwhile pushes the others down), a campaign an earlier page of this
        call gave is not given again; one deleted meanwhile may hide another
        until the next reading.
        """
        seen: set[str] = set()
        async for at, rows in self._pages(
            lambda at: self.list_campaigns(
                offset=at, limit=MAX_BATCH, search=search, state=state
            ),
            offset,
            max_pages,
        ):
            fresh = tuple(row for row in rows if not row.id or row.id not in seen)
            seen.update(row.id for row in fresh)
            yield _page(at, rows, fresh)

    async def _pages(
        self,
        read: Callable[[int], Awaitable[list[T]]],
        offset: int,
        max_pages: int,
    ) -> AsyncIterator[tuple[int, list[T]]]:
        """``(offset, rows)`` of each page of ``MAX_BATCH`` rows from ``offset``,
        up to a short page or ``max_pages`` pages."""
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        for _ in range(max_pages):
            rows = await read(offset)
            yield offset, rows
            if len(rows) < MAX_BATCH:
                return
            offset += len(rows)

    async def get_campaign(
        self, campaign_id: str, *, retry: bool = True
    ) -> RemoteCampaign:
        """``GET /campaigns/{id}`` (answer wrapped in ``campaign`` or bare);
        ``retry`` false makes one attempt only."""
        payload = await self._call(
            "GET", f"/campaigns/{_segment(campaign_id)}", idempotent=True, retry=retry
        )
        return RemoteCampaign.parse(payload)

    async def delete_campaign(self, campaign_id: str) -> None:
        """``DELETE /campaigns/{id}``; a campaign already gone counts as deleted."""
        try:
            await self._call(
                "DELETE", f"/campaigns/{_segment(campaign_id)}", idempotent=True
            )
        except SarbacaneNotFound:
            log.info("sarbacane campaign %s was already deleted", campaign_id)

    # -- recipients ----------------------------------------------------------

    async def add_recipients(
        self,
        campaign_id: str,
        recipients: Sequence[RecipientLike],
        *,
        already_pushed: int | None = None,
    ) -> int:
        """``POST /campaigns/{id}/recipients`` with one batch (at most 1000).

        Returns how many recipients Sarbacane acknowledged. Give
        ``already_pushed`` (the campaign's recipient count before this batch)
        so that a lost answer can be read back instead of reported as
        :class:`SarbacaneUnavailable` with ``maybe_applied``.
        """
        batch = [_as_recipient(item) for item in recipients]
        if len(batch) > MAX_BATCH:
            raise ValueError(
                f"at most {MAX_BATCH} recipients per call, got {len(batch)}"
            )
        if not batch:
            return 0

        async def read_back() -> int | None:
            assert already_pushed is not None
            added = await self.recipients_already_added(
                campaign_id, batch, offset=already_pushed
            )
            return len(batch) if added else None

        return await self._write_once(
            f"add {len(batch)} recipients to {campaign_id}",
            "POST",
            f"/campaigns/{_segment(campaign_id)}/recipients",
            [recipient.payload() for recipient in batch],
            answer=lambda payload: (
                len(payload) if isinstance(payload, list) else len(batch)
            ),
            read_back=None if already_pushed is None else read_back,
        )

    async def recipients_already_added(
        self, campaign_id: str, recipients: Sequence[RecipientLike], *, offset: int
    ) -> bool:
        """Whether the campaign's recipients from ``offset`` are this batch.

        Lets a resumed import (after a crash between Sarbacane's answer and
        the local bookkeeping) skip a batch Sarbacane already has.
        """
        batch = [_as_recipient(item) for item in recipients]
        present = await self.list_recipients(
            campaign_id, offset=offset, limit=len(batch)
        )
        return [r.phone for r in present] == [r.phone for r in batch]

    async def list_recipients(
        self, campaign_id: str, *, offset: int = 0, limit: int = MAX_BATCH
    ) -> list[Recipient]:
        """``GET /campaigns/{id}/recipients`` (one page)."""
        payload = await self._call(
            "GET",
            f"/campaigns/{_segment(campaign_id)}/recipients",
            params={"offset": offset, "limit": min(limit, MAX_BATCH)},
            idempotent=True,
        )
        return [Recipient.parse(item) for item in _items(payload, "recipients")]

    async def recipient_pages(
        self, campaign_id: str, *, offset: int = 0, max_pages: int = MAX_PAGES
    ) -> AsyncIterator[ListingPage[Recipient]]:
        """A campaign's recipients from ``offset``, by pages of 1000, at most
        ``max_pages`` pages per call (resume from the last ``next_offset``
        when its page is not ``last``)."""
        async for at, rows in self._pages(
            lambda at: self.list_recipients(campaign_id, offset=at, limit=MAX_BATCH),
            offset,
            max_pages,
        ):
            yield _page(at, rows, tuple(rows))

    # -- exclusion lists -----------------------------------------------------

    async def list_blacklists(
        self, *, offset: int = 0, limit: int = MAX_BATCH
    ) -> list[Blacklist]:
        """``GET /blacklists``: the account's exclusion lists."""
        payload = await self._call(
            "GET",
            "/blacklists",
            params={"offset": offset, "limit": min(limit, MAX_BATCH)},
            idempotent=True,
        )
        return [Blacklist.parse(item) for item in _items(payload, "blacklists")]

    async def blacklist_entries(
        self,
        blacklist_id: str,
        *,
        kind: str = "unsubscribers",
        email: str | None = None,
        phone: str | None = None,
        offset: int = 0,
        limit: int = MAX_BATCH,
    ) -> list[BlacklistEntry]:
        """``GET /blacklists/{id}/{kind}``; ``kind`` is ``unsubscribers``,
        ``bounces`` or ``complaints``."""
        params: dict[str, Any] = {"offset": offset, "limit": min(limit, MAX_BATCH)}
        if email:
            params["email"] = email
        if phone:
            params["phone"] = phone
        payload = await self._call(
            "GET",
            f"/blacklists/{_segment(blacklist_id)}/{_segment(kind)}",
            params=params,
            idempotent=True,
        )
        return [BlacklistEntry.parse(item) for item in _items(payload, kind)]

    async def add_to_blacklist(
        self, blacklist_id: str, *, email: str | None = None, phone: str | None = None
    ) -> None:
        """``POST /blacklists/{id}/unsubscribers`` with an email and/or a phone."""
        if not email and not phone:
            raise ValueError("an email or a phone is required")
        body = {
            key: value for key, value in (("email", email), ("phone", phone)) if value
        }
        await self._call(
            "POST",
            f"/blacklists/{_segment(blacklist_id)}/unsubscribers",
            body=body,
            idempotent=True,
        )

    async def assign_blacklists(
        self, campaign_id: str, blacklist_ids: Sequence[str]
    ) -> None:
        """``POST /campaigns/{id}/blacklists``: the exclusion lists of the campaign."""
        await self._call(
            "POST",
            f"/campaigns/{_segment(campaign_id)}/blacklists",
            body={"blacklistIds": list(blacklist_ids)},
            idempotent=True,
        )

    # -- sending -------------------------------------------------------------

    async def send_now(self, campaign_id: str) -> None:
        """``POST /campaigns/{id}/send`` with an empty body."""
        await self._launch(campaign_id, None)

    async def schedule(self, campaign_id: str, when_utc: datetime) -> None:
        """``POST /campaigns/{id}/send {"requestedSendDate": "…Z"}``."""
        await self._launch(campaign_id, _utc_text(when_utc))

    async def _launch(self, campaign_id: str, requested: str | None) -> None:
        before = await self.get_campaign(campaign_id)
        started = datetime.now(UTC)

        async def read_back() -> bool | None:
            took = await self._send_took_effect(campaign_id, before, requested, started)
            return True if took else None

        await self._write_once(
            f"send {campaign_id}",
            "POST",
            f"/campaigns/{_segment(campaign_id)}/send",
            _NO_BODY if requested is None else {"requestedSendDate": requested},
            answer=lambda _: True,
            read_back=read_back,
        )

    async def _send_took_effect(
        self,
        campaign_id: str,
        before: RemoteCampaign,
        requested: str | None,
        started: datetime,
    ) -> bool:
        """Whether a send whose answer was lost happened (see the module doc)."""
        after = await self.get_campaign(campaign_id)
        if before.state not in SENDING_STATES:
            state = after.state or await self._listed_state(campaign_id, after.name)
            if state not in (None, "DRAFT", before.state):
                return True
        if requested is not None:
            asked = datetime.fromisoformat(requested.replace("Z", "+00:00"))
            return after.requested_send_date == asked != before.requested_send_date
        return await self._reported_since(campaign_id, started)

    async def _listed_state(self, campaign_id: str, name: str) -> str | None:
        """The campaign's sending state, from ``GET /campaigns?state=``."""
        for state in SENDING_STATES:
            listed = await self.list_campaigns(
                search=name or None, state=state, limit=MAX_BATCH
            )
            if any(summary.id == campaign_id for summary in listed):
                return state
        return None

    async def _reported_since(self, campaign_id: str, started: datetime) -> bool:
        """Whether the report shows a send dated from ``started`` to now."""
        try:
            report = await self.report(campaign_id)
        except SarbacaneNotFound:
            return False
        earliest = started - self.clock_tolerance
        latest = datetime.now(UTC) + self.clock_tolerance
        return any(
            send.date is not None and earliest <= send.date <= latest
            for send in report.sends
        )

    async def cancel(self, campaign_id: str) -> None:
        """``POST /campaigns/{id}/cancel``: stop a scheduled or running send."""
        await self._call(
            "POST", f"/campaigns/{_segment(campaign_id)}/cancel", idempotent=True
        )

    # -- reports -------------------------------------------------------------

    async def report(self, campaign_id: str) -> CampaignReport:
        """``GET /reports/{id}``: the figures of each send."""
        payload = await self._call(
            "GET", f"/reports/{_segment(campaign_id)}", idempotent=True
        )
        return CampaignReport.parse(payload, campaign_id=campaign_id)

    async def report_recipients(
        self, campaign_id: str, *, offset: int = 0, limit: int = MAX_BATCH
    ) -> list[RecipientReport]:
        """``GET /reports/{id}/recipients`` (one page of at most 1000)."""
        payload = await self._call(
            "GET",
            f"/reports/{_segment(campaign_id)}/recipients",
            params={"offset": offset, "limit": min(limit, MAX_BATCH)},
            idempotent=True,
        )
        return [RecipientReport.parse(item) for item in _items(payload, "recipients")]


def _page(offset: int, rows: list[Any], items: tuple[T, ...]) -> ListingPage[T]:
    return ListingPage(
        offset=offset,
        items=items,
        last=len(rows) < MAX_BATCH,
        next_offset=offset + len(rows),
    )


def _items(payload: Any, key: str) -> list[Any]:
    """A page of rows: a bare JSON array, or one wrapped in an object."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for name in (key, "items", "data", "results"):
            value = payload.get(name)
            if isinstance(value, list):
                return value
    return []
