"""A recipient push left by a killed server does not block the next one;
a push running in another live process still does."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from sms_hub.services import audience, sync
from sms_hub.services.errors import GatewayError
from sms_hub.store.models import Lease
from tests.support.factories import (
    add_contact_list,
    create_draft,
    db_scope,
    mobile_numbers,
)


def _holder_of(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        start = stat.read().rsplit(")", 1)[1].split()[19]
    return f"{socket.gethostname()}:{pid}:{start}:push"


def _held(campaign_id: int, holder: str) -> None:
    """The lease as a push left it: held, and not due to expire for a while."""
    with db_scope() as session:
        session.add(
            Lease(
                name=f"push:{campaign_id}",
                holder=holder,
                expires_at=datetime.now(UTC) + timedelta(minutes=2),
            )
        )


async def _unpushed_campaign(actor, sim) -> int:
    campaign_id = await create_draft(actor)
    list_id = add_contact_list(actor, "coupure", mobile_numbers(0, 1500))
    sim.set_faults(error_rate=1.0)
    with pytest.raises(GatewayError):
        await audience.import_lists(actor, campaign_id, [list_id])
    sim.reset()
    assert await audience.unpushed_count(actor, campaign_id) == 1500
    return campaign_id


async def test_a_push_left_by_a_killed_server_is_resumed_at_once(actor, sim):
    campaign_id = await _unpushed_campaign(actor, sim)
    server = subprocess.Popen([sys.executable, "-c", "pass"])
    holder = _holder_of(server.pid)
    server.kill()
    server.wait()
    _held(campaign_id, holder)

    pushed, total = await audience.push_pending(actor, campaign_id)
    assert (pushed, total) == (1500, 1500)
    assert await audience.unpushed_count(actor, campaign_id) == 0
    with db_scope() as session:
        assert session.get(Lease, f"push:{campaign_id}") is None


async def test_a_push_running_in_another_live_process_is_respected(actor, sim):
    campaign_id = await _unpushed_campaign(actor, sim)
    worker = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        _held(campaign_id, _holder_of(worker.pid))
        with pytest.raises(GatewayError, match="déjà en cours"):
            await audience.push_pending(actor, campaign_id)
        assert await audience.unpushed_count(actor, campaign_id) == 1500
    finally:
        worker.communicate(b"")


async def test_a_push_on_another_machine_is_respected_until_its_lease_expires(
    actor, sim
):
    campaign_id = await _unpushed_campaign(actor, sim)
    _held(campaign_id, "another-host:4242:123456:push")
    with pytest.raises(GatewayError, match="déjà en cours"):
        await audience.push_pending(actor, campaign_id)
    with db_scope() as session:
        lease = session.get(Lease, f"push:{campaign_id}")
        assert lease is not None
        lease.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(lease)
    pushed, _ = await audience.push_pending(actor, campaign_id)
    assert pushed == 1500


async def test_the_poller_of_a_killed_server_is_replaced_at_once(actor):
    server = subprocess.Popen([sys.executable, "-c", "pass"])
    holder = _holder_of(server.pid).removesuffix(":push")
    server.kill()
    server.wait()
    with db_scope() as session:
        session.add(
            Lease(
                name=sync.LEASE_NAME,
                holder=holder,
                expires_at=datetime.now(UTC) + timedelta(minutes=2),
            )
        )
    assert sync._take_lease(timedelta(seconds=30))


def _expiry(campaign_id: int) -> datetime:
    with db_scope() as session:
        lease = session.get(Lease, f"push:{campaign_id}")
        assert lease is not None
        return lease.expires_at


async def test_a_push_stuck_on_a_slow_batch_keeps_its_lease_alive(
    actor, sim, monkeypatch
):
    monkeypatch.setattr(audience, "PUSH_HEARTBEAT_SECONDS", 0.05)
    campaign_id = await _unpushed_campaign(actor, sim)
    renewed = []

    async def slow_first_batch(done: int, total: int) -> None:
        if done:
            return
        taken = _expiry(campaign_id)
        for _ in range(400):  # up to 20 s on a loaded machine
            await asyncio.sleep(0.05)
            if _expiry(campaign_id) > taken:
                renewed.append(True)
                return

    await audience.push_pending(actor, campaign_id, slow_first_batch)
    assert renewed, "the lease was not renewed while the batch was slow"
