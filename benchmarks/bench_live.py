"""Live page under load: status-change latency and click round trips.

Starts the production server (``reflex run --env prod``, temporary data
directory, built-in simulator, ``POLL_INTERVAL_SECONDS=1``) and opens the page
in the system Chromium. Live status is pushed: the poller (or a user's
action) bumps the centre's feed, Reflex pushes the new version to the
centre's open tabs, and each of them reloads its rows.

(a) Status-change latency: creates campaigns through the services (one
recipient each) and launches them a little apart, so that their transitions
fall at every phase of the poll. The simulator's timeline fixes when each
campaign becomes ``ROUTING`` (send time + moderation) and ``FINISH``
(+ 1 / recipients-per-second), read from its SQLite file; a
MutationObserver in the open tab stamps when each badge text changes.
Latency = badge change - simulator state change (target p95 < 2 s).

(b) Click -> UI round trip: in the same tab, clicks the "Trier par nom"
header and waits (in the page) until the table is re-sorted; alone first,
then while 49 other tabs keep the page open (target p95 < 300 ms): idle
first, then while one of them launches a campaign every second (each
launch, then each of its status changes, is pushed to every tab, which
reloads its rows). The other tabs are simulated (``benchmarks/_fake_tabs.py``:
websocket clients that hydrate, load the page, then only answer pushes);
``--browser-clients`` makes them real browser tabs instead (no launches).

Run with ``python -m benchmarks.bench_live`` (about one minute once the
frontend is built; the first build of ``.web/`` takes longer).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._fake_tabs import TabFleet
from benchmarks._harness import mobiles, settings_from, verdict
from benchmarks._server import (
    Server,
    cpu_seconds,
    group_pids,
    machine_busy_seconds,
    production_server,
)
from tests.support.pages import CHROMIUM, CHROMIUM_ARGS

BENCH_CHROMIUM_ARGS = [
    *CHROMIUM_ARGS,
    # Keep every tab running as a visible one would.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
HEADING = "Gestion des campagnes de SMSing"
MODERATION_S = 3.0
RECIPIENTS_PER_SECOND = 0.2  # one recipient: ROUTING lasts 5 s, then FINISH
LATENCY_TARGET_S = 2.0
ROUND_TRIP_TARGET_MS = 300.0

RECEIVED = "Reçue par le serveur d'envoi"
SENDING = "Envoi en cours"
FINISHED = "Envoi terminé"

OBSERVE_BADGES = """
() => {
  window.__badges = [];
  const last = {};
  const scan = () => {
    const t = performance.timeOrigin + performance.now();
    for (const row of document.querySelectorAll('tr.campaign-row')) {
      const name = row.querySelector('th')?.textContent?.trim();
      const badge = row.querySelector('.status-badge')?.textContent?.trim();
      if (name && badge !== undefined && last[name] !== badge) {
        last[name] = badge;
        window.__badges.push({name, badge, t});
      }
    }
  };
  scan();
  new MutationObserver(scan).observe(document.body,
    {subtree: true, childList: true, characterData: true});
}
"""

_SORT_ROUND_TRIP = """
async () => {
  const header = () => document.querySelector('button[aria-label="Trier par nom"]')
    .closest('th');
  const first = () => document.querySelector('tr.campaign-row th')?.textContent;
  const sortBefore = header().getAttribute('aria-sort');
  const firstBefore = first();
  return await new Promise((resolve) => {
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      observer.disconnect();
      resolve(value);
    };
    const started = performance.now();
    const check = () => {
      if (header().getAttribute('aria-sort') !== sortBefore
          && first() !== firstBefore) {
        finish(performance.now() - started);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body,
      {subtree: true, childList: true, attributes: true, characterData: true});
    document.querySelector('button[aria-label="Trier par nom"]').click();
    setTimeout(() => finish(-1), 10000);
  });
}
"""


# -- the services of this process, pointed at the server's data ---------------


class Loop:
    """An asyncio loop in a thread: the services' calls from sync Playwright code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def submit(self, coro) -> Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro, timeout: float = 120) -> Any:
        return self.submit(coro).result(timeout)

    def close(self) -> None:
        from sms_hub.sarbacane import close_clients

        self.run(close_clients())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@contextmanager
def services_of(server: Server) -> Iterator[None]:
    """Make this process's settings read the server's database and simulator."""
    names = ("PORT", "DATA_DIR", "DATABASE_URL", "SARBACANE_API_URL", "DEMO_MODE")
    with settings_from({name: server.env.get(name) for name in names}):
        yield


def demo_actor():
    from sms_hub.services.context import Actor
    from sms_hub.services.tenants import _ensure_demo_tenant
    from sms_hub.settings import get_settings

    tenant_id, _name, _mention = _ensure_demo_tenant()
    return Actor(tenant_id=tenant_id, user=get_settings().demo_user)


def one_contact_list(actor, name: str) -> int:
    from sms_hub.settings import get_settings
    from sms_hub.store import contact_queries
    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Contact

    with session_scope(get_settings().database_url) as session:
        contact_list = contact_queries.create_contact_list(
            session, actor.tenant_id, name
        )
        contact_list.contact_count = 1
        session.add(
            Contact(list_id=contact_list.id or 0, phone=mobiles(1)[0], email=None)
        )
        return contact_list.id or 0


async def prepare_campaigns(actor, names: list[str], list_id: int) -> list[int]:
    """Drafts with one recipient each (pushed to the simulator), created in turn."""
    from sms_hub.domain.campaign import NewCampaign
    from sms_hub.services import audience
    from sms_hub.services import campaigns as campaign_service

    ids = []
    for name in names:
        row = await campaign_service.create_campaign(
            actor,
            NewCampaign.from_form(
                name, "SMS_NOTIFICATION", "CentreForm", "Votre session commence."
            ),
        )
        await audience.import_lists(actor, row.id, [list_id])
        ids.append(row.id)
    return ids


async def launch_spread(actor, ids: list[int], gap_s: float) -> list[float]:
    """Launch each campaign now, ``gap_s`` apart; when each launch returned."""
    from sms_hub.services import sending

    returned = []
    for campaign_id in ids:
        started = time.monotonic()
        await sending.launch(actor, campaign_id, None)
        returned.append(time.time())
        await asyncio.sleep(max(0.0, gap_s - (time.monotonic() - started)))
    return returned


def timelines(server: Server, actor, ids: list[int]) -> dict[str, tuple[float, float]]:
    """Campaign name -> (ROUTING time, FINISH time), from the simulator's sends."""
    from sms_hub.settings import get_settings
    from sms_hub.store import campaign_queries
    from sms_hub.store.db import session_scope

    with session_scope(get_settings().database_url) as session:
        campaigns = [
            campaign_queries.campaign_by_id(session, actor.tenant_id, cid)
            for cid in ids
        ]
    db = sqlite3.connect(f"file:{server.simulator_path}?mode=ro", uri=True)
    try:
        result = {}
        for campaign in campaigns:
            assert campaign is not None
            start_at, moderation, rate = db.execute(
                "SELECT start_at, moderation_seconds, recipients_per_second"
                " FROM sends WHERE campaign_id = ? ORDER BY created DESC LIMIT 1",
                (campaign.sarbacane_id,),
            ).fetchone()
            routing = start_at + moderation
            result[campaign.name] = (routing, routing + 1 / rate)
    finally:
        db.close()
    return result


# -- figures -----------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def describe(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    if not values:
        return "no sample"
    scaled = [v * scale for v in values]
    digits = 0 if unit == "ms" else 2
    return (
        f"p50 {percentile(scaled, 0.5):.{digits}f} {unit}, "
        f"p95 {percentile(scaled, 0.95):.{digits}f} {unit}, "
        f"max {max(scaled):.{digits}f} {unit} (n={len(scaled)}, "
        f"mean {statistics.fmean(scaled):.{digits}f} {unit})"
    )


# -- the other tabs -----------------------------------------------------------


def frames_of(page) -> dict[str, str]:
    """Record what the tab sends on connecting and on a push (for simulated tabs).

    ``connect``: the Socket.IO connect carrying the boot event (hydrate, then
    the page's on_load); ``follow``: ``follow_changes``, sent when the feed's
    version changes (and once when the page mounts).
    """
    frames: dict[str, str] = {}

    def on_websocket(ws) -> None:
        def sent(payload) -> None:
            text = payload if isinstance(payload, str) else ""
            if text.startswith("40/_event,") and "connect" not in frames:
                frames["connect"] = text
            elif ".follow_changes" in text and "follow" not in frames:
                frames["follow"] = text

        ws.on("framesent", sent)

    page.on("websocket", on_websocket)
    return frames


def wait_for_frames(page, frames: dict[str, str], limit_s: float = 10) -> None:
    deadline = time.monotonic() + limit_s
    while ("connect" not in frames or "follow" not in frames) and (
        time.monotonic() < deadline
    ):
        page.wait_for_timeout(100)
    if "connect" not in frames or "follow" not in frames:
        raise RuntimeError(f"the tab's frames were not seen: {sorted(frames)}")


# -- the two measurements -------------------------------------------------


def status_latency(page, server: Server, loop: Loop, samples: int) -> bool:
    actor = loop.run(asyncio.to_thread(demo_actor))
    list_id = loop.run(asyncio.to_thread(one_contact_list, actor, "Latence"))
    names = [f"Latence {i:02d}" for i in range(1, samples + 1)]
    started = time.monotonic()
    ids = loop.run(prepare_campaigns(actor, names, list_id), timeout=300)
    print(
        f"  {samples} campaigns created and given 1 recipient each in "
        f"{time.monotonic() - started:.1f} s"
    )
    # Campaigns made outside any tab push nothing: load the page again.
    page.reload()
    page.wait_for_function(
        "n => document.querySelectorAll('tr.campaign-row').length >= n",
        arg=samples,
        timeout=30_000,
    )
    page.evaluate(OBSERVE_BADGES)
    # Spread the launches over several poll periods (1 s).
    loop.run(launch_spread(actor, ids, 0.37), timeout=300)
    wait_until_finished([page], names, MODERATION_S + 1 / RECIPIENTS_PER_SECOND + 30)
    timeline = loop.run(asyncio.to_thread(timelines, server, actor, ids))
    seen = badge_latencies(page.evaluate("window.__badges"), timeline)
    both = seen.to_routing + seen.to_finish
    ok = bool(both) and percentile(both, 0.95) < LATENCY_TARGET_S and not seen.missing
    print(
        "(a) status change -> badge in the open tab (poll every 1 s, then "
        f"pushed; simulator moderation {MODERATION_S:.0f} s, routing "
        f"{1 / RECIPIENTS_PER_SECOND:.0f} s):"
    )
    print(f"    MODERATION -> ROUTING ('{SENDING}'): {describe(seen.to_routing)}")
    print(f"    ROUTING -> FINISH ('{FINISHED}'):   {describe(seen.to_finish)}")
    print(
        f"    all {len(both)} transitions: {describe(both)} (target p95 < "
        f"{LATENCY_TARGET_S:.0f} s: {verdict(ok)})"
    )
    if seen.skipped or seen.missing:
        print(
            f"    {seen.skipped} badge(s) went straight to '{FINISHED}', "
            f"{seen.missing} never reached it"
        )
    return ok


def wait_until_finished(pages: list, names: list[str], limit_s: float) -> None:
    """Until every campaign named shows "Envoi terminé" in one of the pages."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        finished = set()
        for page in pages:
            badges = page.evaluate("window.__badges")
            finished |= {b["name"] for b in badges if b["badge"].startswith(FINISHED)}
        if finished >= set(names):
            return
        pages[0].wait_for_timeout(250)


@dataclass
class BadgeLatencies:
    """Badge shown - simulator state change, per transition seen in one tab."""

    to_routing: list[float]
    to_finish: list[float]
    skipped: int  # went straight to FINISH (ROUTING never shown)
    missing: int  # never reached FINISH


def badge_latencies(
    badges: list[dict], timeline: dict[str, tuple[float, float]]
) -> BadgeLatencies:
    """For the campaigns of ``timeline`` the tab showed (``window.__badges``)."""
    first: dict[tuple[str, str], float] = {}
    for badge in badges:
        for label in (SENDING, FINISHED):
            if badge["badge"].startswith(label):
                first.setdefault((badge["name"], label), badge["t"] / 1000)
    shown = {badge["name"] for badge in badges}
    seen = BadgeLatencies([], [], 0, 0)
    for name, (routing_at, finish_at) in timeline.items():
        if name not in shown:
            continue
        if (name, SENDING) in first:
            seen.to_routing.append(first[name, SENDING] - routing_at)
        elif (name, FINISHED) in first:
            seen.skipped += 1
        if (name, FINISHED) in first:
            seen.to_finish.append(first[name, FINISHED] - finish_at)
        else:
            seen.missing += 1
    return seen


def sort_round_trips(page, count: int, budget_s: float = 45) -> list[float]:
    """Up to ``count`` round trips (fewer when ``budget_s`` runs out)."""
    page.evaluate(_SORT_ROUND_TRIP)  # first click: sort by name (not measured)
    results = []
    deadline = time.monotonic() + budget_s
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        elapsed = page.evaluate(_SORT_ROUND_TRIP)
        if elapsed >= 0:
            results.append(elapsed / 1000)
        page.wait_for_timeout(120)
    return results


def open_browser_tabs(browser, url: str, count: int) -> list:
    contexts = []
    for _ in range(count):
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        page = context.new_page()
        page.goto(url + "/")
        contexts.append(context)
    for context in contexts:
        context.pages[0].get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
    return contexts


async def launch_every_second(
    fleet: TabFleet, drafts: list[tuple[int, str]], stop: threading.Event
) -> int:
    """The fleet's first tab launches one draft a second, as its user would."""
    made = 0
    for campaign_id, name in drafts:
        if stop.is_set():
            break
        started = time.monotonic()
        await fleet.launching(fleet.tabs[0], campaign_id, name)
        made += 1
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
    return made


def round_trips(
    page,
    browser,
    server: Server,
    loop: Loop,
    frames: dict[str, str],
    args: argparse.Namespace,
    server_pgid: int,
) -> bool:
    clients, clicks = args.clients, args.clicks
    alone = sort_round_trips(page, max(10, clicks // 2))
    print(
        f"(b) click 'Trier par nom' -> table re-sorted, this tab alone: "
        f"{describe(alone, 'ms', 1000)}"
    )
    actor = loop.run(asyncio.to_thread(demo_actor))
    list_id = loop.run(asyncio.to_thread(one_contact_list, actor, "Charge"))
    names = [f"Charge {i:02d}" for i in range(1, 46)]
    ids = loop.run(prepare_campaigns(actor, names, list_id), timeout=300)
    drafts = list(zip(ids, names, strict=True))
    others = clients - 1
    fleet = TabFleet(server.port, frames["connect"], frames["follow"])
    contexts: list = []
    started = time.monotonic()
    if args.browser_clients:
        fleet.open(1)  # only the tab that launches campaigns
        contexts = open_browser_tabs(browser, server.url, others - 1)
        kind = "browser tabs (and one simulated tab that launches)"
    else:
        fleet.open(others)
        kind = "simulated tabs (hydrated, then answering pushes only)"
    hydrated = fleet.hydrated + len(contexts)
    # Each new link is pushed to the tabs already linked: let that drain.
    drained, updates = fleet.wait_quiet()
    print(
        f"    {others} other {kind} connected in "
        f"{time.monotonic() - started - drained:.1f} s ({hydrated} hydrated); "
        f"their links sent {updates:,} updates, drained in {drained:.0f} s"
    )

    def measure(title: str) -> list[float]:
        pushes, reloads = fleet.pushes(), fleet.reloads()
        pids = group_pids(server_pgid)
        cpu, wall = cpu_seconds(pids), time.monotonic()
        busy = machine_busy_seconds()
        samples = sort_round_trips(page, clicks)
        wall = time.monotonic() - wall
        cpu = cpu_seconds(pids) - cpu
        busy = machine_busy_seconds() - busy
        ok = bool(samples) and percentile(samples, 0.95) * 1000 < ROUND_TRIP_TARGET_MS
        print(
            f"    {title}: {describe(samples, 'ms', 1000)} "
            f"(target p95 < {ROUND_TRIP_TARGET_MS:.0f} ms: {verdict(ok)})"
        )
        pushes, reloads = fleet.pushes() - pushes, fleet.reloads() - reloads
        print(
            f"      meanwhile the simulated tabs got {pushes / wall:,.1f} pushes/s "
            f"and reloaded {reloads / wall:,.1f} pages/s; server CPU "
            f"{cpu / wall:.0%} of one core, whole machine "
            f"{busy / wall / (os.cpu_count() or 1):.0%} busy ({os.cpu_count()} cores)"
        )
        return samples

    stop = threading.Event()
    launcher: Future | None = None
    try:
        page.wait_for_timeout(2000)
        idle = measure(f"with {clients} tabs on the page")
        launcher = asyncio.run_coroutine_threadsafe(
            launch_every_second(fleet, drafts, stop), fleet.loop
        )
        page.wait_for_timeout(1500)
        busy = measure(
            f"with {clients} tabs and a launch every second by one of them (each "
            "launch and status change pushed to every tab)"
        )
    finally:
        stop.set()
        made = launcher.result(30) if launcher is not None else 0
        fleet.close()
        for context in contexts:
            context.close()
    print(f"      ({made} campaigns launched during that run)")
    if fleet.errors:
        print(f"    {len(fleet.errors)} tab error(s), e.g. {fleet.errors[0]}")
    return all(
        bool(samples) and percentile(samples, 0.95) * 1000 < ROUND_TRIP_TARGET_MS
        for samples in (idle, busy)
    )


def run(args: argparse.Namespace) -> bool:
    from playwright.sync_api import sync_playwright

    extra = {
        "SIMULATOR_MODERATION_SECONDS": str(MODERATION_S),
        "SIMULATOR_RECIPIENTS_PER_SECOND": str(RECIPIENTS_PER_SECOND),
        "PAGE_SIZE": "20",
    }
    with (
        tempfile.TemporaryDirectory(prefix="bench-live-") as tmp,
        production_server(Path(tmp), extra) as server,
        services_of(server),
    ):
        server_pgid = os.getpgid(server.pid)
        print(f"  production server up in {server.build_seconds:.0f} s on {server.url}")
        loop = Loop()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=BENCH_CHROMIUM_ARGS
                )
                context = browser.new_context(
                    locale="fr-FR",
                    timezone_id="Europe/Paris",
                    viewport={"width": 1440, "height": 900},
                )
                page = context.new_page()
                frames = frames_of(page)
                page.goto(server.url + "/")
                page.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
                ok = status_latency(page, server, loop, args.samples)
                wait_for_frames(page, frames)
                ok &= round_trips(
                    page, browser, server, loop, frames, args, server_pgid
                )
                browser.close()
        finally:
            loop.close()
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--clicks", type=int, default=60)
    parser.add_argument(
        "--browser-clients",
        action="store_true",
        help="the other clients are real browser tabs, not websocket clients",
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Live page: skipped ({CHROMIUM} not found; set CHROMIUM)")
        return True
    print("Live page: production server, system Chromium")
    return run(args)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
