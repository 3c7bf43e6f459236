"""Sign-in from the Hub3E portal: a short-lived signed launch token.

The portal opens the iframe with ``?token=<JWT>`` signed with the shared
``PORTAL_SIGNING_KEY`` (HS256), carrying ``sub`` (the user's e-mail),
``tenant`` (the training centre's slug), ``tenant_name`` and ``exp``. An
absent, expired or forged token gets a French message and no data.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from sms_hub.services.context import in_thread
from sms_hub.services.errors import ServiceError
from sms_hub.settings import get_settings
from sms_hub.store import queries
from sms_hub.store.db import session_scope
from sms_hub.store.models import Tenant

ALGORITHM = "HS256"
LEEWAY_SECONDS = 30


class SignInRefused(ServiceError):
    pass


@dataclass(frozen=True)
class SignedInUser:
    user: str
    tenant_id: int
    tenant_name: str
    opt_out_mention: str


def _claims(token: str, key: str) -> dict:
    if not token:
        raise SignInRefused(
            "Accès refusé : ouvrez la gestion des campagnes de SMSing depuis le "
            "portail Hub3E."
        )
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "tenant"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise SignInRefused(
            "Votre session a expiré : rouvrez la page depuis le portail Hub3E."
        ) from error
    except jwt.InvalidTokenError as error:
        raise SignInRefused(
            "Accès refusé : le lien d'accès n'est pas valide. Rouvrez la page "
            "depuis le portail Hub3E."
        ) from error
    return claims


def _tenant_for(claims: dict) -> Tenant:
    settings = get_settings()
    slug = str(claims["tenant"])
    with session_scope(settings.database_url) as session:
        tenant = queries.tenant_by_slug(session, slug)
        if tenant is None:
            tenant = queries.insert_tenant(
                session,
                slug=slug,
                name=str(claims.get("tenant_name") or slug),
                opt_out_mention=settings.opt_out_mention,
            )
        return tenant


async def sign_in(token: str) -> SignedInUser:
    """Check the portal's launch token; the training centre is created on first use."""
    key = get_settings().portal_signing_key
    claims = _claims(token, key)
    tenant = await in_thread(_tenant_for, claims)
    return SignedInUser(
        user=str(claims["sub"]),
        tenant_id=tenant.id or 0,
        tenant_name=tenant.name,
        opt_out_mention=tenant.opt_out_mention,
    )


def issue_token(
    key: str, *, user: str, tenant: str, tenant_name: str, ttl_seconds: int
) -> str:
    """What the portal does (used by tests and local tooling)."""
    import time

    now = int(time.time())
    return jwt.encode(
        {
            "sub": user,
            "tenant": tenant,
            "tenant_name": tenant_name,
            "iat": now,
            "exp": now + ttl_seconds,
        },
        key,
        algorithm=ALGORITHM,
    )
