"""CSV downloads over HTTP: short-lived signed links bound to a centre and a user.

A page asks for a link (``link_for``) and hands it to the browser; the HTTP
route (``sms_hub/http.py``) checks it (``open_link``) and streams the file
(``stream``), rows read from the database in batches. No file's content goes
through the websocket or sits in a Reflex state. A link names its kind, the
centre, the user, the object and its expiry, signed with HMAC-SHA256 under a
key derived from ``SECRETS_KEY``: any worker can check it, and a link of one
centre never reads another centre's rows (every query is scoped by the
link's centre).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sms_hub.domain.contacts_csv import csv_lines
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import ServiceError
from sms_hub.services.guard import campaign_for, load_contact_list
from sms_hub.settings import get_settings
from sms_hub.store import contact_queries, queries, secret_box
from sms_hub.store.db import session_scope

ROUTE_PREFIX = "/telechargements/"
LINK_SECONDS = 300
REFUSED = (
    "Ce lien de téléchargement n'est plus valide : relancez l'export depuis la page."
)
_PURPOSE = "sms-hub download links v1"


class Download(StrEnum):
    RECIPIENTS = "destinataires"
    CONTACTS = "contacts"
    STATISTICS = "statistiques"
    IMPORT_REPORT = "rapport"


class DownloadRefused(ServiceError):
    def __init__(self) -> None:
        super().__init__(REFUSED)


@dataclass(frozen=True)
class DownloadLink:
    """What a valid link allows: this file, for this centre and user."""

    kind: Download
    actor: Actor
    object_id: str
    filename: str


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    key = secret_box.derived_key(_PURPOSE)
    return _encode(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def link_for(actor: Actor, kind: Download, object_id: str, filename: str) -> str:
    """A signed, short-lived URL (same origin) to download one CSV."""
    claims = {
        "k": kind.value,
        "t": actor.tenant_id,
        "u": actor.user,
        "o": str(object_id),
        "f": filename,
        "e": int(time.time()) + LINK_SECONDS,
    }
    payload = _encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{ROUTE_PREFIX}{payload}.{_signature(payload)}"


def open_link(token: str, now: float | None = None) -> DownloadLink:
    """The download a token allows; ``DownloadRefused`` if forged or expired."""
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(payload)):
        raise DownloadRefused()
    try:
        claims = json.loads(_decode(payload))
        kind = Download(claims["k"])
        actor = Actor(tenant_id=int(claims["t"]), user=str(claims["u"]))
        link = DownloadLink(kind, actor, str(claims["o"]), str(claims["f"]))
        expired = int(claims["e"]) < (time.time() if now is None else now)
    except (ValueError, KeyError, TypeError) as error:
        raise DownloadRefused() from error
    if expired:
        raise DownloadRefused()
    return link


RECIPIENTS_HEADER = ("email", "mobile")
STATISTICS_HEADER = ("email", "mobile", "statut")
CONTACTS_HEADER = ("Nom", "Prénom", "Email", "Téléphone")
REPORT_HEADER = ("Ligne", "Motif", "Numéro lu", "Détail")


def check(link: DownloadLink) -> None:
    """Raise ``NotFound``/``NotAllowed`` before streaming when the object is gone."""
    if link.kind in (Download.RECIPIENTS, Download.STATISTICS):
        campaign_for(link.actor, int(link.object_id))
    elif link.kind is Download.CONTACTS:
        with session_scope(get_settings().database_url) as session:
            load_contact_list(session, link.actor, int(link.object_id))
    elif not _report_path(link).exists():
        raise DownloadRefused()


def stream(link: DownloadLink) -> Iterator[str]:
    """The CSV, a chunk at a time (blocking: the route runs it in a thread)."""
    if link.kind is Download.IMPORT_REPORT:
        yield from _report_chunks(link)
        return
    with session_scope(get_settings().database_url) as session:
        tenant_id, object_id = link.actor.tenant_id, int(link.object_id)
        if link.kind is Download.CONTACTS:
            rows = (
                (last, first, email, phone)
                for phone, email, last, first in contact_queries.list_contacts(
                    session, tenant_id, object_id
                )
            )
            yield from csv_lines(rows, CONTACTS_HEADER)
        elif link.kind is Download.RECIPIENTS:
            recipients = queries.campaign_recipients(session, tenant_id, object_id)
            yield from csv_lines(
                ((email, phone) for email, phone, _ in recipients), RECIPIENTS_HEADER
            )
        else:
            from sms_hub.services.statistics import outcome_label

            recipients = queries.campaign_recipients(session, tenant_id, object_id)
            yield from csv_lines(
                (
                    (email or "", phone, outcome_label(outcome))
                    for email, phone, outcome in recipients
                ),
                STATISTICS_HEADER,
            )


# --- import reports: kept in a file of the data directory for a while -------


def _reports_dir() -> Path:
    folder = get_settings().data_dir / "import-reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _report_path(link: DownloadLink) -> Path:
    name = f"{link.actor.tenant_id}-{link.object_id}.csv"
    return _reports_dir() / name


REPORT_KEPT_SECONDS = 24 * 3600


def _forget_old_reports(now: float) -> None:
    for old in _reports_dir().glob("*.csv"):
        if now - old.stat().st_mtime > REPORT_KEPT_SECONDS:
            old.unlink(missing_ok=True)


def keep_report(actor: Actor, chunks: Iterable[str]) -> str:
    """Store an import's report for its download (a day at most), written a
    chunk at a time as ``chunks`` come; returns its id."""
    _forget_old_reports(time.time())
    report_id = uuid.uuid4().hex
    target = _reports_dir() / f"{actor.tenant_id}-{report_id}.csv"
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=_reports_dir(), delete=False, suffix=".part"
    ) as out:
        try:
            out.writelines(chunks)
        except BaseException:
            out.close()
            Path(out.name).unlink(missing_ok=True)
            raise
    Path(out.name).replace(target)
    return report_id


def _report_chunks(link: DownloadLink) -> Iterator[str]:
    with _report_path(link).open(encoding="utf-8") as source:
        while chunk := source.read(64 * 1024):
            yield chunk


async def prepare(
    actor: Actor, kind: Download, object_id: int | str, filename: str
) -> str:
    """Check the object is the actor's, then give the signed link for it."""
    link = DownloadLink(kind, actor, str(object_id), filename)
    await in_thread(check, link)
    return link_for(actor, kind, str(object_id), filename)


def whole_file(actor: Actor, kind: Download, object_id: int | str) -> str:
    """The same CSV as one string (blocking): for small files and tests."""
    link = DownloadLink(kind, actor, str(object_id), "")
    check(link)
    return "".join(stream(link))
