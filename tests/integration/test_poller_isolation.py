"""One silent Sarbacane account never holds back the live status of the others.

A centre whose account accepts requests and never answers (a ``Blackhole``
in front of the simulator, for that account only) sits beside a healthy
centre whose campaign has moved on in Sarbacane. The healthy change is
written within one cycle, without waiting for the silent read; the poller's
lease is kept (one worker or two) however long that read lasts; the silent
centre is flagged and backed off, and cleared once its account answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from sms_hub.domain.lifecycle import REMOTE_ACTIVE_STATES, Status
from sms_hub.domain.polling import retry_delay
from sms_hub.services import sync
from sms_hub.services.accounts import client_for
from sms_hub.services.context import Actor
from sms_hub.services.lease_holders import this_process
from sms_hub.settings import get_settings
from sms_hub.store import lease_queries
from sms_hub.store.models import Lease, PollHealth, Tenant, utcnow
from tests.integration.sarbacane_support import Blackhole, Simulator, running_simulator
from tests.support.factories import (
    add_centre,
    db_scope,
    launched_campaign,
    stored_campaign,
)

#: Bound of every wait on a condition (a busy 2-core CI machine).
WITHIN = 30.0
#: Requests of one read of an account: its lists by state, sent at once.
ONE_READ = len(REMOTE_ACTIVE_STATES)


@pytest.fixture(scope="module")
def _blackholed_simulator(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Blackhole, Simulator]]:
    holes: list[Blackhole] = []

    def wrap(app):
        holes.append(Blackhole(app))
        return holes[-1]

    with running_simulator(tmp_path_factory, wrap) as sim:
        yield holes[0], sim
        holes[0].release()


@pytest.fixture(scope="module")
def simulator(_blackholed_simulator) -> Simulator:
    """This module's simulator: behind a blackhole that can silence an account."""
    return _blackholed_simulator[1]


@pytest.fixture
def blackhole(_blackholed_simulator) -> Iterator[Blackhole]:
    hole = _blackholed_simulator[0]
    yield hole
    hole.release()


@dataclass(frozen=True)
class Centre:
    actor: Actor
    account: str


@pytest.fixture
def silent(actor: Actor, sim: Simulator, monkeypatch) -> Centre:
    """A second centre with its own account (silenced by each test when ready).

    Sarbacane calls wait up to 2 minutes for an answer, so nothing but the
    poller's own deadline can bound a cycle that reads the silent account.
    """
    monkeypatch.setenv("SARBACANE_TIMEOUT_SECONDS", "120")
    get_settings.cache_clear()
    account, key = f"acc-silent-{uuid.uuid4().hex[:6]}", "key-of-the-silent-centre"
    sim.add_account(account, key, name="Centre muet")
    silent = add_centre(
        f"centre-muet-{account[-6:]}",
        name="Centre muet",
        user="c@muet.fr",
        account=(account, key),
    )
    return Centre(silent, account)


async def _until(condition: Callable[[], bool], within: float = WITHIN) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within:.0f} s")
        await asyncio.sleep(0.02)


async def _moved_on(actor: Actor, campaign_id: int) -> None:
    """Until Sarbacane has the launched campaign past MODERATION."""
    with db_scope() as session:
        tenant = session.get(Tenant, actor.tenant_id)
    remote_id = stored_campaign(actor, campaign_id).sarbacane_id
    deadline = time.monotonic() + WITHIN
    while (await client_for(tenant).get_campaign(remote_id)).state == "MODERATION":
        assert time.monotonic() < deadline, "Sarbacane never moved on"
        await asyncio.sleep(0.02)


async def _healthy_and_silent(
    actor: Actor, silent: Centre, blackhole
) -> tuple[int, int]:
    """A campaign of each centre, launched and moved on in Sarbacane; then the
    silent centre's account stops answering."""
    healthy = await launched_campaign(actor)
    quiet = await launched_campaign(silent.actor)
    await _moved_on(actor, healthy)
    await _moved_on(silent.actor, quiet)
    blackhole.hold(silent.account)
    return healthy, quiet


def _health(actor: Actor) -> PollHealth | None:
    with db_scope() as session:
        return session.get(PollHealth, actor.tenant_id)


def _due_now(actor: Actor) -> None:
    """The backoff has run out (as if its wait had passed)."""
    with db_scope() as session:
        health = session.get(PollHealth, actor.tenant_id)
        assert health is not None
        health.next_attempt_at = utcnow() - timedelta(seconds=1)
        session.add(health)


async def test_one_cycle_writes_the_healthy_centre_and_flags_the_silent_one(
    actor, silent, blackhole, monkeypatch
):
    monkeypatch.setattr(sync, "CENTRE_READ_SECONDS", 0.5)
    healthy, quiet = await _healthy_and_silent(actor, silent, blackhole)

    changes = await asyncio.wait_for(sync.poll_changes(), WITHIN)

    assert changes == {actor.tenant_id: 1}
    assert stored_campaign(actor, healthy).status != Status.RECEIVED
    assert stored_campaign(silent.actor, quiet).status == Status.RECEIVED
    # each list asked once, never retried
    assert blackhole.held(silent.account) == ONE_READ
    health = _health(silent.actor)
    assert health is not None
    assert health.consecutive_failures == 1
    assert health.last_error_code == "TIMEOUT"
    assert health.next_attempt_at == health.last_failure_at + retry_delay(1)
    assert _health(actor) is None  # the healthy centre is not flagged


async def test_a_centre_waiting_for_its_account_does_not_hold_back_the_others_writes(
    actor, silent, blackhole, monkeypatch
):
    monkeypatch.setattr(sync, "CENTRE_READ_SECONDS", 60.0)
    healthy, _ = await _healthy_and_silent(actor, silent, blackhole)
    pushed: list[set[int]] = []

    async def on_change(centres: set[int]) -> None:
        pushed.append(centres)

    cycle = asyncio.create_task(sync.poll_changes(on_change=on_change))
    try:
        await _until(lambda: stored_campaign(actor, healthy).status != Status.RECEIVED)
        await _until(lambda: bool(pushed))
        assert pushed == [{actor.tenant_id}]  # pushed to its tabs at once
        assert not cycle.done()  # the silent account is still being waited for
        await _until(lambda: blackhole.held(silent.account) == ONE_READ)
    finally:
        cycle.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cycle


async def test_a_failing_account_is_backed_off_and_cleared_once_it_answers(
    actor, silent, blackhole, monkeypatch
):
    monkeypatch.setattr(sync, "CENTRE_READ_SECONDS", 0.5)
    _, quiet = await _healthy_and_silent(actor, silent, blackhole)

    await sync.poll_changes()
    assert blackhole.held(silent.account) == ONE_READ
    await sync.poll_changes()  # within its backoff: left alone
    assert blackhole.held(silent.account) == ONE_READ
    assert _health(silent.actor).consecutive_failures == 1

    _due_now(silent.actor)
    await sync.poll_changes()
    assert blackhole.held(silent.account) == 2 * ONE_READ
    health = _health(silent.actor)
    assert health.consecutive_failures == 2
    assert health.next_attempt_at - health.last_failure_at == retry_delay(2)
    assert retry_delay(2) == 2 * retry_delay(1)

    blackhole.answer(silent.account)
    _due_now(silent.actor)
    assert await sync.poll_changes() == {silent.actor.tenant_id: 1}
    assert stored_campaign(silent.actor, quiet).status != Status.RECEIVED
    health = _health(silent.actor)
    assert (health.consecutive_failures, health.next_attempt_at) == (0, None)
    assert health.recovered_at is not None


async def test_the_poller_does_not_retry_a_failed_read(actor, sim):
    campaign_id = await launched_campaign(actor)
    await _moved_on(actor, campaign_id)
    sim.reset()
    sim.set_faults(error_next=1, fault_route="GET /v1/campaigns")

    assert await sync.poll_changes() == {}

    # each list by state asked once, at once: no second try within the cycle
    assert sim.count("GET /v1/campaigns") == ONE_READ
    health = _health(actor)
    assert health is not None and health.consecutive_failures == 1
    assert health.last_error_code is not None
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED


@pytest.mark.parametrize("workers", [1, 2])
async def test_the_lease_outlives_a_silent_account_and_the_healthy_change_lands(
    actor, silent, blackhole, monkeypatch, workers
):
    """The silent read lasts many leases long; the leader keeps the lease
    (renewed by its heartbeat), the other worker never takes it, and the
    healthy centre's change is written and pushed meanwhile."""
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "0.05")
    get_settings.cache_clear()
    monkeypatch.setattr(sync, "LEASE_SECONDS", 2.0)
    monkeypatch.setattr(sync, "CENTRE_READ_SECONDS", 60.0)
    healthy, quiet = await _healthy_and_silent(actor, silent, blackhole)

    attempts: list[tuple[str, bool]] = []
    take = lease_queries.try_acquire_lease

    def recorded(session, name, holder, *args, **kwargs):
        won = take(session, name, holder, *args, **kwargs)
        if name == sync.LEASE_NAME:
            attempts.append((holder, won))
        return won

    monkeypatch.setattr(lease_queries, "try_acquire_lease", recorded)
    pushed = asyncio.Event()

    async def on_change(centres: set[int]) -> None:
        if actor.tenant_id in centres:
            pushed.set()

    holders = [f"{this_process()}:worker-{n}" for n in range(workers)]
    loops = [
        asyncio.create_task(sync.run_poller(on_change, holder=holder))
        for holder in holders
    ]
    try:
        await asyncio.wait_for(pushed.wait(), WITHIN)
        assert stored_campaign(actor, healthy).status != Status.RECEIVED
        leader = next(holder for holder, won in attempts if won)

        def tries(holder: str) -> int:
            return sum(1 for who, _ in attempts if who == holder)

        # Each worker tries at most every quarter of a lease: 10 tries each
        # span over two leases, all while the silent read is pending.
        await _until(lambda: all(tries(holder) >= 10 for holder in holders))
        assert blackhole.held(silent.account) == ONE_READ
        assert {holder for holder, won in attempts if won} == {leader}
        assert all(won for holder, won in attempts if holder == leader)
        with db_scope() as session:
            assert session.get(Lease, sync.LEASE_NAME).holder == leader
        assert stored_campaign(silent.actor, quiet).status == Status.RECEIVED
    finally:
        for loop in loops:
            loop.cancel()
        for loop in loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
