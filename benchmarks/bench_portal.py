"""Load test shaped like the portal: many centres, a few tabs each.

``python -m benchmarks portal`` (or ``python -m benchmarks.bench_portal``),
bounded by ``--budget`` (6 minutes with the defaults, everything included).

(A) The poller's cycle, in this process (after B, if the budget has room
    for it; ``--workers`` with no count runs it alone): ``--centres`` (300) centres, each
    on its own simulator account, ``--poll-campaigns`` (1,000) active
    campaigns spread over them (half MODERATION, half ROUTING), a few
    ``sync.poll_once`` cycles timed and broken down (target < 1 s).

(B) For each ``--workers`` count (2 and 4): the production server on
    throwaway PostgreSQL and Redis (loopback), a poll every second, a
    portal signing key. The centres are created with their own simulator
    accounts; ``--tabs-per-centre`` (3) simulated websocket tabs per centre
    sign in with a launch token of their centre (answering the page's load
    script as the portal's frame does).
    Windows: no tab (CPU), tabs idle (CPU, memory per tab: server RSS delta
    and Redis ``used_memory`` delta / tabs, Redis commands/s from
    ``total_commands_processed``). Then campaigns of different centres are
    launched so that their simulator state changes (MODERATION -> ROUTING ->
    FINISH) come at about ``--base-rate`` (1) a second, then ``--peak-rate``
    (20) a second: status change -> the centre's tabs received the row
    (p95, target < 1.5 s at a 1 s poll) and a tab's sort round trip
    (p95, target < 200 ms) during the peak.

The load average (``os.getloadavg``) is printed at each step: the machine has
two cores shared with other work. Then the figures are extrapolated to 1,000
centres x 5 tabs (``extrapolate``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._backing import postgres_server, redis_server
from benchmarks._fake_tabs import TabFleet, event_frame
from benchmarks._harness import Timer, verdict

CLICK_TARGET_S = 0.2
BADGE_TARGET_S = 1.5
POLL_TARGET_S = 1.0
MODERATION_S = 3.0
RECIPIENTS_PER_SECOND = 0.2  # one recipient: ROUTING lasts 5 s, then FINISH
SIGNING_KEY = "bench-portal-signing-key-0123456789abcdef"
SECRETS_KEY = "YmVuY2hfcG9ydGFsX3NlY3JldHNfa2V5XzAwMDAwMDA="
SETTLE_S = 3.0
#: What the poll cycle (A) needs of the budget, set-up included (a busy machine).
POLL_RESERVE_S = 110.0


# -- pure helpers (tests/unit/test_bench_portal.py) ------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """The ``share`` quantile of ``values`` (linear between ranks); None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def launch_times(rate: float, seconds: float, start: float = 0.0) -> list[float]:
    """Offsets of the launches giving ``rate`` simulator state changes a second
    over ``seconds``: each launch makes two (-> ROUTING, -> FINISH)."""
    count = round(rate * seconds / 2)
    gap = seconds / count if count else 0.0
    return [start + index * gap for index in range(count)]


def spread(count: int, centres: int) -> list[int]:
    """Centre index of each of ``count`` items, round robin (no centre twice
    before every centre had one)."""
    return [index % centres for index in range(count)]


@dataclass(frozen=True)
class Extrapolation:
    """Figures measured at (centres, tabs) scaled to a larger deployment."""

    tabs: int
    server_bytes: float
    redis_bytes: float
    idle_cpu_share: float
    redis_idle_ops: float
    redis_load_ops: float
    poll_cycle_s: float
    lines: tuple[str, ...]


def extrapolate(
    *,
    centres: int,
    tabs_per_centre: int,
    server_bytes_per_tab: float,
    redis_bytes_per_tab: float,
    idle_cpu_per_100_tabs: float,
    redis_idle_ops: float,
    redis_load_ops: float,
    measured_tabs: int,
    poll_cycle_s: float,
    measured_centres: int,
    to_centres: int = 1000,
    to_tabs_per_centre: int = 5,
) -> Extrapolation:
    """Linear scaling, with the arithmetic written out.

    Memory, idle CPU and idle Redis commands grow with the tabs; at the same
    deployment-wide change rate, the commands of the changes grow with the
    tabs of one centre (a change reloads its centre's tabs only); the poll
    cycle grows with the centres (each read through its own account,
    ``_CENTRES_AT_ONCE`` at a time), so by ``to_centres / measured_centres``.
    """
    tabs = to_centres * to_tabs_per_centre
    tab_ratio = tabs / measured_tabs if measured_tabs else 0.0
    per_centre_ratio = to_tabs_per_centre / tabs_per_centre if tabs_per_centre else 0.0
    centre_ratio = to_centres / measured_centres if measured_centres else 0.0
    server = server_bytes_per_tab * tabs
    redis = redis_bytes_per_tab * tabs
    cpu = idle_cpu_per_100_tabs * tabs / 100
    idle_ops = redis_idle_ops * tab_ratio
    load_ops = redis_load_ops * per_centre_ratio
    cycle = poll_cycle_s * centre_ratio
    lines = (
        f"tabs: {to_centres:,} centres x {to_tabs_per_centre} = {tabs:,}",
        f"server memory: {server_bytes_per_tab / 1024:,.0f} KiB x {tabs:,} = "
        f"{server / 2**20:,.0f} MiB",
        f"Redis memory: {redis_bytes_per_tab / 1024:,.1f} KiB x {tabs:,} = "
        f"{redis / 2**20:,.0f} MiB",
        f"idle CPU: {idle_cpu_per_100_tabs:.2%} per 100 tabs x {tabs / 100:,.0f} = "
        f"{cpu:.0%} of a core",
        f"Redis commands/s idle: {redis_idle_ops:,.0f} x {tabs:,}/{measured_tabs:,} "
        f"tabs = {idle_ops:,.0f}; at the same change rate: {redis_load_ops:,.0f} x "
        f"{to_tabs_per_centre}/{tabs_per_centre} tabs a centre = {load_ops:,.0f}",
        f"poll cycle: {poll_cycle_s:.2f} s x {to_centres:,}/{measured_centres:,} "
        f"centres = {cycle:.2f} s",
    )
    return Extrapolation(
        tabs, server, redis, cpu, idle_ops, load_ops, cycle, tuple(lines)
    )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


# -- (A) the poller's cycle, in this process ---------------------------------------


def account_of(index: int) -> tuple[str, str]:
    return f"portal-{index:04d}", f"key-portal-{index:04d}"


async def poll_setup(env, centres: int, count: int) -> None:
    """``centres`` centres on accounts of their own; ``count`` launched campaigns
    spread over them (even ones ROUTING, odd ones MODERATION) with local rows."""
    from benchmarks._harness import mobiles
    from sms_hub.domain.lifecycle import Status
    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign
    from tests.integration.sarbacane_support import Simulator
    from tests.support.factories import add_centre

    sim = Simulator(root=env.simulator_root, db_path=env.simulator_db)
    actors = []
    for index in range(centres):
        account, key = account_of(index)
        await asyncio.to_thread(sim.add_account, account, key)
        actors.append(
            await asyncio.to_thread(
                add_centre, f"centre-{index:04d}", account=(account, key)
            )
        )
    clients = [
        env.client(account_id=a, api_key=k) for a, k in map(account_of, range(centres))
    ]
    owner = spread(count, centres)
    semaphore = asyncio.Semaphore(16)
    numbers = mobiles(count)

    async def one(index: int) -> str:
        async with semaphore:
            client = clients[owner[index]]
            ref = await client.create_sms_campaign(
                name=f"Cycle {index:04d}",
                kind="SMS_NOTIFICATION",
                sms_from="CentreForm",
                content="Votre session commence lundi.",
            )
            await client.add_recipients(ref.id, [(None, numbers[index])])
            return ref.id

    async def send(index: int, sarbacane_id: str) -> None:
        async with semaphore:
            await clients[owner[index]].send_now(sarbacane_id)

    try:
        ids = await asyncio.gather(*(one(i) for i in range(count)))
        await asyncio.to_thread(
            sim.set_faults, moderation_seconds=0, recipients_per_second=0.001
        )
        await asyncio.gather(*(send(i, s) for i, s in enumerate(ids) if i % 2 == 0))
        await asyncio.to_thread(sim.set_faults, moderation_seconds=1000.0)
        await asyncio.gather(*(send(i, s) for i, s in enumerate(ids) if i % 2 == 1))
        await asyncio.to_thread(sim.reset)
    finally:
        for client in clients:
            await client.aclose()
        sim.http.close()
    with session_scope(env.database_url) as session:
        for index, sarbacane_id in enumerate(ids):
            session.add(
                Campaign(
                    tenant_id=actors[owner[index]].tenant_id,
                    sarbacane_account_id=account_of(owner[index])[0],
                    sarbacane_id=sarbacane_id,
                    name=f"Cycle {index:04d}",
                    kind="SMS_NOTIFICATION",
                    sender="CentreForm",
                    content="Votre session commence lundi.",
                    status=Status.RECEIVED.value,
                    remote_state="MODERATION",
                    recipient_count=1,
                )
            )


async def poll_cycles(env, cycles: int) -> tuple[list[float], Timer, int]:
    from benchmarks._harness import patched
    from sms_hub.sarbacane import close_clients
    from sms_hub.services import sync
    from tests.integration.sarbacane_support import Simulator

    timer = Timer()
    sim = Simulator(root=env.simulator_root, db_path=env.simulator_db)
    sim.reset()
    seconds = []
    try:
        with (
            patched(sync, "_active_campaigns", timer.wrap_sync(
                "local: read active campaigns", sync._active_campaigns)),
            patched(sync, "_centres", timer.wrap_sync(
                "local: read centres", sync._centres)),
            patched(sync, "_state_index", timer.wrap_async(
                "HTTP: bulk lists by state (each)", sync._state_index)),
            patched(sync, "_read_centre", timer.wrap_async(
                "one centre's reads (each, in parallel)", sync._read_centre)),
            patched(sync, "_apply", timer.wrap_sync(
                "local: write observations", sync._apply)),
        ):  # fmt: skip
            for _ in range(cycles):
                started = time.perf_counter()
                await sync.poll_once()
                seconds.append(time.perf_counter() - started)
        requests = sum(sim.stats().values())
    finally:
        await close_clients()
        sim.http.close()
    return seconds, timer, requests // max(cycles, 1)


def poll_cycle(args: argparse.Namespace) -> float | None:
    from benchmarks._harness import bench_env

    print(
        f"(A) poll cycle: {args.poll_campaigns:,} active campaigns over "
        f"{args.centres} centres, each on its own account ({load_average()})"
    )
    started = time.monotonic()
    with bench_env("portal") as env:
        asyncio.run(poll_setup(env, args.centres, args.poll_campaigns))
        print(f"    set up in {time.monotonic() - started:.0f} s")
        seconds, timer, requests = asyncio.run(poll_cycles(env, args.cycles))
    steady = percentile(seconds[1:] or seconds, 0.5)
    print(
        "    cycles: "
        + ", ".join(f"{s:.2f} s" for s in seconds)
        + f" (first moves the ROUTING half); steady {steady:.2f} s, target < "
        f"{POLL_TARGET_S:.0f} s: {verdict(steady is not None and steady < POLL_TARGET_S)}"
        f"; {requests:,} simulator requests a cycle ({load_average()})"
    )
    print("    where the time goes (all cycles; centre reads overlap):")
    for line in timer.report("      "):
        print(line)
    return steady


# -- (B) the production server, many centres ---------------------------------------


@dataclass
class Run:
    workers: int
    tabs: int = 0
    opened_s: float = 0.0
    rss_per_tab: float = 0.0
    redis_per_tab: float = 0.0
    idle_cpu_per_100: float = 0.0
    redis_ops: dict[str, float] = field(default_factory=dict)
    badge: dict[str, list[float]] = field(default_factory=dict)
    clicks: list[float] = field(default_factory=list)
    changes: dict[str, float] = field(default_factory=dict)
    loads: list[str] = field(default_factory=list)
    errors: int = 0
    missed: int = 0

    def p95(self, phase: str) -> float | None:
        return percentile(self.badge.get(phase, []), 0.95)


def make_centres(server_url: str, count: int) -> list:
    """``count`` centres in the server's database, each with its simulator
    account (8 at once)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from tests.support.factories import add_centre

    with httpx.Client(base_url=f"{server_url}/sarbacane-sim", timeout=30) as http:

        def one(index: int):
            account, key = account_of(index)
            http.post(
                "/_admin/accounts", json={"accountId": account, "apiKey": key}
            ).raise_for_status()
            return add_centre(
                f"centre-{index:04d}",
                name=f"Centre {index:04d}",
                user=f"admin@centre-{index:04d}.fr",
                account=(account, key),
            )

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(count)))


def launch_tokens(centres: int, per_centre: int) -> list[str]:
    """A launch token per tab (single use), as the portal mints them."""
    from sms_hub.services.portal_auth import issue_token

    tokens = []
    for index in range(centres):
        for _ in range(per_centre):
            token = issue_token(
                SIGNING_KEY,
                user=f"admin@centre-{index:04d}.fr",
                name="Admin",
                tenant=f"centre-{index:04d}",
                tenant_name=f"Centre {index:04d}",
                role="admin",
                ttl_seconds=600,
            )
            tokens.append(token)
    return tokens


def record_connect(server_url: str) -> dict[str, str]:
    from playwright.sync_api import sync_playwright

    from benchmarks.bench_scale import chromium, record_frames

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        try:
            return record_frames(browser, server_url)
        finally:
            browser.close()


async def prepare(actors: list, names: list[str]) -> list[int]:
    """One draft with one recipient in each centre of ``actors`` (8 at once)."""
    from benchmarks.bench_live import one_contact_list, prepare_campaigns

    gate = asyncio.Semaphore(8)

    async def one(actor, name: str) -> int:
        async with gate:
            list_id = await asyncio.to_thread(one_contact_list, actor, name)
            return (await prepare_campaigns(actor, [name], list_id))[0]

    return list(
        await asyncio.gather(*(one(a, n) for a, n in zip(actors, names, strict=True)))
    )


async def launch_on_time(
    actors: list, ids: list[int], offsets: list[float]
) -> list[BaseException]:
    """Launch ``ids[i]`` as ``actors[i]`` at ``offsets[i]`` s from now (each its
    own task, so a slow launch delays no other)."""
    from sms_hub.services import sending

    started = time.monotonic()

    async def one(actor, campaign_id: int, at: float) -> None:
        await asyncio.sleep(max(0.0, at - (time.monotonic() - started)))
        await sending.launch(actor, campaign_id, None)

    outcomes = await asyncio.gather(
        *(one(a, c, t) for a, c, t in zip(actors, ids, offsets, strict=True)),
        return_exceptions=True,
    )
    return [o for o in outcomes if isinstance(o, BaseException)]


async def click_round_trips(fleet: TabFleet, until: float, gap_s: float = 0.25):
    """A tab's sort (by name, twice a round) -> its rows back, until ``until``."""
    seconds: list[float] = []
    frame = event_frame(f"{fleet.campaigns_state}.sort_by", {"key": "name"})
    index = 0
    while time.monotonic() < until and fleet.tabs:
        tab = fleet.tabs[(index * 7) % len(fleet.tabs)]
        index += 1
        before = tab.reloads
        started = time.monotonic()
        await tab.send(frame)
        while tab.reloads == before and time.monotonic() - started < 5:
            await asyncio.sleep(0.002)
        if tab.reloads != before:
            seconds.append(time.monotonic() - started)
        await asyncio.sleep(gap_s)
    return seconds


def badge_seconds(
    fleet: TabFleet, timeline: dict[str, tuple[float, float]], names: set[str]
) -> tuple[list[float], int]:
    """Simulator change -> a tab of the centre received the row in its new status."""
    from benchmarks.bench_live import FINISHED, SENDING

    seen, missed = [], 0
    for tab in fleet.tabs:
        mine = {name for (name, _label) in tab.statuses} & names
        for name in mine:
            for label, changed in zip((SENDING, FINISHED), timeline[name], strict=True):
                at = tab.statuses.get((name, label))
                if at is None:
                    missed += label == FINISHED
                else:
                    seen.append(at - changed)
    return seen, missed


def worker_run(workers: int, args: argparse.Namespace, deadline: float) -> Run:
    from benchmarks._harness import settings_from
    from benchmarks._server import group_pids, production_server, rss_bytes
    from benchmarks.bench_live import Loop
    from benchmarks.bench_scale import Meter

    run = Run(workers)
    centres, per = args.centres, args.tabs_per_centre
    print(f"\n(B) {workers} workers, PostgreSQL and Redis ({load_average()})")
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server())
        postgres = stack.enter_context(postgres_server())
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-portal-"))
        extra = {
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "GRANIAN_WORKERS": str(workers),
            "POLL_INTERVAL_SECONDS": "1",
            "PORTAL_SIGNING_KEY": SIGNING_KEY,
            "SECRETS_KEY": SECRETS_KEY,
            "SIMULATOR_MODERATION_SECONDS": str(MODERATION_S),
            "SIMULATOR_RECIPIENTS_PER_SECOND": str(RECIPIENTS_PER_SECOND),
        }
        server = stack.enter_context(production_server(Path(tmp), extra))
        names = ("PORT", "DATA_DIR", "DATABASE_URL", "SARBACANE_API_URL", "DEMO_MODE")
        stack.enter_context(
            settings_from(
                {name: server.env.get(name) for name in names}
                | {"SECRETS_KEY": SECRETS_KEY, "PORTAL_SIGNING_KEY": SIGNING_KEY}
            )
        )
        services = Loop()
        stack.callback(services.close)
        pgid = os.getpgid(server.pid)
        print(f"    server up in {server.build_seconds:.0f} s")
        frames = record_connect(server.url)
        started = time.monotonic()
        actors = make_centres(server.url, centres)
        base = launch_times(args.base_rate, args.base_seconds)
        peak = launch_times(args.peak_rate, args.peak_seconds)
        launches = len(base) + len(peak)
        owners = [(index * 37) % centres for index in range(launches)]
        labels = [f"Portail {owners[i]:04d}-{i:03d}" for i in range(launches)]
        ids = services.run(prepare([actors[o] for o in owners], labels), timeout=300)
        print(
            f"    {centres} centres with their accounts, {launches} drafts in "
            f"{time.monotonic() - started:.0f} s ({load_average()})"
        )
        meter = Meter(pgid, redis, postgres)
        time.sleep(SETTLE_S)
        empty = meter.over(args.window)
        rss0, redis0 = rss_bytes(group_pids(pgid)), redis.memory()
        fleet = TabFleet(server.port, frames["connect"], frames["follow"])
        stack.callback(fleet.close)
        run.opened_s = fleet.open(
            centres * per,
            in_flight=16,
            launch_tokens=launch_tokens(centres, per),
            limit_s=max(30.0, deadline - time.monotonic() - 90),
        )
        fleet.wait_quiet(quiet_s=1.5, limit_s=30)
        time.sleep(SETTLE_S)
        run.tabs = fleet.hydrated
        run.errors = len(fleet.errors)
        tabs = max(run.tabs, 1)
        run.rss_per_tab = (rss_bytes(group_pids(pgid)) - rss0) / tabs
        run.redis_per_tab = (redis.memory() - redis0) / tabs
        print(
            f"    {run.tabs}/{centres * per} tabs signed in and hydrated in "
            f"{run.opened_s:.0f} s ({run.errors} errors; {load_average()})"
        )
        idle = meter.over(args.window)
        # An upper bound: the whole server's CPU with the tabs idle (the window
        # without tabs is no baseline: the leader discovers the new centres then).
        run.idle_cpu_per_100 = idle.share(idle.server_cpu) / tabs * 100
        run.redis_ops["no tab"] = empty.redis_commands / empty.seconds
        run.redis_ops["idle"] = idle.redis_commands / idle.seconds
        run.loads.append(load_average())
        print(
            f"    idle: server {idle.share(idle.server_cpu):.1%} of a core (no tab "
            f"{empty.share(empty.server_cpu):.1%}); memory per tab: server "
            f"{run.rss_per_tab / 1024:,.0f} KiB, Redis {run.redis_per_tab / 1024:,.1f}"
            f" KiB; Redis {run.redis_ops['idle']:,.0f} commands/s "
            f"(no tab {run.redis_ops['no tab']:,.0f}) ({run.loads[-1]})"
        )
        phases = (
            ("base", 0, base, args.base_seconds),
            ("peak", len(base), peak, args.peak_seconds),
        )
        for phase, first, offsets, seconds in phases:
            # A phase lasts its launches, then MODERATION + ROUTING (8 s), plus
            # reading the results; the base phase gives way to the peak one.
            needed = seconds + 15 + (args.peak_seconds + 15 if phase == "base" else 0)
            if time.monotonic() + needed > deadline:
                print(f"    {phase}: skipped, the time budget is spent")
                continue
            chosen = slice(first, first + len(offsets))
            meter.start()
            launching = services.submit(
                launch_on_time(
                    [actors[o] for o in owners[chosen]], ids[chosen], offsets
                )
            )
            clicking = asyncio.run_coroutine_threadsafe(
                click_round_trips(fleet, time.monotonic() + seconds + 8), fleet.loop
            )
            failures = launching.result(seconds + 120)
            clicks = clicking.result(seconds + 60)
            # the last changes come MODERATION + ROUTING after the last launch
            time.sleep(max(0.0, MODERATION_S + 1 / RECIPIENTS_PER_SECOND + 3 - 8))
            usage = meter.stop()
            run.redis_ops[phase] = usage.redis_commands / usage.seconds
            timeline = _timeline(server, ids[chosen])
            seen, missed = badge_seconds(fleet, timeline, set(timeline))
            run.badge[phase], run.missed = seen, run.missed + missed
            if phase == "peak":
                run.clicks = clicks
            else:
                run.clicks += clicks
            run.changes[phase] = 2 * len(offsets) / seconds
            run.loads.append(load_average())
            print(
                f"    {phase}: {len(offsets)} launches over {seconds:.0f} s -> about "
                f"{run.changes[phase]:.0f} state changes/s ({len(failures)} failed); "
                f"change -> tab p95 {ms(run.p95(phase))} (n={len(seen)}, "
                f"{missed} FINISH never seen); click p95 "
                f"{ms(percentile(clicks, 0.95))} (n={len(clicks)}); server "
                f"{usage.share(usage.server_cpu):.0%}, Redis "
                f"{run.redis_ops[phase]:,.0f} commands/s ({run.loads[-1]})"
            )
            if failures:
                print(f"      e.g. {failures[0]!r}")
    return run


def _timeline(server, ids: list[int]) -> dict[str, tuple[float, float]]:
    """Campaign name -> (ROUTING time, FINISH time), from the simulator's sends."""
    import sqlite3

    from sms_hub.settings import get_settings
    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign

    with session_scope(get_settings().database_url) as session:
        rows = [session.get(Campaign, cid) for cid in ids]
    db = sqlite3.connect(f"file:{server.simulator_path}?mode=ro", uri=True)
    try:
        result = {}
        for row in rows:
            if row is None or not row.sarbacane_id:
                continue
            found = db.execute(
                "SELECT start_at, moderation_seconds, recipients_per_second"
                " FROM sends WHERE campaign_id = ? ORDER BY created DESC LIMIT 1",
                (row.sarbacane_id,),
            ).fetchone()
            if found is None:
                continue
            start_at, moderation, rate = found
            routing = start_at + moderation
            result[row.name] = (routing, routing + 1 / rate)
    finally:
        db.close()
    return result


# -- summary ----------------------------------------------------------------------


def summary(runs: list[Run], cycle: float | None, args: argparse.Namespace) -> bool:
    print(
        "\nworkers | tabs | memory/tab server + Redis | idle CPU/100 tabs | Redis "
        "cmd/s idle, base, peak | change->tab p95 base, peak | click p95 | load"
    )
    ok = cycle is None or cycle < POLL_TARGET_S
    for run in runs:
        print(
            f"{run.workers:>7} | {run.tabs:>4} | {run.rss_per_tab / 1024:>6,.0f} KiB + "
            f"{run.redis_per_tab / 1024:,.1f} KiB | {run.idle_cpu_per_100:>6.2%} | "
            f"{run.redis_ops.get('idle', 0):,.0f}, {run.redis_ops.get('base', 0):,.0f}"
            f", {run.redis_ops.get('peak', 0):,.0f} | {ms(run.p95('base'))}, "
            f"{ms(run.p95('peak'))} | {ms(percentile(run.clicks, 0.95))} | "
            f"{run.loads[-1] if run.loads else '-'}"
        )
        badge = run.p95("peak")
        click = percentile(run.clicks, 0.95)
        ok = ok and (badge is not None and badge < BADGE_TARGET_S)
        ok = ok and (click is not None and click < CLICK_TARGET_S)
    print(
        f"poll cycle ({args.poll_campaigns:,} campaigns, {args.centres} centres): "
        + ("-" if cycle is None else f"{cycle:.2f} s")
    )
    if runs and cycle is not None:
        last = runs[-1]
        print(f"\nExtrapolated to 1,000 centres x 5 tabs ({last.workers} workers):")
        for line in extrapolate(
            centres=args.centres,
            tabs_per_centre=args.tabs_per_centre,
            server_bytes_per_tab=last.rss_per_tab,
            redis_bytes_per_tab=last.redis_per_tab,
            idle_cpu_per_100_tabs=last.idle_cpu_per_100,
            redis_idle_ops=last.redis_ops.get("idle", 0.0),
            redis_load_ops=last.redis_ops.get("peak", 0.0),
            measured_tabs=max(last.tabs, 1),
            poll_cycle_s=cycle,
            measured_centres=args.centres,
        ).lines:
            print(f"    {line}")
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centres", type=int, default=300)
    parser.add_argument("--tabs-per-centre", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[2, 4])
    parser.add_argument("--poll-campaigns", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--base-rate", type=float, default=1.0)
    parser.add_argument("--base-seconds", type=float, default=10.0)
    parser.add_argument("--peak-rate", type=float, default=20.0)
    parser.add_argument("--peak-seconds", type=float, default=6.0)
    parser.add_argument("--window", type=float, default=6.0, help="idle windows, s")
    parser.add_argument("--budget", type=float, default=360.0, help="seconds in all")
    parser.add_argument("--skip-poll", action="store_true")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.budget
    print(f"Portal shape: many centres, a few tabs each ({load_average()})")
    from benchmarks.bench_live import CHROMIUM
    from benchmarks.bench_scale import backing_missing

    missing = backing_missing() or (
        "" if Path(CHROMIUM).exists() else f"{CHROMIUM} not found (set CHROMIUM)"
    )
    if args.workers and missing:
        print(f"(B) skipped: {missing}")
    # The worker runs (B) first: their figures change with the app's states;
    # the poll cycle (A) in what they left (alone: ``--workers`` with no count).
    reserve = 0.0
    runs = []
    for index, workers in enumerate([] if missing else args.workers):
        left = len(args.workers) - index
        share = (deadline - reserve - time.monotonic()) / left
        if share < 60:
            print(f"(B) {workers} workers: skipped, the time budget is spent")
            continue
        runs.append(worker_run(workers, args, time.monotonic() + share))
    cycle = None
    if args.skip_poll:
        pass
    elif deadline - time.monotonic() < POLL_RESERVE_S:
        print(
            "\n(A) poll cycle: skipped, the time budget is spent (run it alone: "
            "python -m benchmarks.bench_portal --workers)"
        )
    else:
        cycle = poll_cycle(args)
    return summary(runs, cycle, args)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
