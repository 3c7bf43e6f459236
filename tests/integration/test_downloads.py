"""CSV downloads over HTTP: signed, short-lived, single-use, bound to one
centre, read once into a file, then streamed."""

from __future__ import annotations

import csv
import io
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from sqlalchemy import insert
from starlette.testclient import TestClient

from sms_hub.http import build_api
from sms_hub.services import audience, downloads
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download, DownloadRefused
from sms_hub.settings import get_settings
from sms_hub.store.db import get_engine
from sms_hub.store.models import Contact, ContactList, Tenant
from tests.integration.sarbacane_support import ServerThread
from tests.support.factories import (
    add_contact_list,
    create_draft,
    db_scope,
    mobile_numbers,
)


@pytest.fixture
def http(actor) -> TestClient:
    return TestClient(build_api(get_settings()))


def _rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


async def _campaign_with_recipients(actor: Actor, count: int = 3) -> int:
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "dl", mobile_numbers(700, count))]
    )
    return campaign_id


async def test_a_signed_link_streams_the_campaigns_recipients(actor, sim, http):
    campaign_id = await _campaign_with_recipients(actor)
    url = await downloads.prepare(actor, Download.RECIPIENTS, campaign_id, "d.csv")
    response = http.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    rows = _rows(response.text)
    assert rows[0] == ["email", "mobile"]
    # a leading + is made inert for spreadsheets, as every export does
    assert [r[1] for r in rows[1:]] == ["'" + p for p in mobile_numbers(700, 3)]


async def test_forged_expired_or_foreign_links_are_refused(actor, sim, http):
    campaign_id = await _campaign_with_recipients(actor)
    url = downloads.link_for(actor, Download.RECIPIENTS, str(campaign_id), "d.csv")
    payload, signature = url.removeprefix(downloads.ROUTE_PREFIX).split(".")
    tampered = downloads.ROUTE_PREFIX + payload[:-2] + "xx." + signature
    for bad in (tampered, url + "x", downloads.ROUTE_PREFIX + "nothing"):
        response = http.get(bad)
        assert response.status_code == 404
        assert "n'est plus valide" in response.text
    late = time.time() + downloads.LINK_SECONDS + 1
    with pytest.raises(DownloadRefused):
        downloads.open_link(url.removeprefix(downloads.ROUTE_PREFIX), late)

    with db_scope() as session:
        other = Tenant(slug="autre", name="Autre centre")
        session.add(other)
        session.flush()
        stranger = Actor(tenant_id=other.id or 0, user="x@autre.fr")
    foreign = downloads.link_for(stranger, Download.RECIPIENTS, str(campaign_id), "d")
    assert http.get(foreign).status_code == 403


async def test_an_import_report_is_kept_and_served_to_its_centre_only(actor, http):
    report_id = downloads.keep_report(
        actor, ["\ufeffLigne;Motif\r\n", "2;invalide\r\n"]
    )
    url = downloads.link_for(actor, Download.IMPORT_REPORT, report_id, "r.csv")
    assert _rows(http.get(url).text) == [["Ligne", "Motif"], ["2", "invalide"]]
    stranger = Actor(tenant_id=actor.tenant_id + 1, user="x@autre.fr")
    foreign = downloads.link_for(stranger, Download.IMPORT_REPORT, report_id, "r")
    assert http.get(foreign).status_code == 403


async def test_malformed_links_answer_404_in_french(actor, sim):
    http = TestClient(build_api(get_settings()), raise_server_exceptions=False)
    campaign_id = await _campaign_with_recipients(actor)
    url = downloads.link_for(actor, Download.RECIPIENTS, str(campaign_id), "d.csv")
    payload, signature = url.removeprefix(downloads.ROUTE_PREFIX).split(".")
    signed_junk = [  # correctly signed, but not a link's claims
        text + "." + downloads._signature(text)
        for text in ("!!!不是base64", "YWJj", downloads._encode(b'{"k":"x"}'))
    ]
    for bad in (
        f"{payload}.{signature[:-1]}é",  # non-ASCII signature
        f"{payload}.é{signature}",
        f"é{payload}.{signature}",  # non-ASCII payload
        f"{payload}.{signature}".encode("ascii")[:-7].decode(),  # truncated
        payload,  # no signature at all
        f"{payload}.",
        f".{signature}",
        f"{payload}.{signature}.{signature}",  # extra segments
        f"{payload}.{signature}/extra",
        f"{payload}/{signature}",
        f"{payload}.{signature}%00",
        f"{payload}=.{signature}",  # bad base64
        "%%%.***",
        *signed_junk,
    ):
        response = http.get(downloads.ROUTE_PREFIX + bad)
        assert response.status_code == 404, bad
        assert "n'est plus valide" in response.text, bad
    # the genuine link still works after all that
    assert http.get(url).status_code == 200


async def test_a_link_serves_once_then_answers_410(actor, sim, http):
    campaign_id = await _campaign_with_recipients(actor)
    url = await downloads.prepare(actor, Download.RECIPIENTS, campaign_id, "d.csv")
    assert http.head(url).status_code == 405  # a link checker does not use it up
    assert http.get(url).status_code == 200
    again = http.get(url)
    assert again.status_code == 410
    assert again.text == downloads.ALREADY_USED
    assert "déjà servi" in again.text
    # an import report's link too
    report_id = downloads.keep_report(actor, "\ufeffLigne;Motif\r\n")
    report = downloads.link_for(actor, Download.IMPORT_REPORT, report_id, "r.csv")
    assert http.get(report).status_code == 200
    assert http.get(report).status_code == 410
    # a new link for the same file works (the page makes one per click)
    fresh = await downloads.prepare(actor, Download.RECIPIENTS, campaign_id, "d.csv")
    assert http.get(fresh).status_code == 200


# --- slow clients -------------------------------------------------------------

#: Far more than the loopback socket buffers hold (a few MB with a client
#: reading nothing), so a stream to a client that stops reading stays open.
BIG_LIST_ROWS = 150_000


def _big_list(actor: Actor) -> int:
    with db_scope() as session:
        contact_list = ContactList(
            tenant_id=actor.tenant_id, name="Grande liste", contact_count=BIG_LIST_ROWS
        )
        session.add(contact_list)
        session.flush()
        session.execute(
            insert(Contact),
            [
                {
                    "list_id": contact_list.id,
                    "phone": f"+336{i:08d}",
                    "email": f"stagiaire.{i:06d}@grande-liste.fr",
                    "last_name": f"Nom{i:06d}",
                    "first_name": "Prénom",
                }
                for i in range(BIG_LIST_ROWS)
            ],
        )
        return contact_list.id or 0


@contextmanager
def _stalled(port: int, url: str) -> Iterator[tuple[int, bytes]]:
    """A client that asks for ``url``, reads the head and a first byte of the
    body (when there is one), then reads nothing more until closed."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(60)
    sock.connect(("127.0.0.1", port))
    try:
        sock.sendall(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        received = b""
        while b"\r\n\r\n" not in received or received.endswith(b"\r\n\r\n"):
            chunk = sock.recv(1024)
            if not chunk:
                break
            received += chunk
        status = int(received.split(b" ", 2)[1])
        yield status, received.partition(b"\r\n\r\n")[2]
    finally:
        sock.close()


async def test_stalled_streams_hold_no_database_connection(actor):
    list_id = _big_list(actor)
    engine = get_engine(get_settings().database_url)
    users = [Actor(actor.tenant_id, f"lent{i}@centre.fr") for i in range(5)]
    with ServerThread(build_api(get_settings())) as server, ExitStack() as streams:
        for user in users:
            url = await downloads.prepare(user, Download.CONTACTS, list_id, "c.csv")
            status, body = streams.enter_context(_stalled(server.port, url))
            assert status == 200
            assert "\ufeff".encode() in body  # the file has started
        # five clients stopped reading in the middle of their file: they hold
        # no database connection, so another centre's query never waits on them
        assert engine.pool.checkedout() == 0
        with db_scope() as session:
            assert session.get(Tenant, actor.tenant_id) is not None


async def test_a_fourth_concurrent_download_of_a_user_is_refused(actor):
    list_id = _big_list(actor)
    with ServerThread(build_api(get_settings())) as server, ExitStack() as streams:
        for _ in range(downloads.MAX_CONCURRENT_PER_USER):
            url = await downloads.prepare(actor, Download.CONTACTS, list_id, "c.csv")
            status, _ = streams.enter_context(_stalled(server.port, url))
            assert status == 200
        url = await downloads.prepare(actor, Download.CONTACTS, list_id, "c.csv")
        refused = httpx.get(server.url + url, timeout=30)
        assert refused.status_code == 429
        assert refused.text == downloads.TOO_MANY
        assert "Trop de téléchargements en cours" in refused.text
        # another user of the centre is not held back by this one
        other = Actor(actor.tenant_id, "collegue@centre.fr")
        url = await downloads.prepare(other, Download.CONTACTS, list_id, "c.csv")
        with _stalled(server.port, url) as (status, _):
            assert status == 200
