"""CSV downloads over HTTP: signed, short-lived, bound to one centre, streamed."""

from __future__ import annotations

import csv
import io
import time

import pytest
from starlette.testclient import TestClient

from sms_hub.http import build_api
from sms_hub.services import audience, downloads
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download, DownloadRefused
from sms_hub.settings import get_settings
from sms_hub.store.models import Tenant
from tests.integration.test_audience_and_sending import _draft, _list, _phones, _scope

pytest_plugins = ["tests.integration.app_fixtures"]


@pytest.fixture
def http(actor) -> TestClient:
    return TestClient(build_api(get_settings()))


def _rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


async def _campaign_with_recipients(actor: Actor, count: int = 3) -> int:
    campaign_id = await _draft(actor)
    await audience.import_lists(
        actor, campaign_id, [_list(actor, "dl", _phones(700, count))]
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
    assert [r[1] for r in rows[1:]] == ["'" + p for p in _phones(700, 3)]


async def test_forged_expired_or_foreign_links_are_refused(actor, sim, http):
    campaign_id = await _campaign_with_recipients(actor)
    url = downloads.link_for(actor, Download.RECIPIENTS, str(campaign_id), "d.csv")
    payload, signature = url.removeprefix(downloads.ROUTE_PREFIX).split(".")
    tampered = downloads.ROUTE_PREFIX + payload[:-2] + "xx." + signature
    for bad in (tampered, url + "x", downloads.ROUTE_PREFIX + "nothing"):
        response = http.get(bad)
        assert response.status_code == 403
        assert "n'est plus valide" in response.text
    with pytest.raises(DownloadRefused):
        downloads.open_link(url.removeprefix(downloads.ROUTE_PREFIX), time.time() + 301)

    with _scope() as session:
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
