"""Each training centre's own Sarbacane account: the client a use case calls.

Every Sarbacane call of a centre goes through ``client_for(tenant)``: the
centre's account id and its API key (decrypted here, never kept elsewhere).
Clients are pooled per account and key (``sarbacane.get_client``). A
campaign is reached only through the account it was made in
(``client_for_campaign``). Only the demo
centre, in demo mode, falls back to the built-in simulator's account.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sms_hub.domain.centre_settings import OTHER_ACCOUNT, made_in_account
from sms_hub.sarbacane import SarbacaneClient, close_clients, get_client
from sms_hub.services.errors import NotAllowed, ServiceError
from sms_hub.services.tenants import DEMO_SLUG
from sms_hub.settings import Settings, get_settings
from sms_hub.store import secret_box
from sms_hub.store.models import Tenant

NOT_CONFIGURED = (
    "Le compte Sarbacane de votre centre n'est pas configuré : un administrateur "
    "du centre doit saisir l'identifiant du compte et la clé d'API dans "
    "« Paramètres du centre »."
)
UNREADABLE = (
    "La clé d'API Sarbacane de votre centre ne peut plus être lue : un "
    "administrateur du centre doit la saisir à nouveau dans « Paramètres du centre »."
)


class AccountNotConfigured(ServiceError):
    def __init__(self, user_message: str = NOT_CONFIGURED) -> None:
        super().__init__(user_message)


def is_configured(tenant: Tenant) -> bool:
    return bool(tenant.sarbacane_account_id and tenant.sarbacane_api_key_encrypted)


def client_for(tenant: Tenant, settings: Settings | None = None) -> SarbacaneClient:
    """The pooled client of the centre's own Sarbacane account.

    Raises ``AccountNotConfigured`` (French) before anything is attempted
    when the centre has no account.
    """
    settings = settings or get_settings()
    if is_configured(tenant):
        try:
            key = secret_box.decrypt(tenant.sarbacane_api_key_encrypted or "", settings)
        except secret_box.SecretUnreadable as error:
            raise AccountNotConfigured(UNREADABLE) from error
        return get_client(
            settings,
            account_id=tenant.sarbacane_account_id,
            api_key=key,
            owner=("centre", tenant.id),
        )
    if settings.demo_mode and tenant.slug == DEMO_SLUG:
        return get_client(settings)
    raise AccountNotConfigured()


def reaches_campaign(tenant: Tenant, client: SarbacaneClient, recorded: str) -> bool:
    """Whether ``client`` (the centre's account now) is the account a campaign
    recorded as made in ``recorded`` lives in."""
    return made_in_account(
        recorded, client.account_id, own_account=is_configured(tenant)
    )


def client_for_campaign(
    tenant: Tenant, recorded: str, settings: Settings | None = None
) -> SarbacaneClient:
    """The centre's client, only if the campaign was made in its account.

    A campaign made in the centre's previous account is refused in French
    (``NotAllowed``): read through another account it would look gone.
    """
    client = client_for(tenant, settings)
    if not reaches_campaign(tenant, client, recorded):
        raise NotAllowed(OTHER_ACCOUNT)
    return client


@contextlib.asynccontextmanager
async def pooled_clients() -> AsyncIterator[None]:
    """A lifespan task: the centres' pooled clients are closed on shutdown."""
    yield
    await close_clients()
