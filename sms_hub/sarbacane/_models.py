"""What Sarbacane answers, parsed tolerantly.

Most response shapes are known only from secondary sources (see
``docs/sarbacane-api.md``), so every parser ignores unknown fields, turns a
missing optional field into ``None``, keeps an unknown campaign state as the
string it is, and keeps the whole payload in ``raw``.

Where the public evidence (``docs/sarbacane-api.md``, « Corrections from
public evidence ») gives a shape, that shape is read, and the alternatives
it allows; the simulator answers in those same shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

#: Documented values of a campaign's ``state`` (others are kept as they are).
KNOWN_STATES = ("DRAFT", "MODERATION", "ROUTING", "FINISH")

_RAW = field(default_factory=dict, compare=False, hash=False, repr=False)


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = data.get(key)
        if value is not None:
            return value
    return None


def _str(data: Mapping[str, Any], *keys: str) -> str | None:
    value = _first(data, *keys)
    return None if value is None else str(value)


def _int(data: Mapping[str, Any], *keys: str) -> int | None:
    value = _first(data, *keys)
    if isinstance(value, bool):
        return int(value)
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _bool(data: Mapping[str, Any], *keys: str) -> bool:
    value = _first(data, *keys)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 string or an epoch (seconds or milliseconds), as UTC."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            return parse_datetime(int(text))
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _datetime(data: Mapping[str, Any], *keys: str) -> datetime | None:
    return parse_datetime(_first(data, *keys))


def _ids(value: Any) -> tuple[str, ...]:
    """Ids from a list of ids or of objects carrying an ``id``."""
    if not isinstance(value, list):
        return ()
    ids = []
    for item in value:
        if isinstance(item, Mapping):
            item = _first(item, "id", "blacklistId", "sendId")
        if item is not None:
            ids.append(str(item))
    return tuple(ids)


def _mapping(payload: Any) -> Mapping[str, Any]:
    return payload if isinstance(payload, Mapping) else {}


@dataclass(frozen=True)
class AccountInfo:
    """``GET /info``: proves the credentials work."""

    account_id: str | None
    name: str | None
    email: str | None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> AccountInfo:
        data = _mapping(payload)
        return cls(
            account_id=_str(data, "accountId", "id", "account_id"),
            name=_str(data, "name", "company", "companyName"),
            email=_str(data, "email", "mail"),
            raw=dict(data),
        )


@dataclass(frozen=True)
class CampaignRef:
    """A campaign just created: what ``POST /campaigns/sms`` answers."""

    id: str
    name: str

    @classmethod
    def parse(cls, payload: Any, *, fallback_name: str = "") -> CampaignRef:
        data = _mapping(payload)
        data = _mapping(data.get("campaign")) or data
        campaign_id = _str(data, "id", "campaignId")
        if not campaign_id:
            raise ValueError("Sarbacane answered without a campaign id")
        return cls(id=campaign_id, name=_str(data, "name") or fallback_name)


Row = TypeVar("Row")


@dataclass(frozen=True)
class ListingPage(Generic[Row]):
    """One page of a listing read by offset and limit.

    ``items`` are the page's rows (for campaigns, without those an earlier
    page of the same reading already gave); ``last`` says that the listing
    ended with this page (fewer rows than asked for); ``next_offset`` is
    where the next page starts, to resume in a later reading.
    """

    offset: int
    items: tuple[Row, ...]
    last: bool
    next_offset: int


@dataclass(frozen=True)
class CampaignSummary:
    """One row of ``GET /campaigns``.

    ``kind`` (``SMS_MARKETING``, ``SMS_NOTIFICATION``, an e-mail or automated
    campaign's own kind), ``created``, ``edited`` and ``count`` (recipients)
    are ``None`` when Sarbacane leaves them out or sends something unreadable.
    """

    id: str
    name: str
    kind: str | None
    state: str | None
    created: datetime | None
    edited: datetime | None
    count: int | None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> CampaignSummary:
        data = _mapping(payload)
        return cls(
            id=_str(data, "id", "campaignId") or "",
            name=_str(data, "name") or "",
            kind=_str(data, "kind", "type"),
            state=_str(data, "state", "status"),
            created=_datetime(data, "created", "creationDate", "createdAt"),
            edited=_datetime(data, "edited", "modificationDate", "editedAt"),
            count=_int(data, "count", "recipientCount"),
            raw=dict(data),
        )


@dataclass(frozen=True)
class RemoteCampaign:
    """``GET /campaigns/{id}``, as Sarbacane sees the campaign.

    ``state`` is one of :data:`KNOWN_STATES` or whatever string Sarbacane
    sent (``None`` when absent: the evidence leaves it unknown here).
    ``sends`` holds a send id from the campaign's creation on, so its length
    proves no send (see the client's read-back). The ``requested_send_date``, ``recipient_count``,
    ``processed_count`` and ``cancelled`` properties read informative
    fields the simulator sends and Sarbacane may not: ``None`` when absent.
    """

    id: str
    name: str
    kind: str | None
    state: str | None
    blacklists: tuple[str, ...]
    sends: tuple[str, ...]
    sent_date: datetime | None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> RemoteCampaign:
        outer = _mapping(payload)
        data = _mapping(outer.get("campaign")) or outer
        state = _str(data, "state", "status")
        return cls(
            id=_str(data, "id", "campaignId") or "",
            name=_str(data, "name") or "",
            kind=_str(data, "kind", "type"),
            state=state.upper() if state and state.upper() in KNOWN_STATES else state,
            blacklists=_ids(_first(data, "blacklists", "blacklistIds")),
            sends=_ids(_first(data, "sends", "sendIds")),
            sent_date=_datetime(data, "sentDate", "sendDate", "sent_date", "sent"),
            raw=dict(data),
        )

    @property
    def requested_send_date(self) -> datetime | None:
        return _datetime(self.raw, "requestedSendDate")

    @property
    def recipient_count(self) -> int | None:
        return _int(self.raw, "recipientCount", "count")

    @property
    def processed_count(self) -> int | None:
        return _int(self.raw, "processedCount")

    @property
    def cancelled(self) -> bool | None:
        value = self.raw.get("cancelled")
        return None if value is None else _bool(self.raw, "cancelled")


@dataclass(frozen=True)
class RecipientIn:
    """A recipient to add to a campaign; ``phone`` in E.164 (``+33600000001``)."""

    email: str | None
    phone: str

    def payload(self) -> dict[str, str]:
        """The JSON row; an unknown email is left out rather than sent as null."""
        if self.email is None:
            return {"phone": self.phone}
        return {"email": self.email, "phone": self.phone}


@dataclass(frozen=True)
class Recipient:
    """One row of ``GET /campaigns/{id}/recipients``."""

    id: str | None
    email: str | None
    phone: str | None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> Recipient:
        data = _mapping(payload)
        return cls(
            id=_str(data, "id"),
            email=_str(data, "email"),
            phone=_str(data, "phone", "mobile"),
            raw=dict(data),
        )


@dataclass(frozen=True)
class Blacklist:
    """An exclusion list (``DEFAULT_BLACKLIST``, ``DEFAULT_BOUNCELIST``, …)."""

    id: str
    name: str
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> Blacklist:
        data = _mapping(payload)
        blacklist_id = _str(data, "id", "blacklistId") or ""
        return cls(
            id=blacklist_id, name=_str(data, "name") or blacklist_id, raw=dict(data)
        )


@dataclass(frozen=True)
class BlacklistEntry:
    """A member of an exclusion list.

    Sarbacane gives ``phones``, a string that may hold several numbers;
    ``phones`` holds them all, ``phone`` the first. ``state`` is e.g.
    ``UNSUBSCRIBERS`` when given.
    """

    email: str | None
    phone: str | None
    phones: tuple[str, ...] = ()
    state: str | None = None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> BlacklistEntry:
        data = _mapping(payload)
        numbers = split_phones(data.get("phones"))
        return cls(
            email=_str(data, "email"),
            phone=numbers[0] if numbers else None,
            phones=numbers,
            state=_str(data, "state"),
            raw=dict(data),
        )


_PHONE_SEPARATORS = re.compile(r"[,;|/\n\r\t]+")


def split_phones(value: Any) -> tuple[str, ...]:
    """The numbers in an exclusion-list entry's ``phones``.

    A list, or a string separated by commas, semicolons, bars, slashes or
    line breaks; spaces separate numbers only when each side holds a whole
    number (at least 8 digits), so ``+33 6 12 34 56 78`` stays one number.
    """
    if isinstance(value, list):
        pieces = [str(item) for item in value if item is not None]
    elif isinstance(value, str):
        pieces = _PHONE_SEPARATORS.split(value)
    else:
        return ()
    numbers: list[str] = []
    for piece in (p.strip() for p in pieces):
        tokens = piece.split()
        if len(tokens) > 1 and all(sum(c.isdigit() for c in t) >= 8 for t in tokens):
            numbers.extend(tokens)
        elif piece:
            numbers.append(piece)
    return tuple(dict.fromkeys(numbers))


@dataclass(frozen=True)
class SendReport:
    """The figures of one send of a campaign (``GET /reports/{id}``)."""

    send_id: str | None
    date: datetime | None
    sent: int | None
    delivered: int | None
    bounces: int | None
    unsubscribers: int | None
    opens: int | None
    clicks: int | None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> SendReport:
        data = _mapping(payload)
        return cls(
            send_id=_str(data, "sendId", "id"),
            date=_datetime(data, "date", "sendDate"),
            sent=_int(data, "sent", "sentCount"),
            delivered=_int(data, "delivered", "deliveredCount"),
            bounces=_int(data, "bounces", "bounced", "failed"),
            unsubscribers=_int(data, "unsubscribers", "unsubscribes", "unsubscribed"),
            opens=_int(data, "opens", "opened"),
            clicks=_int(data, "clicks", "clicked"),
            raw=dict(data),
        )


@dataclass(frozen=True)
class CampaignReport:
    """``GET /reports/{id}``: one entry per send.

    Read from a list of per-send objects, or an object keyed by send id
    (the key is the ``send_id`` when the entry has none).
    """

    campaign_id: str
    sends: tuple[SendReport, ...]
    raw: Any = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def parse(cls, payload: Any, *, campaign_id: str) -> CampaignReport:
        return cls(
            campaign_id=campaign_id,
            sends=tuple(_send_reports(payload)),
            raw=payload,
        )


def _send_reports(items: Any) -> list[SendReport]:
    if isinstance(items, list):
        return [SendReport.parse(item) for item in items]
    if not isinstance(items, Mapping):
        return []
    reports = []
    for send_id, value in items.items():
        if isinstance(value, Mapping):
            report = SendReport.parse(value)
            reports.append(
                report if report.send_id else replace(report, send_id=str(send_id))
            )
    return reports


@dataclass(frozen=True)
class RecipientReport:
    """One row of ``GET /reports/{id}/recipients``: what happened to one person."""

    email: str | None
    phone: str | None
    success: bool
    bounce: bool
    unsubscribe: bool
    clicks: int
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> RecipientReport:
        data = _mapping(payload)
        person = _mapping(data.get("recipient")) or data
        return cls(
            email=_str(person, "email"),
            phone=_str(person, "phone", "mobile"),
            success=_bool(data, "success"),
            bounce=_bool(data, "bounce"),
            unsubscribe=_bool(data, "unsubscribe"),
            clicks=_int(data, "clicks") or 0,
            raw=dict(data),
        )


@dataclass(frozen=True)
class CreditEntry:
    """One entry of ``GET /credits``: ``count`` credits of ``credit_type``
    (``SMS``, ``EMAIL_CAMPAIGNS``, …) valid until ``expiration`` (``None``:
    no expiry given)."""

    credit_type: str | None
    count: int | None
    expiration: datetime | None
    subscription_type: str | None = None
    raw: dict[str, Any] = _RAW

    @classmethod
    def parse(cls, payload: Any) -> CreditEntry:
        data = _mapping(payload)
        kind = _str(data, "creditType")
        return cls(
            credit_type=kind.upper() if kind else None,
            count=_int(data, "count"),
            expiration=_expiry(data.get("expirationDate")),
            subscription_type=_str(data, "subscriptionType"),
            raw=dict(data),
        )

    def valid_at(self, now: datetime) -> bool:
        return self.expiration is None or self.expiration > now


def _expiry(value: Any) -> datetime | None:
    """A date-only expiry (``2026-12-31``) lasts until the end of that day."""
    parsed = parse_datetime(value)
    if parsed is not None and isinstance(value, str) and len(value.strip()) == 10:
        return parsed + timedelta(days=1)
    return parsed


@dataclass(frozen=True)
class Credits:
    """``GET /credits``.

    Sarbacane answers a bare list of :class:`CreditEntry`; several SMS
    entries (different expiry or subscription) add up, so ``sms`` is the sum
    of the SMS entries not yet expired (``0`` when there is none), or
    ``None`` when the answer is not such a list.
    """

    sms: int | None
    raw: Any = field(default=None, compare=False, hash=False, repr=False)
    entries: tuple[CreditEntry, ...] = ()

    @classmethod
    def parse(cls, payload: Any, *, now: datetime | None = None) -> Credits:
        moment = now or datetime.now(UTC)
        if isinstance(payload, list):
            entries = tuple(CreditEntry.parse(item) for item in payload)
            return cls(sms=_sms_total(entries, moment), raw=payload, entries=entries)
        return cls(sms=None, raw=payload)


def _sms_total(entries: tuple[CreditEntry, ...], now: datetime) -> int | None:
    sms = [e for e in entries if e.credit_type == "SMS"]
    documented = not entries or any("creditType" in e.raw for e in entries)
    if not sms and not documented:
        return None
    return sum(e.count or 0 for e in sms if e.valid_at(now))
