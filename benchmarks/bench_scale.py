"""Load test: many open tabs of the campaigns page, live status pushed to them.

Tabs are simulated (``benchmarks/_fake_tabs.py``: Reflex websocket clients
that connect, hydrate, run the campaigns page's ``on_load`` as the demo
centre, then stay connected and reload their rows on each push of the
centre's feed, as the page does); a few real Chromium tabs beside them show
what a person sees.

(1) The first target, on the app's defaults (one worker, SQLite, no Redis,
    a poll every 2 s): the server's CPU over an idle window with no tab, then
    with ``--idle-tabs`` (200) open tabs: under 5 % of one core.

(2) For each ``--workers`` count (2 and 4): throwaway PostgreSQL and Redis on
    loopback, ``GRANIAN_WORKERS=n``, a poll every second. ``--campaigns``
    (100) drafts with one recipient each; ``--real-tabs`` Chromium tabs on
    the table's first pages (a MutationObserver stamps each badge change)
    and one more that clicks "Trier par nom"; ``--tabs`` (150) simulated
    tabs. Idle window: CPU, memory per tab, Redis commands. Then every
    campaign is launched within ``--launch-seconds``, ``--user-launches`` of
    them by a simulated tab's user (the launch modal's events: the tab's
    action pushes to the others), the rest through the services; the
    simulator takes each through MODERATION (3 s) -> ROUTING (5 s) -> FINISH,
    and the leader's poller pushes each change. Reported: click -> update
    (the sort round trip in the clicking tab; a user's launch -> the other
    tabs), status change -> badge in the real tabs, and where the time goes
    (simulator change -> push received -> rows received; CPU by process).

Every loop is bounded in count and time and talks to loopback only. About
seven minutes with the defaults (``python -m benchmarks.bench_scale``).
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._backing import (
    PostgresServer,
    RedisServer,
    postgres_server,
    redis_server,
)
from benchmarks._fake_tabs import TabFleet
from benchmarks._harness import verdict
from benchmarks._server import (
    Server,
    cpu_seconds,
    group_pids,
    machine_busy_seconds,
    production_server,
    rss_bytes,
)
from benchmarks.bench_live import (
    BENCH_CHROMIUM_ARGS,
    CHROMIUM,
    FINISHED,
    HEADING,
    MODERATION_S,
    OBSERVE_BADGES,
    RECEIVED,
    RECIPIENTS_PER_SECOND,
    SENDING,
    Loop,
    badge_latencies,
    demo_actor,
    describe,
    frames_of,
    one_contact_list,
    percentile,
    prepare_campaigns,
    services_of,
    sort_round_trips,
    timelines,
    wait_for_frames,
    wait_until_finished,
)

IDLE_TARGET_SHARE = 0.05
PAGE_SIZE = 20
SETTLE_S = 5.0


# -- what the processes use over a window ---------------------------------------


@dataclass
class Usage:
    seconds: float
    server_cpu: float
    redis_cpu: float = 0.0
    postgres_cpu: float = 0.0
    redis_commands: int = 0
    machine_busy: float = 0.0

    def share(self, cpu: float) -> float:
        """CPU seconds as a share of one core over the window."""
        return cpu / self.seconds if self.seconds else 0.0


class Meter:
    """CPU of the server (its process group), Redis and PostgreSQL; Redis commands."""

    def __init__(
        self,
        pgid: int,
        redis: RedisServer | None = None,
        postgres: PostgresServer | None = None,
    ) -> None:
        self.pgid, self.redis, self.postgres = pgid, redis, postgres

    def _read(self) -> tuple[float, float, float, float, int, float]:
        return (
            time.monotonic(),
            cpu_seconds(group_pids(self.pgid)),
            self.redis.cpu_seconds() if self.redis else 0.0,
            self.postgres.cpu_seconds() if self.postgres else 0.0,
            self.redis.commands() if self.redis else 0,
            machine_busy_seconds(),
        )

    def start(self) -> None:
        self._start = self._read()

    def stop(self) -> Usage:
        end = self._read()
        start = self._start
        return Usage(
            seconds=end[0] - start[0],
            server_cpu=end[1] - start[1],
            redis_cpu=end[2] - start[2],
            postgres_cpu=end[3] - start[3],
            redis_commands=int(end[4] - start[4]),
            machine_busy=end[5] - start[5],
        )

    def over(self, seconds: float) -> Usage:
        self.start()
        time.sleep(seconds)
        return self.stop()


@dataclass
class Storm:
    """Opening the tabs, then the updates each link sends to the tabs already open."""

    opened: float
    drained: float
    updates: int
    usage: Usage

    def __str__(self) -> str:
        return (
            f"{self.updates:,} updates reached the tabs meanwhile (hydration, and "
            "each new link pushed to every tab already linked), quiet "
            f"{self.drained:.0f} s after the last hydrated; server CPU "
            f"{self.usage.server_cpu:.0f} s"
            + (
                f", Redis {self.usage.redis_commands:,} commands"
                if self.usage.redis_commands
                else ""
            )
        )


def meter_storm(meter: Meter, fleet: TabFleet, count: int) -> Storm:
    """Open ``count`` tabs and wait (bounded) until the server is quiet again."""
    meter.start()
    before = fleet.frames()
    opened = fleet.open(count)
    drained, _ = fleet.wait_quiet()
    return Storm(opened, drained, fleet.frames() - before, meter.stop())


def fan_out(fleet: TabFleet) -> int:
    """Updates the other tabs receive when one tab reloads its rows (no change)."""
    others = fleet.tabs[1:]
    before = sum(tab.frames_in for tab in others)
    fleet.run(fleet.tabs[0].send(fleet.follow_frame))
    fleet.wait_quiet(quiet_s=1.0, limit_s=30)
    return sum(tab.frames_in for tab in others) - before


def server_rss(pgid: int) -> int:
    return rss_bytes(group_pids(pgid))


def mib(count: float) -> str:
    return f"{count / 2**20:,.1f} MiB"


def kib(count: float) -> str:
    return f"{count / 2**10:,.0f} KiB"


def record_frames(browser, url: str) -> dict[str, str]:
    """The frames a real tab sends on connecting and on a push."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        page = context.new_page()
        frames = frames_of(page)
        page.goto(url + "/")
        page.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
        wait_for_frames(page, frames)
        return frames
    finally:
        context.close()


def chromium(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=BENCH_CHROMIUM_ARGS
    )


# -- (1) idle tabs on one worker ------------------------------------------------


def idle_target(args: argparse.Namespace) -> tuple[bool, dict[str, str]]:
    from playwright.sync_api import sync_playwright

    print(
        f"(1) one worker, SQLite, no Redis (the defaults), {args.idle_tabs} idle tabs"
    )
    extra = {"GRANIAN_WORKERS": "1", "POLL_INTERVAL_SECONDS": "2"}
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        production_server(Path(tmp), extra) as server,
    ):
        pgid = os.getpgid(server.pid)
        print(f"    production server up in {server.build_seconds:.0f} s")
        with sync_playwright() as playwright:
            browser = chromium(playwright)
            frames = record_frames(browser, server.url)
            browser.close()
        meter = Meter(pgid)
        time.sleep(SETTLE_S)
        empty = meter.over(args.idle_seconds)
        rss_before = server_rss(pgid)
        fleet = TabFleet(server.port, frames["connect"], frames["follow"])
        try:
            storm = meter_storm(meter, fleet, args.idle_tabs)
            opened = storm.opened
            time.sleep(SETTLE_S)
            rss_after = server_rss(pgid)
            idle = meter.over(args.idle_seconds)
            echoes = fan_out(fleet)
        finally:
            fleet.close()
    tabs = fleet.hydrated
    share = idle.share(idle.server_cpu)
    ok = tabs == args.idle_tabs and share < IDLE_TARGET_SHARE
    print(
        f"    {tabs}/{args.idle_tabs} tabs hydrated in {opened:.1f} s "
        f"({len(fleet.errors)} errors); {storm}"
    )
    print(
        f"    server CPU, no tab: {empty.share(empty.server_cpu):.2%} of a core "
        f"over {empty.seconds:.0f} s; with {tabs} idle tabs: {share:.2%} over "
        f"{idle.seconds:.0f} s (target < {IDLE_TARGET_SHARE:.0%}: {verdict(ok)}); "
        f"whole machine {idle.share(idle.machine_busy) / (os.cpu_count() or 1):.0%}"
        " busy meanwhile"
    )
    print(
        f"    one tab's event (a reload, nothing changed) -> {echoes} updates to "
        f"the {tabs - 1} other tabs of the centre"
    )
    extra_share = share - empty.share(empty.server_cpu)
    print(
        f"    per 100 idle tabs: {extra_share / max(tabs, 1) * 100:.2%} of a core; "
        f"memory {kib((rss_after - rss_before) / max(tabs, 1))} per tab "
        f"(server RSS {mib(rss_before)} -> {mib(rss_after)})"
    )
    return ok, frames


# -- (2) workers, PostgreSQL and Redis ------------------------------------------


@dataclass
class WorkerFigures:
    workers: int
    tabs: int = 0
    idle_cpu_per_100: float = 0.0
    idle_server_share: float = 0.0
    rss_per_tab: float = 0.0
    redis_per_tab: float = 0.0
    idle_redis_ops: float = 0.0
    load_redis_ops: float = 0.0
    load: Usage | None = None
    click_p95: float | None = None
    user_launch_p95: float | None = None
    badge_p95: float | None = None
    notes: list[str] = field(default_factory=list)


def open_badge_tabs(browser, url: str, count: int) -> list:
    """Real tabs on pages 1..count of the table, each observing its badges."""
    pages = []
    for index in range(count):
        context = browser.new_context(
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1440, "height": 900},
        )
        page = context.new_page()
        page.goto(url + "/")
        page.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
        page.wait_for_selector("tr.campaign-row", timeout=60_000)
        for number in range(2, index + 2):
            page.get_by_role("button", name="Suivant").click()
            page.get_by_text(f"Page {number} sur").wait_for(timeout=30_000)
        pages.append(page)
    return pages


def launch_order(ids: list[int], user_launches: int) -> list[tuple[int, bool]]:
    """Every campaign once; the newest ``user_launches`` (on the simulated tabs'
    first page) spread evenly among the others and launched by a tab's user."""
    by_user = set(ids[-user_launches:]) if user_launches else set()
    others = [cid for cid in ids if cid not in by_user]
    step = max(1, len(ids) // max(1, len(by_user)))
    order: list[tuple[int, bool]] = []
    users = sorted(by_user)
    for index in range(len(ids)):
        if users and index % step == step // 2:
            order.append((users.pop(0), True))
        elif others:
            order.append((others.pop(0), False))
    order += [(cid, True) for cid in users] + [(cid, False) for cid in others]
    return order


async def launch_all(
    fleet: TabFleet,
    services: Loop,
    actor,
    order: list[tuple[int, bool]],
    names: dict[int, str],
    gap_s: float,
) -> dict[str, float]:
    """Launch in ``order``, ``gap_s`` apart (runs on the fleet's loop).

    Returns, for each campaign launched by a tab's user, when "Lancer" was sent.
    """
    from sms_hub.services import sending

    sent = {}
    for campaign_id, by_user in order:
        started = time.monotonic()
        if by_user:
            sent[names[campaign_id]] = await fleet.launching(
                fleet.tabs[0], campaign_id, names[campaign_id]
            )
        else:
            await asyncio.wrap_future(
                services.submit(sending.launch(actor, campaign_id, None))
            )
        await asyncio.sleep(max(0.0, gap_s - (time.monotonic() - started)))
    return sent


def stages(
    fleet: TabFleet, timeline: dict[str, tuple[float, float]]
) -> tuple[list[float], list[float], list[float]]:
    """Per simulated tab and transition it showed: change -> push, push -> rows,
    and change -> rows (the push that made the tab reload is the last one
    before its rows)."""
    to_push, to_rows, total = [], [], []
    for tab in fleet.tabs[1:]:
        for name, moments in timeline.items():
            for label, changed_at in zip((SENDING, FINISHED), moments, strict=True):
                rows_at = tab.statuses.get((name, label))
                if rows_at is None:
                    continue
                pushed = [at for at, _ in tab.pushes if at <= rows_at]
                total.append(rows_at - changed_at)
                if pushed:
                    to_push.append(pushed[-1] - changed_at)
                    to_rows.append(rows_at - pushed[-1])
    return to_push, to_rows, total


def user_launch_latencies(
    fleet: TabFleet, sent: dict[str, float]
) -> tuple[list[float], list[float]]:
    """A tab's user clicked "Lancer" -> the other tabs got the push / the rows."""
    pushed, shown = [], []
    for tab in fleet.tabs[1:]:
        for name, at in sent.items():
            push = tab.push_after(at)
            if push is not None:
                pushed.append(push[0] - at)
            rows_at = tab.statuses.get((name, RECEIVED))
            if rows_at is not None and rows_at >= at:
                shown.append(rows_at - at)
    return pushed, shown


def worker_run(
    workers: int, args: argparse.Namespace, frames: dict[str, str]
) -> WorkerFigures:
    from playwright.sync_api import sync_playwright

    figures = WorkerFigures(workers)
    print(f"\n(2) {workers} workers, PostgreSQL and Redis")
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server())
        postgres = stack.enter_context(postgres_server())
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-"))
        extra = {
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "GRANIAN_WORKERS": str(workers),
            "POLL_INTERVAL_SECONDS": "1",
            "PAGE_SIZE": str(PAGE_SIZE),
            "SIMULATOR_MODERATION_SECONDS": str(MODERATION_S),
            "SIMULATOR_RECIPIENTS_PER_SECOND": str(RECIPIENTS_PER_SECOND),
        }
        server: Server = stack.enter_context(production_server(Path(tmp), extra))
        stack.enter_context(services_of(server))
        services = Loop()
        stack.callback(services.close)
        pgid = os.getpgid(server.pid)
        print(f"    production server up in {server.build_seconds:.0f} s")
        meter = Meter(pgid, redis, postgres)

        actor = services.run(asyncio.to_thread(demo_actor))
        list_id = services.run(asyncio.to_thread(one_contact_list, actor, "Echelle"))
        names = [f"Echelle {i:03d}" for i in range(1, args.campaigns + 1)]
        started = time.monotonic()
        ids = services.run(prepare_campaigns(actor, names, list_id), timeout=600)
        print(
            f"    {len(ids)} campaigns created with 1 recipient each in "
            f"{time.monotonic() - started:.0f} s"
        )
        time.sleep(SETTLE_S)
        empty = meter.over(args.window / 2)

        playwright = stack.enter_context(sync_playwright())
        browser = chromium(playwright)
        stack.callback(browser.close)
        badge_pages = open_badge_tabs(browser, server.url, args.real_tabs)
        click_page = open_badge_tabs(browser, server.url, 1)[0]

        rss_before, redis_before = server_rss(pgid), redis.memory()
        fleet = TabFleet(server.port, frames["connect"], frames["follow"])
        stack.callback(fleet.close)
        storm = meter_storm(meter, fleet, args.tabs + 1)  # tab 0 launches
        opened = storm.opened
        time.sleep(SETTLE_S)
        tabs = figures.tabs = fleet.hydrated
        figures.rss_per_tab = (server_rss(pgid) - rss_before) / max(tabs, 1)
        figures.redis_per_tab = (redis.memory() - redis_before) / max(tabs, 1)
        print(
            f"    {tabs}/{args.tabs + 1} simulated tabs hydrated in {opened:.1f} s, "
            f"and {args.real_tabs + 1} Chromium tabs; {storm}"
        )
        idle = meter.over(args.window)
        figures.idle_server_share = idle.share(idle.server_cpu)
        figures.idle_cpu_per_100 = (
            (figures.idle_server_share - empty.share(empty.server_cpu)) / tabs * 100
        )
        figures.idle_redis_ops = idle.redis_commands / idle.seconds
        echoes = fan_out(fleet)
        print(
            f"    idle, no tab: server {empty.share(empty.server_cpu):.1%} of a core, "
            f"Redis {empty.redis_commands / empty.seconds:,.0f} commands/s"
        )
        print(
            f"    idle, {tabs} + {args.real_tabs + 1} tabs: server "
            f"{figures.idle_server_share:.1%} of a core "
            f"({figures.idle_cpu_per_100:.2%} per 100 tabs), Redis "
            f"{figures.idle_redis_ops:,.0f} commands/s, PostgreSQL "
            f"{idle.share(idle.postgres_cpu):.1%}; memory per tab: server "
            f"{kib(figures.rss_per_tab)}, Redis {kib(figures.redis_per_tab)}"
        )
        print(
            f"    one tab's event (a reload, nothing changed) -> {echoes} updates "
            f"to the {tabs - 1} other tabs of the centre"
        )

        for page in badge_pages:
            page.evaluate(OBSERVE_BADGES)
        order = launch_order(ids, min(args.user_launches, PAGE_SIZE, len(ids)))
        by_id = dict(zip(ids, names, strict=True))
        gap = args.launch_seconds / max(len(ids), 1)
        meter.start()
        pushes, reloads = fleet.pushes(), fleet.reloads()
        launcher = asyncio.run_coroutine_threadsafe(
            launch_all(fleet, services, actor, order, by_id, gap), fleet.loop
        )
        clicks = sort_round_trips(
            click_page, args.clicks, budget_s=args.launch_seconds + 5
        )
        sent = launcher.result(args.launch_seconds * 3 + 60)
        observed = sorted(
            {
                badge["name"]
                for page in badge_pages
                for badge in page.evaluate("window.__badges")
            }
        )
        wait_until_finished(
            badge_pages, observed, MODERATION_S + 1 / RECIPIENTS_PER_SECOND + 30
        )
        load = figures.load = meter.stop()
        pushes, reloads = fleet.pushes() - pushes, fleet.reloads() - reloads
        figures.load_redis_ops = load.redis_commands / load.seconds
        timeline = services.run(asyncio.to_thread(timelines, server, actor, ids))
        records = [page.evaluate("window.__badges") for page in badge_pages]

    badges = []
    skipped = missing = 0
    for page_badges in records:
        seen = badge_latencies(page_badges, timeline)
        badges += seen.to_routing + seen.to_finish
        skipped, missing = skipped + seen.skipped, missing + seen.missing
    to_push, to_rows, total = stages(fleet, timeline)
    launch_pushed, launch_shown = user_launch_latencies(fleet, sent)
    figures.click_p95 = percentile(clicks, 0.95) if clicks else None
    figures.user_launch_p95 = percentile(launch_shown, 0.95) if launch_shown else None
    figures.badge_p95 = percentile(badges, 0.95) if badges else None
    print(
        f"    load: {len(ids)} launches in {args.launch_seconds:.0f} s "
        f"({len(sent)} by a tab's user), {2 * len(ids)} status changes; over "
        f"{load.seconds:.0f} s each simulated tab got {pushes / tabs:.0f} pushes "
        f"({pushes / load.seconds:,.0f}/s in all) and reloaded its rows "
        f"{reloads / tabs:.0f} times"
    )
    print(
        f"      CPU (share of one core): server {load.share(load.server_cpu):.0%}, "
        f"Redis {load.share(load.redis_cpu):.0%}, PostgreSQL "
        f"{load.share(load.postgres_cpu):.0%}; whole machine "
        f"{load.share(load.machine_busy) / (os.cpu_count() or 1):.0%} busy; Redis "
        f"{figures.load_redis_ops:,.0f} commands/s"
    )
    print(f"    click 'Trier par nom' -> re-sorted: {describe(clicks, 'ms', 1000)}")
    print(
        f"    a user's 'Lancer' -> other tabs pushed: "
        f"{describe(launch_pushed, 'ms', 1000)}"
    )
    print(
        f"      -> their rows show '{RECEIVED}': {describe(launch_shown, 'ms', 1000)}"
    )
    print(
        f"    status change -> badge ({args.real_tabs} Chromium tabs, "
        f"{len(observed)} campaigns): {describe(badges)}"
    )
    if skipped or missing:
        print(f"      {skipped} went straight to '{FINISHED}', {missing} never did")
    print("    where the time goes (simulated tabs, first page):")
    print(f"      simulator change -> push received: {describe(to_push)}")
    print(f"      push received -> rows received:    {describe(to_rows)}")
    print(f"      simulator change -> rows received: {describe(total)}")
    if total and badges:
        print(
            "      rows -> badge painted (Chromium, difference of the medians): "
            f"{percentile(badges, 0.5) - percentile(total, 0.5):.2f} s"
        )
    if fleet.errors:
        print(f"    {len(fleet.errors)} tab error(s), e.g. {fleet.errors[0]}")
    return figures


# -- summary --------------------------------------------------------------------


def summary(runs: list[WorkerFigures]) -> None:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:,.0f} ms"

    def s(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f} s"

    print(
        "\nworkers | tabs | idle CPU/100 tabs | memory/tab (server + Redis) |"
        " Redis cmd/s idle, load | click p95 | user launch -> others p95 |"
        " status -> badge p95"
    )
    for run in runs:
        print(
            f"{run.workers:>7} | {run.tabs:>4} | {run.idle_cpu_per_100:>16.2%} | "
            f"{kib(run.rss_per_tab):>8} + {kib(run.redis_per_tab):>7} | "
            f"{run.idle_redis_ops:>6,.0f}, {run.load_redis_ops:,.0f} | "
            f"{ms(run.click_p95):>9} | {ms(run.user_launch_p95):>9} | "
            f"{s(run.badge_p95)}"
        )


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-tabs", type=int, default=200)
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, nargs="*", default=[2, 4])
    parser.add_argument("--tabs", type=int, default=150)
    parser.add_argument("--real-tabs", type=int, default=2)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--user-launches", type=int, default=10)
    parser.add_argument("--launch-seconds", type=float, default=25)
    parser.add_argument("--window", type=float, default=15, help="idle window, s")
    parser.add_argument("--clicks", type=int, default=60)
    parser.add_argument("--skip-idle", action="store_true")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Scale: skipped ({CHROMIUM} not found; set CHROMIUM)")
        return True
    print("Scale: production server, simulated and Chromium tabs")
    ok, frames = True, {}
    if not args.skip_idle:
        ok, frames = idle_target(args)
    runs = []
    missing = backing_missing()
    if args.workers and missing:
        print(f"\n(2) skipped: {missing}")
        return ok
    for workers in args.workers:
        if not frames:
            frames = _frames_only()
        runs.append(worker_run(workers, args, frames))
    if runs:
        summary(runs)
    return ok


def backing_missing() -> str:
    """What is missing to run PostgreSQL and Redis here ("" when nothing)."""
    if shutil.which("redis-server") is None:
        return "redis-server is missing (apt-get install -y redis-server)"
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") and not shutil.which("initdb"):
        return "PostgreSQL is missing (make postgresql)"
    return ""


def _frames_only() -> dict[str, str]:
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        production_server(Path(tmp), {}) as server,
        sync_playwright() as playwright,
    ):
        browser = chromium(playwright)
        try:
            return record_frames(browser, server.url)
        finally:
            browser.close()


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
