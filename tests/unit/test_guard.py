"""The campaign guard and the services' claims agree with the lifecycle table.

A database of its own (SQLite, no Sarbacane): every (action, status) pair
is derived from the table and checked against what the services do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_hub.domain import lifecycle
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.lifecycle import Action, Status, already_done, refusal
from sms_hub.sarbacane import SarbacaneUnavailable
from sms_hub.services import guard, sending
from sms_hub.services.context import Actor
from sms_hub.services.errors import AlreadyDone, GatewayError, NotAllowed, NotFound
from sms_hub.services.gateway import sarbacane_call
from sms_hub.settings import get_settings
from sms_hub.store import audit_queries, campaign_queries, centre_queries
from sms_hub.store.db import session_scope
from sms_hub.store.migrate import upgrade

PAIRS = [(action, status) for action in Action for status in Status]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 't.db'}"
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    upgrade(url)
    yield url
    get_settings.cache_clear()


def _centre(url: str, slug: str) -> Actor:
    with session_scope(url) as session:
        tenant = centre_queries.upsert_tenant(
            session, slug=slug, name=f"Centre {slug}", opt_out_mention="STOP"
        )
        return Actor(tenant_id=tenant.id or 0, user=f"{slug}@exemple.fr")


@pytest.fixture
def actor(database: str) -> Actor:
    return _centre(database, "horizon")


def _campaign(url: str, actor: Actor, status: Status, recipients: int = 1) -> int:
    with session_scope(url) as session:
        campaign = campaign_queries.insert_campaign(
            session,
            tenant_id=actor.tenant_id,
            sarbacane_account_id="acc-horizon",
            sarbacane_id=f"sb-{status.value}",
            name=f"Campagne {status.value}",
            kind="SMS_NOTIFICATION",
            sender="CENTRE",
            content="Bonjour",
            status=status.value,
            remote_state=None,
            created_by=actor.user,
        )
        campaign.recipient_count = recipients
        return campaign.id or 0


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_the_guard_refuses_with_the_tables_reason(database, actor, action, status):
    campaign_id = _campaign(database, actor, status)
    reason = refusal(action, status, 1)
    if reason is None:
        found = guard.campaign_in_centre(actor, campaign_id, action)
        assert found.campaign.id == campaign_id
        assert found.tenant.id == actor.tenant_id
        assert found.status is status
        return
    with pytest.raises(NotAllowed) as refused:
        guard.campaign_for(actor, campaign_id, action)
    assert refused.value.user_message == reason
    assert isinstance(refused.value, AlreadyDone) == already_done(action, status)


def test_the_guard_refuses_a_launch_without_recipients(database, actor):
    campaign_id = _campaign(database, actor, Status.DRAFT, recipients=0)
    with pytest.raises(NotAllowed) as refused:
        guard.campaign_for(actor, campaign_id, Action.LAUNCH)
    assert refused.value.user_message == refusal(Action.LAUNCH, Status.DRAFT, 0)


def test_another_centres_campaign_is_not_found(database, actor):
    stranger = _centre(database, "autre")
    campaign_id = _campaign(database, actor, Status.DRAFT)
    for action in (None, *Action):
        with pytest.raises(NotFound):
            guard.campaign_for(stranger, campaign_id, action)
        with pytest.raises(NotFound):
            guard.campaign_in_centre(stranger, campaign_id, action)


def test_a_missing_campaign_or_list_is_not_found(database, actor):
    with pytest.raises(NotFound):
        guard.campaign_for(actor, 999)
    with session_scope(database) as session, pytest.raises(NotFound) as gone:
        guard.load_contact_list(session, actor, 999)
    assert gone.value.user_message == guard.LIST_GONE


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize(
    ("action", "dated"),
    [(Action.LAUNCH, False), (Action.LAUNCH, True), (Action.CANCEL, False)],
)
def test_the_services_claim_succeeds_exactly_where_the_table_allows(
    database, actor, action, dated, status
):
    campaign_id = _campaign(database, actor, status)
    taken = lifecycle.claim(action, dated=dated)
    claimed = guard.claim_campaign(actor, campaign_id, taken)
    assert claimed == (refusal(action, status, 1) is None)
    with session_scope(database) as session:
        row = campaign_queries.campaign_by_id(session, actor.tenant_id, campaign_id)
        assert row.status == (taken.to_status if claimed else status).value
    if claimed:
        assert not guard.claim_campaign(actor, campaign_id, taken), (
            "a repeat claims once"
        )
        assert guard.claim_campaign(actor, campaign_id, taken.undo(status))


async def test_launch_and_cancel_repeats_are_no_ops(database, actor):
    launched = _campaign(database, actor, Status.SENDING)
    cancelled = _campaign(database, actor, Status.CANCELLED)
    assert await sending.launch(actor, launched, None) is False
    assert await sending.cancel(actor, cancelled) is False


async def test_a_sarbacane_failure_is_undone_audited_and_translated(database, actor):
    campaign_id = _campaign(database, actor, Status.DRAFT)
    undone: list[bool] = []

    async def undo(error) -> None:
        undone.append(error.maybe_applied)

    with pytest.raises(GatewayError) as failed:
        async with sarbacane_call(
            actor, AuditAction.LAUNCH, campaign_id=campaign_id, undo=undo, hint="Et ?"
        ):
            raise SarbacaneUnavailable(maybe_applied=True)
    assert failed.value.user_message.endswith(" Et ?")
    assert undone == [True]
    with session_scope(database) as session:
        (event,) = audit_queries.audit_events(session, actor.tenant_id, campaign_id)
        assert (event.action, event.outcome) == ("launch", AuditOutcome.FAILED)
        assert event.campaign_name == "Campagne draft"
