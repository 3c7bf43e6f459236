"""Statistics page of a finished 100,000-recipient campaign: first and later opens.

Seeds a contact list, copies it into a campaign, pushes it to the simulator
(fast pace), launches it and waits until the simulator has finished it. Then
times ``statistics.campaign_statistics`` (what the page calls on load): the
first open reads Sarbacane's per-recipient report and keeps it; later opens
read the database only (target < 1 s).

Run with ``python -m benchmarks.bench_statistics [--recipients N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics as stats
import time

from benchmarks._harness import BenchEnv, bench_env, verdict
from benchmarks.bench_audience import seed_list, timed_copy
from sms_hub.domain.campaign import NewCampaign
from sms_hub.domain.lifecycle import Status
from sms_hub.sarbacane import close_clients
from sms_hub.services import audience, sending, statistics, sync
from sms_hub.services import campaigns as campaign_service
from sms_hub.store import campaign_queries
from sms_hub.store.db import session_scope

RECIPIENTS = 100_000
OPEN_TARGET_S = 1.0


def _status(env: BenchEnv, campaign_id: int) -> str:
    with session_scope(env.database_url) as session:
        campaign = campaign_queries.campaign_by_id(
            session, env.actor.tenant_id, campaign_id
        )
        return campaign.status if campaign else ""


async def finished_campaign(env: BenchEnv, recipients: int) -> int:
    list_id = await asyncio.to_thread(seed_list, env, recipients)
    row = await campaign_service.create_campaign(
        env.actor,
        NewCampaign.from_form(
            "Statistiques bench", "SMS_NOTIFICATION", "CentreForm", "Bonjour."
        ),
    )
    await asyncio.to_thread(timed_copy, env, row.id, list_id)
    await audience.push_pending(env.actor, row.id)
    await sending.launch(env.actor, row.id, None)
    deadline = time.monotonic() + 600
    while _status(env, row.id) != Status.FINISHED:
        if time.monotonic() > deadline:
            raise RuntimeError("the simulator did not finish the campaign")
        await sync.poll_once()
        await asyncio.sleep(0.5)
    return row.id


async def run(env: BenchEnv, recipients: int, opens: int) -> bool:
    started = time.perf_counter()
    campaign_id = await finished_campaign(env, recipients)
    print(
        f"  set-up: {recipients:,} recipients pushed, sent and finished in "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    first = await statistics.campaign_statistics(env.actor, campaign_id)
    first_s = time.perf_counter() - started
    print(
        f"  first open (reads Sarbacane's report, keeps it): {first_s:.2f} s "
        f"({first.figures[1].value} envoyés)"
    )
    times = []
    for _ in range(opens):
        started = time.perf_counter()
        later = await statistics.campaign_statistics(env.actor, campaign_id)
        times.append(time.perf_counter() - started)
    assert later.figures == first.figures
    median = stats.median(times)
    ok = median < OPEN_TARGET_S
    print(
        f"  later opens (database only), {opens} runs: median {median:.3f} s, "
        f"max {max(times):.3f} s (target < {OPEN_TARGET_S:.0f} s: {verdict(ok)})"
    )
    await close_clients()
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=RECIPIENTS)
    parser.add_argument("--opens", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"Statistics: a finished campaign of {args.recipients:,} recipients")
    with bench_env(
        "statistics", recipients_per_second=1_000_000.0, moderation_seconds=0.1
    ) as env:
        return asyncio.run(run(env, args.recipients, args.opens))


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
