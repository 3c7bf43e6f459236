"""Two backend workers on PostgreSQL and Redis: a change made in a tab held by
one worker reaches, live, a tab held by the other.

The production server runs from a copy of the project (its frontend is built
for its own port), with throwaway PostgreSQL and Redis servers and
``WORKERS=2``. Which worker holds a tab is read from Reflex's own token
records in Redis, so the test picks two tabs that really sit on different
workers instead of trusting chance.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, expect

from tests.integration.postgres_support import postgres_cluster
from tests.integration.redis_support import redis_server
from tests.support.pages import campaign_row, create_notification
from tests.support.ports import free_port
from tests.support.servers import ROOT, production_env, production_server

SOCKET_RECORD = "token_manager_socket_record_"
MAX_TABS = 12


def _project_copy(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The app with 2 workers on PostgreSQL and Redis; yields (url, redis url)."""
    with postgres_cluster() as database_url, redis_server() as redis_url:
        project = _project_copy(tmp_path_factory.mktemp("project"))
        env = production_env(
            free_port(),
            tmp_path_factory.mktemp("data"),
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            WORKERS="2",
        )
        log = tmp_path_factory.mktemp("log") / "server.log"
        with production_server(project, env, log) as server:
            yield server.url, redis_url


def _worker_of(page: Page, store: redis.Redis) -> str | None:
    """The id of the worker holding this tab's websocket (None until known)."""
    token = page.evaluate("() => window.sessionStorage.getItem('token')")
    record = store.get(SOCKET_RECORD + str(token)) if token else None
    return pickle.loads(record).instance_id if record else None


def _open(page: Page, url: str, store: redis.Redis) -> str:
    page.goto(url + "/")
    expect(page.get_by_text("Centre de formation Horizon")).to_be_visible(
        timeout=60_000
    )
    for _ in range(200):
        worker = _worker_of(page, store)
        if worker:
            return worker
        page.wait_for_timeout(50)
    raise AssertionError("the tab's worker never showed in Redis")


def test_a_change_in_a_tab_on_one_worker_shows_live_on_the_other(
    browser: Browser, two_workers
):
    url, redis_url = two_workers
    store = redis.Redis.from_url(redis_url)
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        tabs: dict[str, Page] = {}
        for _ in range(MAX_TABS):
            page = context.new_page()
            tabs.setdefault(_open(page, url, store), page)
            if len(tabs) == 2:
                break
        assert len(tabs) == 2, f"{MAX_TABS} tabs all landed on one worker"
        first, second = tabs.values()
        name = f"Deux workers {uuid.uuid4().hex[:5]}"
        create_notification(first, name)
        expect(campaign_row(second, name)).to_have_count(1, timeout=30_000)
        expect(
            campaign_row(second, name).get_by_text("Brouillon", exact=True)
        ).to_be_visible()
    finally:
        context.close()
        store.close()
