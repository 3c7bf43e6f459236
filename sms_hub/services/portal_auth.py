"""Sign-in from the Hub3E portal: a short-lived signed launch token.

The portal frames the app and hands it the token by ``postMessage``
(``state/session.py``; never in an address). The token is signed with the
shared ``PORTAL_SIGNING_KEY`` (HS256) or the portal's private key (RS256 for
an RSA ``PORTAL_PUBLIC_KEY``, ES256 for a P-256 one: the key's own algorithm
only) and carries:

===============  ==========================================================
``sub``          the user's identifier (e-mail)
``name``         the user's display name
``tenant``       the training centre's slug (``[a-z0-9][a-z0-9-]{1,63}``)
``tenant_name``  the training centre's display name
``role``         ``admin`` or ``staff``
``iss``/``aud``  ``PORTAL_ISSUER`` (default ``hub3e-portal``) / ``sms-hub``
``iat``/``exp``  issued at / expiry, at most 10 minutes apart
``jti``          a unique id: a token opens one browser session only
===============  ==========================================================

Anything else (absent, forged, expired, replayed, wrong audience, issuer or
types, unknown algorithm) gets a French message and no data.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from sms_hub.services.context import in_thread
from sms_hub.services.errors import ServiceError
from sms_hub.settings import PORTAL_AUDIENCE, Settings, get_settings
from sms_hub.store import centre_queries
from sms_hub.store.db import transaction

LEEWAY_SECONDS = 30
MAX_TOKEN_LIFETIME_SECONDS = 600
TENANT_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_REQUIRED = ("sub", "tenant", "role", "iss", "aud", "iat", "exp", "jti")
_TEXT_CLAIMS = ("sub", "name", "tenant", "tenant_name", "role", "jti")

ABSENT = (
    "Accès refusé : ouvrez la gestion des campagnes de SMSing depuis le portail Hub3E."
)
INVALID = (
    "Accès refusé : le lien d'accès n'est pas valide. Rouvrez la page depuis le "
    "portail Hub3E."
)
EXPIRED = "Votre session a expiré : rouvrez la page depuis le portail Hub3E."
REPLAYED = (
    "Accès refusé : ce lien d'accès a déjà été utilisé. Rouvrez la page depuis le "
    "portail Hub3E."
)


def now() -> float:
    """The clock of sign-ins: token expiry and session age (tests move it)."""
    return time.time()


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class SignInRefused(ServiceError):
    pass


@dataclass(frozen=True)
class SignedInUser:
    """Who opened the tab, once the token is verified and the centre known."""

    user: str
    user_name: str
    role: Role
    tenant_id: int
    tenant_slug: str
    tenant_name: str
    opt_out_mention: str
    signed_in_at: float

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def _verification(settings: Settings) -> tuple[object, list[str]]:
    """The key and the one algorithm of its type: an RSA public key checks
    RS256 only, an EC key ES256 only, the shared key HS256 only (a token in
    another algorithm is refused, never tried with the wrong key)."""
    if not settings.portal_public_key:
        return settings.portal_signing_key, ["HS256"]
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    pem = settings.portal_public_key.replace("\\n", "\n").encode()
    try:
        key = load_pem_public_key(pem)
    except (ValueError, TypeError):
        return "", []
    if isinstance(key, rsa.RSAPublicKey):
        return key, ["RS256"]
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        return key, ["ES256"]
    return "", []


def verify_token(token: str, settings: Settings) -> dict:
    """The token's claims, checked; ``SignInRefused`` with a French reason otherwise."""
    token = token.strip()
    if not token:
        raise SignInRefused(ABSENT)
    key, algorithms = _verification(settings)
    if not key:
        raise SignInRefused(INVALID)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=PORTAL_AUDIENCE,
            issuer=settings.portal_issuer,
            # Expiry and issue time are checked below, on ``now()``.
            options={
                "require": list(_REQUIRED),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise SignInRefused(INVALID) from error
    _check_claims(claims)
    moment = now()
    if max(claims["iat"], claims.get("nbf", 0)) > moment + LEEWAY_SECONDS:
        raise SignInRefused(INVALID)
    if claims["exp"] < moment - LEEWAY_SECONDS:
        raise SignInRefused(EXPIRED)
    return claims


def _check_claims(claims: dict) -> None:
    for name in _TEXT_CLAIMS:
        if name in claims and not isinstance(claims[name], str):
            raise SignInRefused(INVALID)
    if not all(str(claims[name]).strip() for name in ("sub", "jti")):
        raise SignInRefused(INVALID)
    if not TENANT_SLUG.fullmatch(claims["tenant"]):
        raise SignInRefused(INVALID)
    if claims["role"] not in {role.value for role in Role}:
        raise SignInRefused(INVALID)
    issued, expires = claims["iat"], claims["exp"]
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in (issued, expires, claims.get("nbf", 0))
    ):
        raise SignInRefused(INVALID)
    if expires - issued > MAX_TOKEN_LIFETIME_SECONDS:
        raise SignInRefused(INVALID)


def _bind(claims: dict, session_key: str, settings: Settings) -> tuple[int, str, str]:
    """Record the token's use by this session and upsert its centre, in one go."""
    expires = datetime.fromtimestamp(claims["exp"], UTC) + timedelta(
        seconds=LEEWAY_SECONDS
    )
    with transaction() as session:
        if not centre_queries.use_launch_token(
            session, claims["jti"], session_key, expires
        ):
            raise SignInRefused(REPLAYED)
        tenant = centre_queries.upsert_tenant(
            session,
            slug=claims["tenant"],
            name=claims.get("tenant_name") or claims["tenant"],
            opt_out_mention=settings.opt_out_mention,
        )
        return tenant.id or 0, tenant.name, tenant.opt_out_mention


async def sign_in(token: str, session_key: str) -> SignedInUser:
    """Verify the portal's launch token for the browser session ``session_key``.

    The training centre is created on first use (an upsert: two tabs signing
    in at once make one centre). A token already used by another session is
    refused; the same session may present it again (a reload).
    """
    settings = get_settings()
    claims = verify_token(token, settings)
    tenant_id, tenant_name, mention = await in_thread(
        _bind, claims, session_key, settings
    )
    return SignedInUser(
        user=claims["sub"],
        user_name=claims.get("name") or claims["sub"],
        role=Role(claims["role"]),
        tenant_id=tenant_id,
        tenant_slug=claims["tenant"],
        tenant_name=tenant_name,
        opt_out_mention=mention,
        signed_in_at=now(),
    )


def issue_token(
    key: str,
    *,
    user: str,
    tenant: str,
    tenant_name: str,
    ttl_seconds: int,
    role: str = "staff",
    name: str = "",
    issuer: str = "hub3e-portal",
    audience: str = PORTAL_AUDIENCE,
    algorithm: str = "HS256",
    jti: str | None = None,
    issued_at: int | None = None,
) -> str:
    """What the portal does (used by tests, benchmarks and local tooling)."""
    now = int(time.time()) if issued_at is None else issued_at
    return jwt.encode(
        {
            "sub": user,
            "name": name or user,
            "tenant": tenant,
            "tenant_name": tenant_name,
            "role": role,
            "iss": issuer,
            "aud": audience,
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": jti or uuid.uuid4().hex,
        },
        key,
        algorithm=algorithm,
    )
