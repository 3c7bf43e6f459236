"""« Paramètres du centre »: admins only, a write-only key, audited changes."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.centre_settings import CentreSettings
from sms_hub.domain.lifecycle import Status
from sms_hub.services import audience, copies, sending, sync
from sms_hub.services import centre_settings as service
from sms_hub.services.accounts import AccountNotConfigured, client_for
from sms_hub.services.campaigns import create_campaign, delete_campaign
from sms_hub.services.context import Actor
from sms_hub.services.errors import InvalidInput, NotAllowed
from sms_hub.settings import get_settings
from sms_hub.store import secret_box
from sms_hub.store.db import session_scope
from sms_hub.store.models import AuditEvent, Campaign, Tenant
from tests.integration.sarbacane_support import ACCOUNT_ID, API_KEY
from tests.support.factories import add_contact_list

SECRET = "sarbacane-api-key-that-must-never-leak"


@pytest.fixture
def admin(actor: Actor, monkeypatch) -> Actor:
    monkeypatch.setenv("SECRETS_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()
    return replace(actor, is_admin=True)


def _settings(**changes) -> CentreSettings:
    values = {
        "default_sender": "CFALyon",
        "opt_out_mention": "STOP au 36111",
        "sending_days": frozenset(range(5)),
        "window_start": "09:00",
        "window_end": "19:00",
        "timezone": "Europe/Paris",
        "alsace_moselle": False,
    }
    values.update(changes)
    return CentreSettings(**values)


def _tenant(actor: Actor) -> Tenant:
    with session_scope(get_settings().database_url) as session:
        return session.get(Tenant, actor.tenant_id)


async def test_staff_are_refused_and_see_no_data(admin: Actor):
    staff = replace(admin, is_admin=False)
    with pytest.raises(NotAllowed, match="réservés aux administrateurs"):
        await service.centre_settings(staff)
    with pytest.raises(NotAllowed):
        await service.save_centre_settings(staff, _settings(), "acc", "")
    with pytest.raises(NotAllowed):
        await service.try_connection(staff, ACCOUNT_ID, API_KEY)


async def test_the_key_is_write_only_encrypted_and_audited(admin: Actor, caplog):
    caplog.set_level(logging.DEBUG)
    view = await service.save_centre_settings(admin, _settings(), "acc-lyon", SECRET)
    assert view.account_id == "acc-lyon"
    assert view.key_configured_on != ""
    assert SECRET not in repr(view)
    tenant = _tenant(admin)
    assert tenant.sarbacane_api_key_encrypted
    assert SECRET not in tenant.sarbacane_api_key_encrypted
    assert SECRET not in repr(tenant)
    with session_scope(get_settings().database_url) as session:
        events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == ["settings"]
    assert "api_key" in events[0].detail
    assert all(SECRET not in (e.detail or "") for e in events)
    assert SECRET not in caplog.text
    again = await service.save_centre_settings(admin, _settings(), "acc-lyon", "")
    assert again.key_configured_on == view.key_configured_on
    assert (
        _tenant(admin).sarbacane_api_key_encrypted == tenant.sarbacane_api_key_encrypted
    )


async def test_settings_round_trip_with_the_overseas_holidays(admin: Actor):
    saved = await service.save_centre_settings(
        admin, _settings(timezone="Indian/Reunion"), "", ""
    )
    assert saved.settings.timezone == "Indian/Reunion"
    assert _tenant(admin).holiday_subdivision == "974"
    reread = await service.centre_settings(admin)
    assert reread.settings == _settings(timezone="Indian/Reunion")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"window_end": "22:30"}, "window", "08h00–22h00"),
        ({"window_start": "07:00"}, "window", "08h00–22h00"),
        ({"sending_days": frozenset({6})}, "sending_days", "lundi au samedi"),
        ({"sending_days": frozenset()}, "sending_days", "au moins un jour"),
        ({"opt_out_mention": "Désabonnement"}, "opt_out_mention", "STOP"),
        ({"default_sender": "Centre Lyon"}, "default_sender", "lettres sans accent"),
        ({"timezone": "Europe/London"}, "timezone", "fuseau horaire"),
    ],
)
async def test_invalid_settings_are_refused_in_french(
    admin: Actor, changes, field, message
):
    with pytest.raises(InvalidInput) as refused:
        await service.save_centre_settings(admin, _settings(**changes), "", "")
    assert message in refused.value.field_errors[field]


async def test_try_connection_reports_the_account_and_its_credits(admin: Actor):
    message = await service.try_connection(admin, ACCOUNT_ID, API_KEY)
    assert message.startswith("Connexion réussie")
    assert "crédits SMS restants" in message
    refused = await service.try_connection(admin, ACCOUNT_ID, "wrong-key-1234")
    assert refused.startswith("Échec de la connexion")
    assert "wrong-key-1234" not in refused


async def test_a_centre_without_an_account_is_told_so_and_nothing_is_called(
    admin: Actor,
):
    await service.save_centre_settings(admin, _settings(), "", "")
    with pytest.raises(AccountNotConfigured, match="n'est pas configuré"):
        client_for(_tenant(admin))
    await service.save_centre_settings(admin, _settings(), ACCOUNT_ID, API_KEY)
    client = client_for(_tenant(admin))
    assert client.uses_key(API_KEY)
    assert API_KEY not in repr(client)


async def test_the_creation_form_starts_from_the_centre_defaults(admin: Actor):
    from sms_hub.services.campaigns import creation_defaults

    await service.save_centre_settings(
        admin,
        _settings(default_sender="CFALyon", opt_out_mention="STOP au 36999"),
        "",
        "",
    )
    defaults = await creation_defaults(admin)
    assert (defaults.sender, defaults.opt_out_mention) == ("CFALyon", "STOP au 36999")


async def _active_campaign(admin: Actor, name: str, *, scheduled: bool) -> int:
    """A campaign of the centre's account, sent now (« Reçue… ») or planned."""
    row = await create_campaign(
        admin, NewCampaign(name, CampaignKind.NOTIFICATION, "CentreForm", "Bonjour")
    )
    phones = [f"+3361234{n:04d}" for n in range(3)]
    await audience.import_lists(admin, row.id, [add_contact_list(admin, name, phones)])
    when = datetime.now(UTC) + timedelta(days=2) if scheduled else None
    assert await sending.launch(admin, row.id, when)
    return row.id


async def _finished(actor: Actor, campaign_id: int) -> None:
    """Poll until the campaign is « Envoi terminé » (bounded)."""
    deadline = asyncio.get_running_loop().time() + 30
    while _campaign(actor, campaign_id).status != Status.FINISHED:
        assert asyncio.get_running_loop().time() < deadline, "never finished"
        await sync.poll_once()
        await asyncio.sleep(0.05)


def _campaign(actor: Actor, campaign_id: int) -> Campaign:
    with session_scope(get_settings().database_url) as session:
        return session.get(Campaign, campaign_id)


async def test_the_account_cannot_change_while_campaigns_are_active(admin, sim):
    await service.save_centre_settings(admin, _settings(), ACCOUNT_ID, API_KEY)
    planned = await _active_campaign(admin, "Rentrée", scheduled=True)
    sent = await _active_campaign(admin, "Relance", scheduled=False)
    assert _campaign(admin, planned).sarbacane_account_id == ACCOUNT_ID
    sim.add_account("acc-nouveau", "key-nouveau", name="Nouveau compte")
    for account_id, api_key in [("acc-nouveau", "key-nouveau"), ("", "")]:
        with pytest.raises(NotAllowed) as refused:
            await service.save_centre_settings(admin, _settings(), account_id, api_key)
        message = refused.value.user_message
        assert "2 campagnes actives" in message
        assert "Planifiée, Reçue par le serveur d'envoi ou Envoi en cours" in message
        assert "annulez-les" in message
    tenant = _tenant(admin)
    assert tenant.sarbacane_account_id == ACCOUNT_ID
    assert client_for(tenant).uses_key(API_KEY)
    # the same account's key can still be entered again (a new key of that account)
    await service.save_centre_settings(admin, _settings(), ACCOUNT_ID, API_KEY)

    assert await sending.cancel(admin, planned)
    with pytest.raises(NotAllowed, match="1 campagne active"):
        await service.save_centre_settings(
            admin, _settings(), "acc-nouveau", "key-nouveau"
        )
    await _finished(admin, sent)
    view = await service.save_centre_settings(
        admin, _settings(), "acc-nouveau", "key-nouveau"
    )
    assert view.account_id == "acc-nouveau"


async def test_campaigns_of_the_old_account_are_never_read_through_the_new_one(
    admin, sim
):
    await service.save_centre_settings(admin, _settings(), ACCOUNT_ID, API_KEY)
    sent = await _active_campaign(admin, "Relance", scheduled=False)
    draft = await create_campaign(
        admin, NewCampaign("Brouillon", CampaignKind.NOTIFICATION, "Centre", "Bonjour")
    )
    await audience.import_lists(
        admin, draft.id, [add_contact_list(admin, "b", ["+33612349999"])]
    )
    sim.add_account("acc-nouveau", "key-nouveau", name="Nouveau compte")
    # The account changes under a campaign still sending (as a launch racing
    # the change of « Paramètres du centre » would leave it).
    with session_scope(get_settings().database_url) as session:
        tenant = session.get(Tenant, admin.tenant_id)
        tenant.sarbacane_account_id = "acc-nouveau"
        tenant.sarbacane_api_key_encrypted = secret_box.encrypt("key-nouveau")

    await sync.poll_once()
    old = _campaign(admin, sent)
    assert old.status == Status.RECEIVED  # not « Envoi annulé »
    assert old.last_error is None
    for use_case, args in [
        (sending.launch, (draft.id, None)),
        (sending.cancel, (sent,)),
        (delete_campaign, (draft.id,)),
        (audience.exclusion_choices, (draft.id,)),
        (copies.duplicate_campaign, (draft.id,)),
    ]:
        kwargs = (
            {"with_recipients": True} if use_case is copies.duplicate_campaign else {}
        )
        with pytest.raises(NotAllowed, match="créée avec un autre compte Sarbacane"):
            await use_case(admin, *args, **kwargs)
    assert _campaign(admin, draft.id).status == Status.DRAFT
    assert _campaign(admin, sent).status == Status.RECEIVED
    new_client = client_for(_tenant(admin))
    assert await new_client.list_campaigns(offset=0, limit=50) == []
    made_now = await create_campaign(
        admin, NewCampaign("Nouvelle", CampaignKind.NOTIFICATION, "Centre", "Bonjour")
    )
    assert _campaign(admin, made_now.id).sarbacane_account_id == "acc-nouveau"
    copy = await copies.duplicate_campaign(admin, made_now.id, with_recipients=False)
    assert _campaign(admin, copy.row.id).sarbacane_account_id == "acc-nouveau"

    # Back on the old account, the poller follows the campaign to its end.
    await service.save_centre_settings(admin, _settings(), ACCOUNT_ID, API_KEY)
    await _finished(admin, sent)
