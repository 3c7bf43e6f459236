"""CSV downloads over HTTP: short-lived, single-use signed links bound to a
centre and a user.

A page asks for a link (``link_for``, one per click) and hands it to the
browser; the HTTP route (``sms_hub/http.py``) checks it (``open_link``), then
``begin`` (in a worker thread) records the link as used, reads the rows once
into an anonymous temporary file and closes its database session; only then
does the response start, streaming that file, and ``finish`` closes (so
deletes) it. A client that reads slowly holds a file, never a database
connection. No file's content goes through the websocket or sits in a Reflex
state.

A link names its kind, the centre, the user, the object, its own id and its
expiry, signed with HMAC-SHA256 under a key derived from ``SECRETS_KEY``: any
worker can check it, and a link of one centre never reads another centre's
rows (every query is scoped by the link's centre). Used links are recorded in
the database (``DownloadUse``), so that every worker refuses a second use,
and a user has at most ``MAX_CONCURRENT_PER_USER`` downloads under way across
the workers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from sms_hub.domain.contacts_csv import csv_lines
from sms_hub.domain.statistics import outcome_label
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import ServiceError
from sms_hub.services.guard import campaign_for, load_contact_list
from sms_hub.settings import get_settings
from sms_hub.store import (
    contact_queries,
    download_queries,
    recipient_queries,
    secret_box,
)
from sms_hub.store.db import transaction

ROUTE_PREFIX = "/telechargements/"
#: The page makes a link per click and the browser opens it at once.
LINK_SECONDS = 60
#: Downloads a user may have under way at once (across workers).
MAX_CONCURRENT_PER_USER = 3
#: A download not finished this long after it started (its worker stopped)
#: no longer counts among its user's downloads under way.
COUNTED_AT_MOST = timedelta(minutes=15)
REFUSED = (
    "Ce lien de téléchargement n'est plus valide : relancez l'export depuis la page."
)
ALREADY_USED = (
    "Ce lien de téléchargement a déjà servi : relancez l'export depuis la page."
)
TOO_MANY = (
    "Trop de téléchargements en cours : attendez la fin de l'un d'eux, "
    "puis relancez l'export depuis la page."
)
_PURPOSE = "sms-hub download links v1"
_CHUNK = 64 * 1024


class Download(StrEnum):
    RECIPIENTS = "destinataires"
    CONTACTS = "contacts"
    STATISTICS = "statistiques"
    IMPORT_REPORT = "rapport"
    #: A contact's data (« Données d'un contact »), kept in a file like a report.
    CONTACT_DATA = "donnees-contact"


class DownloadRefused(ServiceError):
    """A link that serves nothing, with the HTTP status to answer: 404 for a
    malformed or forged link, 410 for an expired or used one, 429 when its
    user has too many downloads under way."""

    def __init__(self, message: str = REFUSED, http_status: int = 404) -> None:
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True)
class DownloadLink:
    """What a valid link allows: this file, for this centre and user."""

    kind: Download
    actor: Actor
    object_id: str
    filename: str
    link_id: str = ""
    expires: int = 0


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    key = secret_box.derived_key(_PURPOSE)
    return _encode(hmac.new(key, payload.encode(), hashlib.sha256).digest())


#: One segment of unpadded URL-safe base64: what both halves of a link are.
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def link_for(actor: Actor, kind: Download, object_id: str, filename: str) -> str:
    """A signed, short-lived URL (same origin) to download one CSV."""
    claims = {
        "k": kind.value,
        "t": actor.tenant_id,
        "u": actor.user,
        "o": str(object_id),
        "f": filename,
        "i": uuid.uuid4().hex,
        "e": int(time.time()) + LINK_SECONDS,
    }
    payload = _encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{ROUTE_PREFIX}{payload}.{_signature(payload)}"


def open_link(token: str, now: float | None = None) -> DownloadLink:
    """The download a token allows; ``DownloadRefused`` if malformed, forged
    (404) or expired (410). Whether it was used is ``begin``'s business."""
    payload, _, signature = token.partition(".")
    if not (_SEGMENT.fullmatch(payload) and _SEGMENT.fullmatch(signature)):
        raise DownloadRefused()
    expected = _signature(payload).encode("ascii")
    if not hmac.compare_digest(signature.encode("ascii"), expected):
        raise DownloadRefused()
    try:
        claims = json.loads(_decode(payload))
        kind = Download(claims["k"])
        actor = Actor(tenant_id=int(claims["t"]), user=str(claims["u"]))
        expires = int(claims["e"])
        link = DownloadLink(
            kind,
            actor,
            str(claims["o"]),
            str(claims["f"]),
            link_id=str(claims["i"]),
            expires=expires,
        )
    except (ValueError, KeyError, TypeError) as error:
        raise DownloadRefused() from error
    if expires < (time.time() if now is None else now):
        raise DownloadRefused(http_status=410)
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
        with transaction() as session:
            load_contact_list(session, link.actor, int(link.object_id))
    elif not _report_path(link).exists():
        raise DownloadRefused(http_status=403)


def stream(link: DownloadLink) -> Iterator[str]:
    """The CSV, a chunk at a time (blocking), read within one session."""
    if link.kind in (Download.IMPORT_REPORT, Download.CONTACT_DATA):
        yield from _report_chunks(link)
        return
    with transaction() as session:
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
            recipients = recipient_queries.campaign_recipients(
                session, tenant_id, object_id
            )
            yield from csv_lines(
                ((email, phone) for email, phone, _ in recipients), RECIPIENTS_HEADER
            )
        else:
            recipients = recipient_queries.campaign_recipients(
                session, tenant_id, object_id
            )
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
        while chunk := source.read(_CHUNK):
            yield chunk


# --- one download: the link used, the file read once, then sent -----------


@dataclass
class Prepared:
    """A download under way: its file, open at its start, and its size."""

    link: DownloadLink
    file: BinaryIO
    size: int

    def read_chunk(self) -> bytes:
        return self.file.read(_CHUNK)


def _downloads_dir() -> Path:
    folder = get_settings().data_dir / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _start(link: DownloadLink) -> None:
    with transaction() as session:
        started = download_queries.start_download(
            session,
            link_id=link.link_id,
            tenant_id=link.actor.tenant_id,
            user=link.actor.user,
            expires_at=datetime.fromtimestamp(link.expires, UTC),
            most=MAX_CONCURRENT_PER_USER,
            counted_for=COUNTED_AT_MOST,
        )
        if started is download_queries.Start.BUSY:
            session.rollback()  # the link stays unused
    if started is download_queries.Start.USED:
        raise DownloadRefused(ALREADY_USED, http_status=410)
    if started is download_queries.Start.BUSY:
        raise DownloadRefused(TOO_MANY, http_status=429)


def _written(link: DownloadLink) -> BinaryIO:
    """The CSV read once into an anonymous temporary file (gone once closed)."""
    # closed by ``finish`` once sent (or just below on failure)
    out = tempfile.TemporaryFile(dir=_downloads_dir())  # noqa: SIM115
    try:
        with closing(stream(link)) as chunks:  # its session closes here
            for chunk in chunks:
                out.write(chunk.encode("utf-8"))
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out


def begin(link: DownloadLink) -> Prepared:
    """Use the link (once), then read its file (blocking: run in a thread).

    ``DownloadRefused`` when used already or too many of its user's downloads
    are under way; ``NotFound``/``NotAllowed`` when the object is gone. No
    database session is left open: the caller streams ``Prepared.file`` and
    then calls ``finish``.
    """
    _start(link)
    try:
        check(link)
        if link.kind is Download.IMPORT_REPORT:
            file: BinaryIO = _report_path(link).open("rb")  # kept: not deleted
        else:
            file = _written(link)
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    except BaseException:
        _finished(link)
        raise
    return Prepared(link, file, size)


def _finished(link: DownloadLink) -> None:
    with transaction() as session:
        download_queries.finish_download(session, link.link_id)


def finish(prepared: Prepared) -> None:
    """The download ended (sent or abandoned): its temporary file is deleted
    and it no longer counts among its user's downloads (blocking)."""
    prepared.file.close()
    _finished(prepared.link)


async def prepare(
    actor: Actor, kind: Download, object_id: int | str, filename: str
) -> str:
    """Check the object is the actor's, then give the signed link for it."""
    link = DownloadLink(kind, actor, str(object_id), filename)
    await in_thread(check, link)
    return link_for(actor, kind, str(object_id), filename)
