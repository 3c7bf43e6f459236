"""Writes that race a status change lose: import, delete and the poller's writes.

Each test lets the guard's check pass first, then changes the status the
way a concurrent launch or cancel would, before the write commits.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from sms_hub.domain.lifecycle import Status
from sms_hub.services import audience
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.errors import NotAllowed
from sms_hub.store import campaign_queries, poll_queries
from sms_hub.store.models import AuditEvent, utcnow
from tests.support.factories import (
    add_contact_list,
    db_scope,
    launched_campaign,
    mobile_numbers,
    sarbacane_account,
    stored_campaign,
)


async def test_an_import_racing_a_launch_copies_nothing(actor, sim, monkeypatch):
    campaign_id = await launched_campaign(actor)
    monkeypatch.setattr(audience, "campaign_for", lambda *args: None)
    late_list = add_contact_list(actor, "b", mobile_numbers(100, 5))
    with pytest.raises(NotAllowed, match="Brouillon"):
        await audience.import_lists(actor, campaign_id, [late_list])
    assert stored_campaign(actor, campaign_id).recipient_count == 3


async def test_a_delete_racing_a_launch_keeps_the_campaign(actor, sim):
    campaign_id = await launched_campaign(actor)
    campaign_service._delete_rows(actor, campaign_id, Status.DELETING)
    assert stored_campaign(actor, campaign_id) is not None
    with db_scope() as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "delete" not in actions


async def test_a_poller_write_loses_to_a_cancel_committed_meanwhile(actor, sim):
    campaign_id = await launched_campaign(actor)
    seen_by_poller = stored_campaign(actor, campaign_id)
    with db_scope() as session:  # the cancel's own claim, committed first
        assert campaign_queries.claim_status(
            session,
            actor.tenant_id,
            campaign_id,
            [Status.RECEIVED.value],
            Status.CANCELLED.value,
        )
    with db_scope() as session:
        changed = poll_queries.record_sync(
            session,
            seen_by_poller,
            now=utcnow(),
            read=True,
            status=Status.FINISHED.value,
            processed_count=3,
        )
    assert changed is False
    assert stored_campaign(actor, campaign_id).status == Status.CANCELLED


async def test_a_poller_that_loses_its_lease_mid_cycle_writes_nothing(actor, sim):
    import asyncio

    from sms_hub.services import sync

    campaign_id = await launched_campaign(actor)
    remote_id = stored_campaign(actor, campaign_id).sarbacane_id
    for _ in range(400):  # until Sarbacane has moved on from MODERATION
        if (await sarbacane_account().get_campaign(remote_id)).state != "MODERATION":
            break
        await asyncio.sleep(0.01)

    async def lost() -> bool:
        return False

    assert await sync.poll_changes(lost) == {}
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED
    assert await sync.poll_changes() == {actor.tenant_id: 1}
    assert stored_campaign(actor, campaign_id).status != Status.RECEIVED
