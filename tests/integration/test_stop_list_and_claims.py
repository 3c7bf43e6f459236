"""The STOP list of SMS Marketing, a claim made only with a usable account,
and a delete racing a launch: through the services, against the simulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlmodel import col, update

from sms_hub.domain.campaign import (
    NO_STOP_LIST_WARNING,
    UNSUBSCRIBE_LIST_ID,
    CampaignKind,
    NewCampaign,
)
from sms_hub.domain.lifecycle import Status
from sms_hub.sarbacane import SarbacaneNotFound
from sms_hub.services import audience, copies, sending, sync
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.accounts import NOT_CONFIGURED, UNREADABLE
from sms_hub.services.context import Actor
from sms_hub.services.errors import NotAllowed, ServiceError
from sms_hub.settings import get_settings
from sms_hub.store import audit_queries
from sms_hub.store.models import AuditEvent, Campaign, Tenant
from tests.support.factories import (
    add_contact_list,
    db_scope,
    mobile_numbers,
    poll_until_finished,
    sarbacane_account,
    stored_campaign,
)

SEND_ROUTE = "POST /v1/campaigns/{campaign_id}/send"
#: The simulator's STOP list holds this number from the start.
ON_STOP_LIST = "+33600000999"
STOP_LIST_NAME = "Désinscrits STOP"


def _events(actor: Actor, campaign_id: int) -> list[AuditEvent]:
    with db_scope() as session:
        return audit_queries.audit_events(session, actor.tenant_id, campaign_id)


async def _draft(
    actor: Actor, kind: CampaignKind, name: str = "Portes ouvertes"
) -> int:
    row = await campaign_service.create_campaign(
        actor, NewCampaign(name, kind, "CentreForm", "Bonjour")
    )
    return row.id


async def _with_recipients(
    actor: Actor, campaign_id: int, phones: list[str], name: str = ""
) -> None:
    list_id = add_contact_list(actor, name or f"liste{campaign_id}", phones)
    await audience.import_lists(actor, campaign_id, [list_id])


async def _remote_blacklists(actor: Actor, campaign_id: int) -> set[str]:
    remote = await sarbacane_account().get_campaign(
        stored_campaign(actor, campaign_id).sarbacane_id
    )
    return set(remote.blacklists)


async def _until_finished(actor: Actor, campaign_id: int) -> None:
    await poll_until_finished(actor, campaign_id)


@pytest.fixture
def allowed_hour(monkeypatch):
    """Launches happen on a Wednesday at 11:00 in Paris: inside the SMS Marketing
    sending window whatever the hour the test runs at."""

    class Wednesday(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2027, 1, 13, 10, 0, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(sending, "datetime", Wednesday)


# --- 1. SMS Marketing leaves with the STOP list --------------------------------


async def test_a_new_marketing_campaign_has_the_stop_list_assigned(actor, sim):
    marketing = await _draft(actor, CampaignKind.MARKETING)
    assert await _remote_blacklists(actor, marketing) == {UNSUBSCRIBE_LIST_ID}
    assert await audience.current_exclusions(actor, marketing) == [STOP_LIST_NAME]
    notification = await _draft(actor, CampaignKind.NOTIFICATION)
    assert await _remote_blacklists(actor, notification) == set()
    assert await audience.current_exclusions(actor, notification) == []


async def test_a_duplicated_marketing_campaign_gets_the_stop_list_back(actor, sim):
    source = await _draft(actor, CampaignKind.MARKETING)
    await audience.assign_exclusions(actor, source, [])  # the user removed it
    assert await _remote_blacklists(actor, source) == set()
    result = await copies.duplicate_campaign(actor, source, with_recipients=False)
    assert await _remote_blacklists(actor, result.row.id) == {UNSUBSCRIBE_LIST_ID}
    assert await audience.current_exclusions(actor, result.row.id) == [STOP_LIST_NAME]


async def test_a_resent_marketing_campaign_has_the_stop_list(actor, sim, allowed_hour):
    source = await _draft(actor, CampaignKind.MARKETING, "Relance")
    await audience.assign_exclusions(actor, source, [])
    await _with_recipients(actor, source, ["+33612345613", *mobile_numbers(0, 3)])
    assert await sending.launch(actor, source, None, without_stop_list_confirmed=True)
    await _until_finished(actor, source)
    result = await copies.resend_to_failed(actor, source)
    assert result.recipients == 1
    assert await _remote_blacklists(actor, result.row.id) == {UNSUBSCRIBE_LIST_ID}
    assert await audience.current_exclusions(actor, result.row.id) == [STOP_LIST_NAME]


async def test_a_number_on_the_stop_list_does_not_get_the_marketing_sms(
    actor, sim, allowed_hour
):
    await sarbacane_account().add_to_blacklist(
        UNSUBSCRIBE_LIST_ID, phone="+33600000998"
    )
    campaign_id = await _draft(actor, CampaignKind.MARKETING)
    others = mobile_numbers(0, 3)
    await _with_recipients(actor, campaign_id, [ON_STOP_LIST, "+33600000998", *others])
    preview = await sending.preview(actor, campaign_id)
    assert preview.exclusions == [STOP_LIST_NAME]
    assert preview.stop_list_warning == ""
    assert await sending.launch(actor, campaign_id, None)
    await _until_finished(actor, campaign_id)
    remote_id = stored_campaign(actor, campaign_id).sarbacane_id
    reached = {r.phone for r in await sarbacane_account().report_recipients(remote_id)}
    assert reached == set(others)


async def test_launch_without_the_stop_list_needs_a_confirmation_and_is_audited(
    actor, sim, allowed_hour
):
    campaign_id = await _draft(actor, CampaignKind.MARKETING)
    await _with_recipients(actor, campaign_id, [ON_STOP_LIST, *mobile_numbers(0, 2)])
    await audience.assign_exclusions(actor, campaign_id, [])
    preview = await sending.preview(actor, campaign_id)
    assert preview.stop_list_warning == NO_STOP_LIST_WARNING
    assert NO_STOP_LIST_WARNING == (
        "Cette campagne SMS Marketing sera envoyée sans la liste des désinscrits "
        "(STOP) : des personnes qui ont demandé à ne plus recevoir de SMS le "
        "recevront."
    )

    with pytest.raises(NotAllowed) as refused:
        await sending.launch(actor, campaign_id, None)
    assert NO_STOP_LIST_WARNING in refused.value.user_message
    assert stored_campaign(actor, campaign_id).status == Status.DRAFT
    assert sim.count(SEND_ROUTE) == 0

    assert await sending.launch(
        actor, campaign_id, None, without_stop_list_confirmed=True
    )
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED
    launches = [e for e in _events(actor, campaign_id) if e.action == "launch"]
    assert [(e.outcome, e.detail) for e in launches] == [
        (
            "ok",
            "envoi immédiat, sans la liste des désinscrits (STOP) : "
            "confirmé par l'utilisateur",
        )
    ]


async def test_the_stop_list_is_assigned_again_by_the_reusable_service(actor, sim):
    campaign_id = await _draft(actor, CampaignKind.MARKETING)
    choices = await audience.exclusion_choices(actor, campaign_id)
    other = next(c for c in choices if c.id != UNSUBSCRIBE_LIST_ID)
    await audience.assign_exclusions(actor, campaign_id, [(other.id, other.name)])
    assert await audience.assign_unsubscribe_list(actor, campaign_id) is True
    assert await _remote_blacklists(actor, campaign_id) == {
        other.id,
        UNSUBSCRIBE_LIST_ID,
    }
    assert await audience.current_exclusions(actor, campaign_id) == [
        other.name,
        STOP_LIST_NAME,
    ]
    # Already there: nothing to do, nothing asked of Sarbacane.
    calls = sim.count("POST /v1/campaigns/{campaign_id}/blacklists")
    assert await audience.assign_unsubscribe_list(actor, campaign_id) is False
    assert sim.count("POST /v1/campaigns/{campaign_id}/blacklists") == calls
    notification = await _draft(actor, CampaignKind.NOTIFICATION)
    assert await audience.assign_unsubscribe_list(actor, notification) is False
    assert await _remote_blacklists(actor, notification) == set()


# --- 4. No status claimed without a usable account ---------------------------


def _blank_account(actor: Actor) -> None:
    with db_scope() as session:
        tenant = session.get(Tenant, actor.tenant_id)
        tenant.sarbacane_account_id = None
        tenant.sarbacane_api_key_encrypted = None
        session.add(tenant)


def _rotate_secrets_key_without_reencrypting(monkeypatch) -> None:
    monkeypatch.setenv("SECRETS_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()


async def test_launch_with_an_unreadable_key_changes_nothing(actor, sim, monkeypatch):
    campaign_id = await _draft(actor, CampaignKind.NOTIFICATION)
    await _with_recipients(actor, campaign_id, mobile_numbers(0, 3))
    _rotate_secrets_key_without_reencrypting(monkeypatch)
    with pytest.raises(ServiceError) as refused:
        await sending.launch(actor, campaign_id, None)
    assert refused.value.user_message == UNREADABLE
    assert stored_campaign(actor, campaign_id).status == Status.DRAFT
    assert sim.count(SEND_ROUTE) == 0


async def test_cancel_with_a_blanked_account_changes_nothing(actor, sim):
    campaign_id = await _draft(actor, CampaignKind.NOTIFICATION)
    await _with_recipients(actor, campaign_id, mobile_numbers(0, 3))
    sim.set_faults(moderation_seconds=3600)
    assert await sending.launch(actor, campaign_id, None)
    _blank_account(actor)
    with pytest.raises(ServiceError) as refused:
        await sending.cancel(actor, campaign_id)
    assert refused.value.user_message == NOT_CONFIGURED
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED
    assert sim.count("POST /v1/campaigns/{campaign_id}/cancel") == 0


def _claimed_as_received(actor: Actor, campaign_id: int, ago: timedelta) -> None:
    """What an old launch left: *Reçue* here, nothing ever sent to Sarbacane."""
    with db_scope() as session:
        session.exec(
            update(Campaign)
            .where(col(Campaign.id) == campaign_id)
            .values(
                status=Status.RECEIVED.value,
                status_changed_at=datetime.now(UTC) - ago,
            )
        )


async def test_a_sarbacane_draft_left_under_received_goes_back_to_draft(actor, sim):
    threshold = timedelta(seconds=get_settings().stuck_after_seconds)
    old = await _draft(actor, CampaignKind.NOTIFICATION, "Ancienne")
    fresh = await _draft(actor, CampaignKind.NOTIFICATION, "Récente")
    _claimed_as_received(actor, old, threshold + timedelta(seconds=5))
    _claimed_as_received(actor, fresh, threshold / 10)
    await sync.poll_once()
    assert stored_campaign(actor, old).status == Status.DRAFT
    # A launch still on its way to Sarbacane keeps its status.
    assert stored_campaign(actor, fresh).status == Status.RECEIVED
    assert [(e.action, e.outcome, e.actor, e.detail) for e in _events(actor, old)][
        -1
    ] == (
        "launch",
        "failed",
        sync.SYNC_ACTOR,
        "Sarbacane n'a reçu aucun envoi de cette campagne : "
        "elle est revenue au statut Brouillon.",
    )
    assert await sync.poll_once() == 0


async def test_cancel_answered_campaign_not_sent_puts_it_back_to_draft(actor, sim):
    campaign_id = await _draft(actor, CampaignKind.NOTIFICATION)
    await _with_recipients(actor, campaign_id, mobile_numbers(0, 2))
    _claimed_as_received(actor, campaign_id, timedelta(seconds=1))
    assert await sending.cancel(actor, campaign_id) is True
    campaign = stored_campaign(actor, campaign_id)
    assert campaign.status == Status.DRAFT
    remote = await sarbacane_account().get_campaign(campaign.sarbacane_id)
    assert remote.state == "DRAFT"
    cancels = [e for e in _events(actor, campaign_id) if e.action == "cancel"]
    assert [(e.outcome, e.detail) for e in cancels] == [
        (
            "ok",
            "Sarbacane n'a reçu aucun envoi de cette campagne : "
            "elle est revenue au statut Brouillon.",
        )
    ]
    # The campaign is not stuck: it can be launched, then deleted after a cancel.
    sim.set_faults(moderation_seconds=3600)  # still in moderation when cancelled
    assert await sending.launch(actor, campaign_id, None)
    assert await sending.cancel(actor, campaign_id)
    assert await campaign_service.delete_campaign(actor, campaign_id)


# --- 9. A delete racing a launch ---------------------------------------------


async def _outcome(call) -> object:
    try:
        return await call
    except ServiceError as error:
        return error


async def test_a_delete_racing_a_launch_leaves_one_consistent_winner(actor, sim):
    sim.set_faults(moderation_seconds=3600)
    winners: list[str] = []
    for run in range(6):
        campaign_id = await _draft(actor, CampaignKind.NOTIFICATION, f"Course {run}")
        await _with_recipients(
            actor, campaign_id, mobile_numbers(run * 10, 3), f"c{run}"
        )
        remote_id = stored_campaign(actor, campaign_id).sarbacane_id
        deleted, launched = await asyncio.gather(
            _outcome(campaign_service.delete_campaign(actor, campaign_id)),
            _outcome(sending.launch(actor, campaign_id, None)),
        )
        delete_won = deleted == f"Course {run}"
        launch_won = launched is True
        assert delete_won != launch_won, (run, deleted, launched)
        local = stored_campaign(actor, campaign_id)
        if delete_won:
            winners.append("delete")
            assert local is None
            with pytest.raises(SarbacaneNotFound):
                await sarbacane_account().get_campaign(remote_id)
        else:
            winners.append("launch")
            assert isinstance(deleted, NotAllowed), deleted
            assert local is not None and local.status == Status.RECEIVED
            remote = await sarbacane_account().get_campaign(remote_id)
            assert remote.state == "MODERATION"
    assert len(winners) == 6
