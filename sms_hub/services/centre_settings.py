"""« Paramètres du centre »: read, save and test a centre's own settings.

Admins only. The API key is write-only: it is encrypted on save, and what
comes back is only the date it was configured. The account id cannot change
while the centre has active campaigns made in another account than the new
one (Sarbacane sends them from the account they were made in). Every change writes an audit
event naming the fields changed, never the key itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sms_hub.domain.audit import AuditAction
from sms_hub.domain.centre_settings import (
    CentreSettings,
    account_change_refusal,
    days_from_text,
    days_to_text,
    validate_account,
    validate_centre_settings,
)
from sms_hub.domain.formatting import date_time_fr, number_fr
from sms_hub.domain.lifecycle import ACTIVE_STATUSES
from sms_hub.sarbacane import SarbacaneClient, SarbacaneError
from sms_hub.services import audit, gateway
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import InvalidInput, NotAllowed, NotFound
from sms_hub.settings import get_settings
from sms_hub.store import campaign_queries, centre_queries, secret_box
from sms_hub.store.db import transaction
from sms_hub.store.models import Tenant, utcnow

ADMINS_ONLY = (
    "Accès refusé : les paramètres du centre sont réservés aux administrateurs "
    "du centre."
)
SETTINGS_AUDIT = AuditAction.SETTINGS


@dataclass(frozen=True)
class CentreSettingsView:
    """What the settings page shows: never the API key."""

    account_id: str
    key_configured_on: str
    settings: CentreSettings
    #: The retention job's last run (« » before the first) and its count.
    retention_run_on: str = ""
    retention_count: int = 0


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed(ADMINS_ONLY)


def _settings_of(tenant: Tenant) -> CentreSettings:
    return CentreSettings(
        default_sender=tenant.default_sender,
        opt_out_mention=tenant.opt_out_mention,
        sending_days=days_from_text(tenant.sending_days),
        window_start=tenant.window_start,
        window_end=tenant.window_end,
        timezone=tenant.timezone,
        alsace_moselle=tenant.holiday_subdivision == "57",
        retention_months=tenant.retention_months,
    )


def _view(tenant: Tenant) -> CentreSettingsView:
    configured = tenant.sarbacane_configured_at
    return CentreSettingsView(
        account_id=tenant.sarbacane_account_id or "",
        key_configured_on=date_time_fr(configured, tenant.timezone)
        if configured and tenant.sarbacane_api_key_encrypted
        else "",
        settings=_settings_of(tenant),
        retention_run_on=date_time_fr(tenant.retention_run_at, tenant.timezone)
        if tenant.retention_run_at
        else "",
        retention_count=tenant.retention_count,
    )


def _load(tenant_id: int) -> Tenant:
    with transaction() as session:
        tenant = centre_queries.tenant(session, tenant_id)
        if tenant is None:
            raise NotFound("Ce centre n'existe plus.")
        return tenant


async def centre_settings(actor: Actor) -> CentreSettingsView:
    _require_admin(actor)
    return _view(await in_thread(_load, actor.tenant_id))


def _changed_fields(before: CentreSettingsView, after: CentreSettings) -> list[str]:
    names = [
        name
        for name in CentreSettings.__dataclass_fields__
        if getattr(before.settings, name) != getattr(after, name)
    ]
    return names


def _save(
    actor: Actor, settings: CentreSettings, account_id: str, encrypted_key: str | None
) -> CentreSettingsView:
    with transaction() as session:
        tenant = centre_queries.tenant(session, actor.tenant_id)
        if tenant is None:
            raise NotFound("Ce centre n'existe plus.")
        before = _view(tenant)
        changed = _changed_fields(before, settings)
        values: dict = {
            "default_sender": settings.default_sender,
            "opt_out_mention": settings.opt_out_mention.strip(),
            "sending_days": days_to_text(settings.sending_days),
            "window_start": settings.window_start.strip(),
            "window_end": settings.window_end.strip(),
            "timezone": settings.timezone,
            "holiday_subdivision": settings.subdivision,
            "sarbacane_account_id": account_id or None,
            "retention_months": settings.retention_months,
        }
        if account_id != before.account_id:
            active = campaign_queries.count_campaigns_outside_account(
                session, actor.tenant_id, [s.value for s in ACTIVE_STATUSES], account_id
            )
            refused = account_change_refusal(active)
            if refused:
                raise NotAllowed(refused)
            changed.append("account_id")
        if encrypted_key is not None:
            values["sarbacane_api_key_encrypted"] = encrypted_key
            values["sarbacane_configured_at"] = utcnow()
            changed.append("api_key")
        tenant = centre_queries.update_centre_settings(
            session, actor.tenant_id, **values
        )
        audit.record_in(
            session,
            actor,
            SETTINGS_AUDIT,
            detail="Modifié : " + (", ".join(changed) if changed else "rien"),
        )
        return _view(tenant)


async def save_centre_settings(
    actor: Actor, settings: CentreSettings, account_id: str, api_key: str
) -> CentreSettingsView:
    """Validate and save; a blank ``api_key`` keeps the stored one."""
    _require_admin(actor)
    account_id = account_id.strip()
    settings = replace(settings, default_sender=settings.default_sender.strip())
    errors = validate_centre_settings(settings)
    if account_id or api_key:
        errors.update(validate_account(account_id, api_key))
    if errors:
        raise InvalidInput(errors)
    encrypted = await in_thread(secret_box.encrypt, api_key) if api_key else None
    return await in_thread(_save, actor, settings, account_id, encrypted)


async def _stored_key(actor: Actor, account_id: str) -> str:
    tenant = await in_thread(_load, actor.tenant_id)
    if tenant.sarbacane_account_id != account_id or not (
        tenant.sarbacane_api_key_encrypted
    ):
        return ""
    try:
        return secret_box.decrypt(tenant.sarbacane_api_key_encrypted)
    except secret_box.SecretUnreadable:
        return ""


async def try_connection(actor: Actor, account_id: str, api_key: str) -> str:
    """Call Sarbacane with the entered account; say what was found, in French.

    A blank key tests the stored one (for the same account id). Nothing is
    saved. Raises ``InvalidInput`` for fields that cannot be tried.
    """
    _require_admin(actor)
    account_id = account_id.strip()
    key = api_key or await _stored_key(actor, account_id)
    errors = validate_account(account_id, key)
    if not key:
        errors["api_key"] = "Saisissez la clé d'API Sarbacane du compte."
    if errors:
        raise InvalidInput(errors)
    settings = get_settings()
    client = SarbacaneClient(
        settings.sarbacane_api_url,
        account_id,
        key,
        timeout_seconds=settings.sarbacane_timeout_seconds,
        max_retries=1,
    )
    try:
        info = await client.info()
        credits = await client.credits()
    except SarbacaneError as error:
        return f"Échec de la connexion : {gateway.user_message(error)}"
    finally:
        await client.aclose()
    name = info.name or info.email or account_id
    sms = number_fr(credits.sms) if credits.sms is not None else "inconnus"
    return f"Connexion réussie : compte « {name} », crédits SMS restants : {sms}."
