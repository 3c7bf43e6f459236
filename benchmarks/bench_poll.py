"""One status-poll cycle (``sync.poll_once``) over 1,000 active campaigns.

Creates 1,000 campaigns in the simulator through the client, a few
recipients each, launches them with ``send_now`` and inserts the matching
local rows, then times several poll cycles (target < 1 s per cycle):

- *mix*: half the campaigns in ``MODERATION`` (local *Reçue*), half in
  ``ROUTING`` (local *Envoi en cours*, so one ``GET /campaigns/{id}`` each for
  its progress): the first cycle, which moves the routing half from *Reçue*
  to *Envoi en cours*, then steady cycles with nothing to change;
- *all routing*: the simulated clock moved on so that every campaign is
  ``ROUTING`` (1,000 detail reads per cycle, the worst case).

- *discovery*: with the finished history in the account (5,000 standard
  SMS campaigns made in Sarbacane, none linked), the leader's discovery
  runs (``discovery.discover_centre``, at most ``MAX_PAGES_PER_CYCLE`` pages
  of 1000 per run) until the whole listing was read and adopted, then a
  steady run with nothing new.

Each cycle is broken down (local read, the three bulk ``GET /campaigns?state=``
lists, the detail reads, the local write), and the simulator's own cost of
one bulk list is timed without HTTP.

Run with ``python -m benchmarks.bench_poll`` (``--campaigns N``, ``--cycles N``).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import time

from sqlmodel import select

from benchmarks._harness import BenchEnv, Timer, bench_env, mobiles, patched, verdict
from sms_hub.domain.lifecycle import Status
from sms_hub.sarbacane import close_clients, get_client
from sms_hub.sarbacane.simulator import Store
from sms_hub.services import discovery, sync
from sms_hub.settings import get_settings
from sms_hub.store.db import session_scope
from sms_hub.store.models import Campaign, Tenant
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    Simulator,
    simulator_settings,
)

CAMPAIGNS = 1_000
RECIPIENTS_EACH = 3
CYCLES = 5
#: Finished campaigns in the account's history (the FINISH list pages them).
HISTORY = 5_000
TARGET_S = 1.0
#: Moderation of the "received" half: long enough to stay MODERATION all along.
MODERATION_S = 1_000.0
#: Slow enough that a routing campaign stays ROUTING for the whole run.
RECIPIENTS_PER_SECOND = 0.001


async def create_campaigns(env: BenchEnv, count: int) -> list[tuple[str, bool]]:
    """``count`` launched campaigns: (Sarbacane id, routing now?)."""
    sim = Simulator(root=env.simulator_root, db_path=env.simulator_db)
    client = env.client()
    semaphore = asyncio.Semaphore(16)
    numbers = mobiles(RECIPIENTS_EACH * count)

    async def one(i: int) -> str:
        async with semaphore:
            ref = await client.create_sms_campaign(
                name=f"Poll bench {i:04d}",
                kind="SMS_NOTIFICATION",
                sms_from="CentreForm",
                content="Votre session commence lundi.",
            )
            chunk = numbers[i * RECIPIENTS_EACH : (i + 1) * RECIPIENTS_EACH]
            await client.add_recipients(ref.id, [(None, phone) for phone in chunk])
            return ref.id

    half = count // 2
    try:
        ids = await asyncio.gather(*(one(i) for i in range(count)))

        async def launch(chunk: list[str]) -> None:
            async def send(sarbacane_id: str) -> None:
                async with semaphore:
                    await client.send_now(sarbacane_id)

            await asyncio.gather(*(send(s) for s in chunk))

        # Routing half: no moderation, then crawling through 3 recipients.
        await asyncio.to_thread(
            sim.set_faults,
            moderation_seconds=0,
            recipients_per_second=RECIPIENTS_PER_SECOND,
        )
        await launch(ids[:half])
        await asyncio.to_thread(sim.set_faults, moderation_seconds=MODERATION_S)
        await launch(ids[half:])
        await asyncio.to_thread(sim.reset)
    finally:
        await client.aclose()
        sim.http.close()
    return [(sarbacane_id, i < half) for i, sarbacane_id in enumerate(ids)]


def insert_local(env: BenchEnv, remote: list[tuple[str, bool]]) -> None:
    """The local rows, all *Reçue par le serveur d'envoi* (as right after a launch)."""
    with session_scope(env.database_url) as session:
        for i, (sarbacane_id, _) in enumerate(remote):
            session.add(
                Campaign(
                    tenant_id=env.actor.tenant_id,
                    sarbacane_account_id=ACCOUNT_ID,
                    sarbacane_id=sarbacane_id,
                    name=f"Poll bench {i:04d}",
                    kind="SMS_NOTIFICATION",
                    sender="CentreForm",
                    content="Votre session commence lundi.",
                    status=Status.RECEIVED.value,
                    remote_state="MODERATION",
                    recipient_count=RECIPIENTS_EACH,
                )
            )


def local_statuses(env: BenchEnv) -> dict[str, int]:
    with session_scope(env.database_url) as session:
        statuses = session.exec(select(Campaign.status)).all()
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


async def timed_cycle(timer: Timer) -> tuple[float, int]:
    client = get_client(get_settings())
    with (
        patched(sync, "_active_campaigns", timer.wrap_sync(
            "local: read active campaigns", sync._active_campaigns)),
        patched(sync, "_state_index", timer.wrap_async(
            "HTTP: bulk lists by active state", sync._state_index)),
        patched(client, "get_campaign", timer.wrap_async(
            "HTTP: GET /campaigns/{id} (each)", client.get_campaign)),
        patched(sync, "_apply", timer.wrap_sync(
            "local: write observations", sync._apply)),
    ):  # fmt: skip
        started = time.perf_counter()
        changed = await sync.poll_once()
        return time.perf_counter() - started, changed


def simulator_list_cost(env: BenchEnv, offset_s: float) -> tuple[float, int]:
    """The simulator's own time for one ``GET /campaigns?state=ROUTING`` (no HTTP)."""
    store = Store(simulator_settings(env.simulator_db))
    started = time.perf_counter()
    page = store.list_campaigns(
        search=None, state="ROUTING", offset=0, limit=1000, now=time.time() + offset_s
    )
    return time.perf_counter() - started, len(page)


def seed_finished_history(env: BenchEnv, count: int) -> None:
    """``count`` campaigns sent and finished long ago, written straight into the
    simulator's SQLite (creating them through the API would take minutes)."""
    now = time.time()
    db = sqlite3.connect(env.simulator_db)
    try:
        with db:
            db.executemany(
                "INSERT INTO campaigns (id, account_id, name, kind, sms_from, content,"
                " created, edited, first_send_id) VALUES (?, ?, ?, 'SMS_NOTIFICATION',"
                " 'CentreForm', 'Ancienne', ?, ?, ?)",
                [
                    (
                        f"old{i:06d}",
                        ACCOUNT_ID,
                        f"Ancienne {i}",
                        now - 86_400,
                        now - 86_400,
                        f"sndold{i:06d}",  # its send id from creation (sends[0])
                    )
                    for i in range(count)
                ],
            )
            db.executemany(
                "INSERT INTO sends (id, account_id, campaign_id, created, start_at,"
                " moderation_seconds, recipients_per_second, total, parts, settled)"
                " VALUES (?, ?, ?, ?, ?, 0, 1000, ?, 1, ?)",
                [
                    (
                        f"sndold{i:06d}",
                        ACCOUNT_ID,
                        f"old{i:06d}",
                        now - 86_400,
                        now - 86_400,
                        RECIPIENTS_EACH,
                        RECIPIENTS_EACH,
                    )
                    for i in range(count)
                ],
            )
            db.executemany(
                "INSERT INTO recipients (campaign_id, email, phone) VALUES (?, '', ?)",
                [
                    (f"old{i // RECIPIENTS_EACH:06d}", phone)
                    for i, phone in enumerate(mobiles(count * RECIPIENTS_EACH))
                ],
            )
    finally:
        db.close()  # fmt: skip


async def scenario(
    title: str, sim: Simulator, cycles: int, first: bool = False
) -> bool:
    """Time ``cycles`` steady cycles (after a first one when ``first``)."""
    ok = True
    if first:
        timer = Timer()
        seconds, changed = await timed_cycle(timer)
        ok &= seconds < TARGET_S
        print(
            f"  {title}, first cycle: {seconds:.3f} s, {changed} campaign(s) "
            f"changed (target < {TARGET_S:.0f} s: {verdict(seconds < TARGET_S)})"
        )
    timer = Timer()
    before = sum((await asyncio.to_thread(sim.stats)).values())
    steady: list[float] = []
    changes: set[int] = set()
    for _ in range(cycles):
        seconds, changed = await timed_cycle(timer)
        steady.append(seconds)
        changes.add(changed)
    requests = sum((await asyncio.to_thread(sim.stats)).values()) - before - 1
    ok &= max(steady) < TARGET_S
    print(
        f"  {title}, {cycles} steady cycles: min {min(steady):.3f} s, median "
        f"{statistics.median(steady):.3f} s, max {max(steady):.3f} s; "
        f"{requests / cycles:,.0f} Sarbacane requests per cycle; changes "
        f"{sorted(changes)} (target < {TARGET_S:.0f} s per cycle: "
        f"{verdict(max(steady) < TARGET_S)})"
    )
    print("    per cycle, on average (detail reads overlap, 8 at a time):")
    for name, total in timer.totals.items():
        calls = timer.counts[name] / cycles
        print(f"      {name:<34} {total / cycles:7.3f} s ({calls:,.0f} call(s))")
    return ok


def _tenant(env: BenchEnv) -> Tenant:
    with session_scope(env.database_url) as session:
        tenant = session.get(Tenant, env.actor.tenant_id)
        assert tenant is not None
        return tenant


async def discovery_cost(env: BenchEnv, history: int) -> bool:
    """Discovery runs over an account holding ``history`` campaigns made in
    Sarbacane: runs until the listing is read through, then a steady one."""
    tenant = await asyncio.to_thread(_tenant, env)
    key = (tenant.id or 0, ACCOUNT_ID)
    runs: list[tuple[float, int, int]] = []
    for _ in range(history // 1000 + 3):
        offset = discovery._sweeps[key].offset if key in discovery._sweeps else 0
        started = time.perf_counter()
        changed = await discovery.discover_centre(tenant)
        seconds = time.perf_counter() - started
        after = discovery._sweeps[key].offset
        runs.append((seconds, changed, (after or offset + 1000) - offset))
        if after == 0:
            break
    started = time.perf_counter()
    steady_changed = await discovery.discover_centre(tenant)
    steady = time.perf_counter() - started
    worst = max(seconds for seconds, _, _ in runs)
    for n, (seconds, changed, rows) in enumerate(runs, 1):
        print(
            f"  discovery run {n}: {seconds:.3f} s, listing rows {rows:,} read "
            f"(pages of 1000), {changed:,} row(s) adopted or changed"
        )
    print(
        f"  discovery over {history:,} campaigns made in Sarbacane: read through "
        f"in {len(runs)} runs (at most {discovery.MAX_PAGES_PER_CYCLE} pages of "
        f"1000 per run), worst run {worst:.3f} s; a steady run (nothing new, "
        f"the next sweep's first pages) {steady:.3f} s, {steady_changed} changed"
    )
    return True


async def request_latency(env: BenchEnv, sarbacane_id: str) -> str:
    """Serial latency of one GET /campaigns/{id}, and of the simulator alone."""
    client = env.client()
    store = Store(simulator_settings(env.simulator_db))
    try:
        for _ in range(10):
            await client.get_campaign(sarbacane_id)
        n = 100
        started = time.perf_counter()
        for _ in range(n):
            await client.get_campaign(sarbacane_id)
        over_http = (time.perf_counter() - started) / n
        started = time.perf_counter()
        for _ in range(n):
            await asyncio.to_thread(store.begin_request, "bench")
            await asyncio.to_thread(store.campaign, sarbacane_id, time.time())
        in_store = (time.perf_counter() - started) / n
    finally:
        await client.aclose()
    return (
        f"one GET /campaigns/{{id}}: {over_http * 1000:.1f} ms over loopback HTTP, "
        f"of which the simulator's SQLite work is {in_store * 1000:.1f} ms "
        "(request counter + campaign view)"
    )


async def run(env: BenchEnv, count: int, cycles: int, history: int) -> bool:
    started = time.perf_counter()
    remote = await create_campaigns(env, count)
    await asyncio.to_thread(insert_local, env, remote)
    routing = sum(1 for _, now_routing in remote if now_routing)
    print(
        f"  set-up: {count:,} campaigns x {RECIPIENTS_EACH} recipients created and "
        f"launched in the simulator, local rows inserted, in "
        f"{time.perf_counter() - started:.1f} s ({routing} routing, "
        f"{count - routing} in moderation)"
    )
    sim = Simulator(root=env.simulator_root, db_path=env.simulator_db)
    try:
        ok = await scenario("mix", sim, cycles, first=True)
        print(f"    local statuses now: {await asyncio.to_thread(local_statuses, env)}")

        # Every campaign ROUTING: move the simulated clock past the moderation.
        await asyncio.to_thread(sim.set_faults, clock_offset_seconds=MODERATION_S + 10)
        ok &= await scenario("all routing", sim, cycles, first=True)
        print(f"    local statuses now: {await asyncio.to_thread(local_statuses, env)}")

        if history:
            await asyncio.to_thread(seed_finished_history, env, history)
            ok &= await scenario(
                f"all routing + {history:,} finished campaigns in Sarbacane's history",
                sim,
                cycles,
            )
            ok &= await discovery_cost(env, history)
        cost, rows = await asyncio.to_thread(
            simulator_list_cost, env, MODERATION_S + 10
        )
        print(
            f"  simulator alone, one GET /campaigns?state=ROUTING over "
            f"{count + history:,} campaigns: {cost:.3f} s for {rows} rows"
        )
        print("  " + await request_latency(env, remote[0][0]))
        await asyncio.to_thread(sim.reset)
    finally:
        sim.http.close()
    await close_clients()
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=CAMPAIGNS)
    parser.add_argument("--cycles", type=int, default=CYCLES)
    parser.add_argument(
        "--history",
        type=int,
        default=HISTORY,
        help="finished campaigns seeded in the simulator (0 to skip)",
    )
    args = parser.parse_args(argv)
    print(f"Status poll: one sync.poll_once() cycle over {args.campaigns:,} campaigns")
    with bench_env("poll") as env:
        return asyncio.run(run(env, args.campaigns, args.cycles, args.history))


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
