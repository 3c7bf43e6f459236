"""Writes that race a status change lose: import, delete and the poller's writes.

Each test lets the guard's check pass first, then changes the status the
way a concurrent launch or cancel would, before the write commits.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from sms_hub.domain.lifecycle import Status
from sms_hub.services import audience, sending
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.errors import NotAllowed
from sms_hub.store import queries
from sms_hub.store.models import AuditEvent, utcnow
from tests.integration.test_audience_and_sending import (
    _campaign,
    _draft,
    _list,
    _phones,
    _scope,
)

pytest_plugins = ["tests.integration.app_fixtures"]


async def _launched(actor) -> int:
    campaign_id = await _draft(actor)
    await audience.import_lists(actor, campaign_id, [_list(actor, "a", _phones(0, 3))])
    assert await sending.launch(actor, campaign_id, None)
    assert _campaign(actor, campaign_id).status == Status.RECEIVED
    return campaign_id


async def test_an_import_racing_a_launch_copies_nothing(actor, sim, monkeypatch):
    campaign_id = await _launched(actor)
    monkeypatch.setattr(audience, "campaign_for", lambda *args: None)
    late_list = _list(actor, "b", _phones(100, 5))
    with pytest.raises(NotAllowed, match="Brouillon"):
        await audience.import_lists(actor, campaign_id, [late_list])
    assert _campaign(actor, campaign_id).recipient_count == 3


async def test_a_delete_racing_a_launch_keeps_the_campaign(actor, sim):
    campaign_id = await _launched(actor)
    campaign_service._delete_rows(actor, campaign_id, Status.DELETING)
    assert _campaign(actor, campaign_id) is not None
    with _scope() as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "delete" not in actions


async def test_a_poller_write_loses_to_a_cancel_committed_meanwhile(actor, sim):
    campaign_id = await _launched(actor)
    seen_by_poller = _campaign(actor, campaign_id)
    with _scope() as session:  # the cancel's own claim, committed first
        assert queries.claim_status(
            session,
            actor.tenant_id,
            campaign_id,
            [Status.RECEIVED.value],
            Status.CANCELLED.value,
        )
    with _scope() as session:
        changed = queries.record_sync(
            session,
            seen_by_poller,
            now=utcnow(),
            read=True,
            status=Status.FINISHED.value,
            processed_count=3,
        )
    assert changed is False
    assert _campaign(actor, campaign_id).status == Status.CANCELLED


async def test_a_poller_that_loses_its_lease_mid_cycle_writes_nothing(actor, sim):
    import asyncio

    from sms_hub.services import sync
    from tests.integration.test_audience_and_sending import sarbacane

    campaign_id = await _launched(actor)
    remote_id = _campaign(actor, campaign_id).sarbacane_id
    for _ in range(400):  # until Sarbacane has moved on from MODERATION
        if (await sarbacane().get_campaign(remote_id)).state != "MODERATION":
            break
        await asyncio.sleep(0.01)

    async def lost() -> bool:
        return False

    assert await sync.poll_changes(lost) == {}
    assert _campaign(actor, campaign_id).status == Status.RECEIVED
    assert await sync.poll_changes() == {actor.tenant_id: 1}
    assert _campaign(actor, campaign_id).status != Status.RECEIVED
