"""What the operator reads without the code: ``/_metrics`` (Prometheus, behind
``METRICS_TOKEN``) and ``/_health`` (this worker's poller), on the app's own
HTTP surface, after a real poller cycle and real Sarbacane calls."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.testclient import TestClient

from sms_hub import logs, metrics
from sms_hub.http import build_api
from sms_hub.services import contact_lists, downloads, sending, sync, unsubscribes
from sms_hub.services.downloads import Download
from sms_hub.services.errors import GatewayError
from sms_hub.settings import load_settings
from tests.integration.sarbacane_support import API_KEY
from tests.support.factories import launched_campaign, mobile_numbers

TOKEN = "scrape-token-0123456789abcdef"
WITHIN = 30.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watch(monkeypatch) -> metrics.PollerWatch:
    """This worker's poller watch, fresh, on a clock the test moves."""
    fresh = metrics.PollerWatch(clock=FakeClock())
    monkeypatch.setattr(metrics, "POLLER", fresh)
    return fresh


def _surface(monkeypatch, **env: str) -> TestClient:
    monkeypatch.delenv("METRICS_TOKEN", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return TestClient(build_api(load_settings()))


async def _one_cycle(watch: metrics.PollerWatch) -> None:
    """Run this worker's poller until it has finished one cycle."""
    poller = asyncio.create_task(sync.run_poller(holder="ops-test", watch=watch))
    try:
        deadline = time.monotonic() + WITHIN
        while watch.last_cycle_end is None:
            assert not poller.done(), poller.exception()
            assert time.monotonic() < deadline, "no poller cycle ended"
            await asyncio.sleep(0.02)
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller


def test_without_a_token_there_is_no_metrics_endpoint(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert _surface(monkeypatch).get("/_metrics").status_code == 404


def test_the_metrics_endpoint_wants_the_bearer_token(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    client = _surface(monkeypatch, METRICS_TOKEN=TOKEN)
    assert client.get("/_metrics").status_code == 401
    wrong = {"authorization": f"Bearer {TOKEN}x"}
    assert client.get("/_metrics", headers=wrong).status_code == 401
    assert client.get("/_metrics", headers={"authorization": TOKEN}).status_code == 401
    good = client.get("/_metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert good.status_code == 200
    assert good.headers["content-type"].startswith("text/plain")
    assert "sms_hub_sarbacane_calls_total" in good.text


@pytest.fixture
def json_logs():
    stream = io.StringIO()
    handler = logs.configure("json", stream)
    yield stream
    logging.getLogger().removeHandler(handler)


async def test_the_scrape_after_a_cycle_names_the_poller_sarbacane_and_the_centre(
    actor, sim, watch, monkeypatch, json_logs
):
    # The refused key makes the cycle's unsubscribe-list read fail too: the
    # process remembers such a failure, so this test's memory is its own.
    monkeypatch.setattr(unsubscribes, "_failed_at", {})
    campaign_id = await launched_campaign(actor)  # pushes a batch, then sends: calls ok
    sim.set_faults(force_unauthorized=True)  # the centre's key no longer works
    with pytest.raises(GatewayError):
        await sending.cancel(actor, campaign_id)
    await _one_cycle(watch)

    client = _surface(monkeypatch, METRICS_TOKEN=TOKEN)
    scrape = client.get("/_metrics", headers={"authorization": f"Bearer {TOKEN}"})

    assert scrape.status_code == 200
    text = scrape.text
    assert "sms_hub_poller_cycle_seconds_count" in text
    assert "sms_hub_poller_lag_seconds 0.0" in text  # the clock has not moved
    assert 'sms_hub_poller_leader_changes_total{change="gained"}' in text
    assert (
        'sms_hub_sarbacane_calls_total{operation="POST /campaigns/{id}/send",'
        'outcome="ok"}' in text
    )
    assert (
        'sms_hub_sarbacane_calls_total{operation="GET /campaigns",outcome="API_KEY_UNAUTHORIZED"}'
        in text
    )
    assert 'sms_hub_centre_failures_total{centre="test",source="poll"}' in text
    assert 'sms_hub_centre_failures_total{centre="test",source="action"}' in text
    assert "sms_hub_push_batches_total" in text
    assert "sms_hub_recipients_pushed_total" in text
    assert "sms_hub_connected_tabs" in text
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    poll = [line for line in lines if line["event"].startswith("status poll:")]
    assert poll and poll[0]["centre"] == "test"
    assert poll[0]["level"] == "WARNING"
    for secret in (API_KEY, TOKEN, *mobile_numbers(0, 3)):
        assert secret not in text
        assert secret not in json_logs.getvalue()
    watch.clock.now += 7.5
    later = client.get("/_metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert "sms_hub_poller_lag_seconds 7.5" in later.text


async def test_health_turns_red_when_the_leader_is_silent_for_three_cycles(
    actor, sim, watch, monkeypatch
):
    await launched_campaign(actor)
    await _one_cycle(watch)
    client = _surface(monkeypatch)
    interval = watch.interval

    fresh = client.get("/_health")
    assert fresh.status_code == 200
    body = fresh.json()
    assert body["status"] is True
    assert body["poller_leader"] is True
    assert body["last_cycle_end"] == time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(watch.clock.now)
    )

    watch.clock.now += 3 * interval  # three cycles: still within
    assert client.get("/_health").status_code == 200
    watch.clock.now += 1
    stuck = client.get("/_health")
    assert stuck.status_code == 503
    body = stuck.json()
    assert body["status"] is False
    assert body["poller_leader"] is True
    assert "finished no cycle" in body["reason"]


def test_a_worker_that_does_not_lead_the_poller_is_healthy(watch, monkeypatch):
    watch.poller_started(2.0)
    watch.leadership(False)
    watch.clock.now += 3600
    client = _surface(monkeypatch)
    answer = client.get("/_health")
    assert answer.status_code == 200
    assert answer.json()["poller_leader"] is False
    assert answer.json()["last_cycle_end"] is None


def test_a_new_leader_is_judged_from_the_moment_it_took_the_lease(watch, monkeypatch):
    watch.poller_started(2.0)
    watch.clock.now += 3600  # an hour as a follower
    watch.leadership(True)
    client = _surface(monkeypatch)
    assert client.get("/_health").status_code == 200
    watch.clock.now += 7
    assert client.get("/_health").status_code == 503


def test_health_keeps_reflexs_own_checks(watch, monkeypatch, tmp_path):
    async def database_down(_request: Request) -> JSONResponse:
        return JSONResponse({"status": False, "db": False}, status_code=503)

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    client = TestClient(build_api(load_settings(), base_health=database_down))
    answer = client.get("/_health")
    assert answer.status_code == 503
    assert answer.json()["db"] is False
    assert answer.json()["poller_leader"] is False


_WORKER = """
from sms_hub import metrics
metrics.POLLER.poller_started(2.0)
metrics.POLLER.leadership({leads})
metrics.POLLER.cycle_started()
metrics.POLLER.cycle_ended()
metrics.CONNECTED_TABS.set(3)
metrics.sarbacane_call("GET", "/campaigns/abc/recipients", "ok")
"""


def test_with_a_multiprocess_directory_a_scrape_sums_every_worker(
    monkeypatch, tmp_path
):
    shared = tmp_path / "prometheus"
    shared.mkdir()
    for leads in (True, False):  # two workers, one of them the leader
        subprocess.run(
            [sys.executable, "-c", _WORKER.format(leads=leads)],
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)},
            check=True,
            timeout=120,
        )
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    client = _surface(
        monkeypatch, METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(shared)
    )
    text = client.get("/_metrics", headers={"authorization": f"Bearer {TOKEN}"}).text
    assert "sms_hub_connected_tabs 6.0" in text
    assert "sms_hub_poller_leader 1.0" in text
    assert "sms_hub_poller_cycle_seconds_count 2.0" in text
    assert (
        'sms_hub_sarbacane_calls_total{operation="GET /campaigns/{id}/recipients",'
        'outcome="ok"} 2.0' in text
    )
    assert "sms_hub_poller_lag_seconds " in text


CSV = (
    "Nom;Prénom;E-mail;Téléphone portable\n"
    "Dupont;Éloïse;e.dupont@exemple.fr;06 12 34 56 78\n"
    "Martin;Loïc;;+33 7 81 23 45 67\n"
    "Durand;Zoé;;01 23 45 67 89\n"
    "Dupont;Éloïse;;06.12.34.56.78\n"
)


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_imports_their_rows_and_downloads_are_counted(actor, sim, monkeypatch):
    client = _surface(monkeypatch, METRICS_TOKEN=TOKEN)

    def scrape() -> str:
        answer = client.get("/_metrics", headers={"authorization": f"Bearer {TOKEN}"})
        return answer.text

    names = (
        'sms_hub_imports_total{outcome="done"}',
        'sms_hub_import_rows_total{result="accepted"}',
        'sms_hub_import_rows_total{result="rejected"}',
        'sms_hub_downloads_total{kind="contacts"}',
    )
    before = scrape()
    row = await contact_lists.create_contact_list(actor, "Stagiaires")
    await contact_lists.import_csv(actor, row.id, io.BytesIO(CSV.encode()))
    url = await downloads.prepare(actor, Download.CONTACTS, row.id, "liste.csv")
    assert client.get(url).status_code == 200
    after = scrape()

    grown = [_sample(after, name) - _sample(before, name) for name in names]
    assert grown == [1, 2, 2, 1]
    for number in ("612345678", "781234567", "123456789"):
        assert number not in after
