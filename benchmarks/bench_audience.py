"""A 100,000-contact list into a campaign: the SQL copy, then the push.

(a) The copy step of ``audience.import_lists``:
``recipient_queries.copy_list_contacts_into_campaign`` + ``refresh_recipient_count``
in one session (target < 1 s), then the same list again (every number is
already there: the dedupe path).
(b) ``audience.push_pending``: 100 batches of 1000 to the simulator served on
a loopback port (target < 15 s), with a breakdown of where the time goes.
Ends by checking the simulator holds exactly 100,000 recipients, no duplicate.

Run with ``python -m benchmarks.bench_audience`` (``--contacts N`` to change
the size).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import time

from benchmarks._harness import BenchEnv, Timer, bench_env, mobiles, patched, verdict
from sms_hub.domain.campaign import NewCampaign
from sms_hub.sarbacane import close_clients, get_client
from sms_hub.services import audience
from sms_hub.services import campaigns as campaign_service
from sms_hub.settings import get_settings
from sms_hub.store import campaign_queries, recipient_queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import ContactList

CONTACTS = 100_000
COPY_TARGET_S = 1.0
PUSH_TARGET_S = 15.0


def seed_list(env: BenchEnv, count: int) -> int:
    """One contact list of ``count`` distinct mobiles, inserted with executemany."""
    with session_scope(env.database_url) as session:
        contact_list = ContactList(
            tenant_id=env.actor.tenant_id, name="Stagiaires 2026", contact_count=count
        )
        session.add(contact_list)
        session.flush()
        list_id = contact_list.id or 0
        rows = [
            (list_id, f"stagiaire{i}@exemple.fr" if i % 10 else None, phone, "Nom", "P")
            for i, phone in enumerate(mobiles(count))
        ]
        session.connection().exec_driver_sql(
            "INSERT INTO contact (list_id, email, phone, last_name, first_name)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return list_id


def timed_copy(env: BenchEnv, campaign_id: int, list_id: int) -> tuple[int, int, float]:
    """(added, recipient count, seconds) of the copy step, in one session."""
    tenant_id = env.actor.tenant_id
    with session_scope(env.database_url) as session:
        started = time.perf_counter()
        added = recipient_queries.copy_list_contacts_into_campaign(
            session, tenant_id, campaign_id, [list_id]
        )
        campaign = campaign_queries.campaign_by_id(session, tenant_id, campaign_id)
        assert campaign is not None
        count = recipient_queries.refresh_recipient_count(session, campaign)
        session.commit()
        elapsed = time.perf_counter() - started
    return added, count, elapsed


def timed_candidates(env: BenchEnv, list_id: int) -> tuple[int, float]:
    with session_scope(env.database_url) as session:
        started = time.perf_counter()
        candidates = recipient_queries.contacts_in_lists(
            session, env.actor.tenant_id, [list_id]
        )
        return candidates, time.perf_counter() - started


def simulator_counts(env: BenchEnv, sarbacane_id: str) -> tuple[int, int]:
    """(rows, distinct phones) the simulator stores for the campaign."""
    db = sqlite3.connect(env.simulator_db)
    try:
        total, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT phone) FROM recipients"
            " WHERE campaign_id = ?",
            (sarbacane_id,),
        ).fetchone()
    finally:
        db.close()
    return total, distinct


async def run(env: BenchEnv, contacts: int) -> bool:
    ok = True
    started = time.perf_counter()
    list_id = await asyncio.to_thread(seed_list, env, contacts)
    print(
        f"  seeded {contacts:,} contacts (executemany) in "
        f"{time.perf_counter() - started:.2f} s"
    )
    row = await campaign_service.create_campaign(
        env.actor,
        NewCampaign.from_form(
            "Rentrée bench", "SMS_NOTIFICATION", "CentreForm", "Rentrée lundi 8h."
        ),
    )
    campaign_id = row.id

    # (a) the SQL copy
    candidates, count_s = await asyncio.to_thread(timed_candidates, env, list_id)
    added, _count, copy_s = await asyncio.to_thread(
        timed_copy, env, campaign_id, list_id
    )
    ok &= copy_s < COPY_TARGET_S and added == contacts
    print(
        f"(a) copy {added:,} contacts into the campaign (copy + recipient count): "
        f"{copy_s:.3f} s = {added / copy_s:,.0f} rows/s "
        f"(target < {COPY_TARGET_S:.0f} s: {verdict(copy_s < COPY_TARGET_S)})"
    )
    print(
        f"    distinct numbers shown before import (contacts_in_lists): "
        f"{candidates:,} in {count_s:.3f} s"
    )
    again, count_again, again_s = await asyncio.to_thread(
        timed_copy, env, campaign_id, list_id
    )
    print(
        f"    same list again (all {contacts:,} already there): added {again}, "
        f"{again_s:.3f} s (target < {COPY_TARGET_S:.0f} s: "
        f"{verdict(again_s < COPY_TARGET_S)})"
    )
    ok &= again == 0 and count_again == contacts and again_s < COPY_TARGET_S

    # (b) the push, with where its time goes
    timer = Timer()
    batches: list[float] = []
    last = [time.perf_counter()]

    async def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if done:
            batches.append(now - last[0])
        last[0] = now

    client = get_client(get_settings())
    with (
        patched(audience, "_next_batch", timer.wrap_sync("local: next batch + counts",
                                                          audience._next_batch)),
        patched(audience, "_mark", timer.wrap_sync("local: mark pushed",
                                                   audience._mark)),
        patched(client, "add_recipients", timer.wrap_async(
            "HTTP: POST recipients (1000)", client.add_recipients)),
    ):  # fmt: skip
        started = time.perf_counter()
        pushed, total = await audience.push_pending(env.actor, campaign_id, progress)
        push_s = time.perf_counter() - started
    ok &= push_s < PUSH_TARGET_S and pushed == contacts
    print(
        f"(b) push {pushed:,} recipients in {len(batches)} batches: {push_s:.2f} s "
        f"= {pushed / push_s:,.0f} rows/s "
        f"(target < {PUSH_TARGET_S:.0f} s: {verdict(push_s < PUSH_TARGET_S)})"
    )
    if batches:
        ordered = sorted(batches)
        print(
            f"    per batch: median {ordered[len(ordered) // 2] * 1000:.0f} ms, "
            f"slowest {ordered[-1] * 1000:.0f} ms, first {batches[0] * 1000:.0f} ms, "
            f"last {batches[-1] * 1000:.0f} ms"
        )
    print("    where the time goes:")
    for line in timer.report("      "):
        print(line)

    rows, distinct = await asyncio.to_thread(
        simulator_counts, env, row_sarbacane_id(env, campaign_id)
    )
    remote = await client.get_campaign(row_sarbacane_id(env, campaign_id))
    exact = rows == distinct == contacts and remote.recipient_count == contacts
    ok &= exact
    print(
        f"    simulator holds {rows:,} recipients for the campaign, {distinct:,} "
        f"distinct phones; GET /campaigns/{{id}} recipientCount "
        f"{remote.recipient_count:,} (expected exactly {contacts:,}: "
        f"{'ok' if exact else 'WRONG'}); local total {total:,}"
    )
    await close_clients()
    return ok


def row_sarbacane_id(env: BenchEnv, campaign_id: int) -> str:
    with session_scope(env.database_url) as session:
        campaign = campaign_queries.campaign_by_id(
            session, env.actor.tenant_id, campaign_id
        )
        assert campaign is not None
        return campaign.sarbacane_id


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=CONTACTS)
    args = parser.parse_args(argv)
    print(f"Audience: {args.contacts:,} contacts into one campaign")
    with bench_env("audience") as env:
        return asyncio.run(run(env, args.contacts))


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
