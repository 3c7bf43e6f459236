"""Sign-in with the Hub3E portal's launch token."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sms_hub.services.portal_auth import SignInRefused, issue_token, sign_in
from sms_hub.settings import get_settings
from sms_hub.state.session import SessionState
from sms_hub.store.migrate import upgrade

KEY = "portal-secret-for-tests-0123456789abcdef"


@pytest.fixture
def portal(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PORTAL_SIGNING_KEY", KEY)
    monkeypatch.delenv("PORTAL_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    monkeypatch.delenv("PORTAL_ISSUER", raising=False)
    get_settings.cache_clear()
    upgrade(url)
    yield
    get_settings.cache_clear()


def _token(key: str = KEY, ttl: int = 300, tenant: str = "cfa-lyon", **extra) -> str:
    return issue_token(
        key,
        user="anne@cfa-lyon.fr",
        tenant=tenant,
        tenant_name="CFA Lyon",
        ttl_seconds=ttl,
        **extra,
    )


def _raw(claims: dict, key: str = KEY, algorithm: str = "HS256") -> str:
    now = int(time.time())
    base = {
        "sub": "anne@cfa-lyon.fr",
        "name": "Anne",
        "tenant": "cfa-lyon",
        "tenant_name": "CFA Lyon",
        "role": "staff",
        "iss": "hub3e-portal",
        "aud": "sms-hub",
        "iat": now,
        "exp": now + 300,
        "jti": f"jti-{time.monotonic_ns()}",
    }
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, key, algorithm)


async def test_a_signed_token_opens_the_training_centre(portal):
    assert get_settings().demo_mode is False
    first = await sign_in(_token(role="admin", name="Anne Martin"), "tab-1")
    again = await sign_in(_token(), "tab-2")
    assert (first.user, first.user_name, first.tenant_name) == (
        "anne@cfa-lyon.fr",
        "Anne Martin",
        "CFA Lyon",
    )
    assert first.is_admin and not again.is_admin
    assert first.tenant_id == again.tenant_id
    other = await sign_in(_token(tenant="cfa-nantes"), "tab-3")
    assert other.tenant_id != first.tenant_id


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "ouvrez la gestion des campagnes de SMSing depuis le portail Hub3E"),
        ("   ", "ouvrez la gestion des campagnes de SMSing depuis le portail Hub3E"),
        ("not-a-token", "le lien d'accès n'est pas valide"),
        (None, "le lien d'accès n'est pas valide"),  # forged: wrong key
        ("expired", "Votre session a expiré"),
    ],
)
async def test_absent_forged_or_expired_tokens_are_refused(portal, token, message):
    if token is None:
        token = _token(key="someone-else-key-0123456789abcdef")
    elif token == "expired":
        token = _token(ttl=-120)
    with pytest.raises(SignInRefused, match=message):
        await sign_in(token, "tab-1")


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-app"},
        {"iss": "somebody-else"},
        {"exp": int(time.time()) + 3600},  # lives longer than 10 minutes
        {"jti": None},
        {"role": None},
        {"role": "superuser"},
        {"tenant": "CFA Lyon; DROP TABLE"},
        {"tenant": ["cfa-lyon"]},
        {"sub": 42},
        {"name": {"first": "Anne"}},
        {"iat": "yesterday"},
    ],
    ids=lambda claims: ",".join(claims),
)
async def test_tokens_with_wrong_claims_are_refused_in_french(portal, claims):
    with pytest.raises(SignInRefused, match="le lien d'accès n'est pas valide"):
        await sign_in(_raw(claims), "tab-1")


async def test_an_unknown_or_unexpected_algorithm_is_refused(portal):
    unsigned = jwt.encode(
        {"sub": "x", "tenant": "cfa-lyon"}, key=None, algorithm="none"
    )
    with pytest.raises(SignInRefused, match="n'est pas valide"):
        await sign_in(unsigned, "tab-1")
    hs512 = _raw({}, algorithm="HS512")
    with pytest.raises(SignInRefused, match="n'est pas valide"):
        await sign_in(hs512, "tab-1")


async def test_a_token_used_by_another_session_is_refused(portal):
    token = _token()
    await sign_in(token, "tab-1")
    reloaded = await sign_in(token, "tab-1")
    assert reloaded.user == "anne@cfa-lyon.fr"
    with pytest.raises(SignInRefused, match="déjà été utilisé"):
        await sign_in(token, "tab-2")


async def test_two_first_sign_ins_at_once_make_one_centre(portal):
    signed = await asyncio.gather(
        *(sign_in(_token(tenant="cfa-brest"), f"tab-{i}") for i in range(6))
    )
    assert len({user.tenant_id for user in signed}) == 1


async def test_es256_tokens_are_checked_with_the_public_key(portal, monkeypatch):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = (
        private.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    monkeypatch.setenv("PORTAL_PUBLIC_KEY", pem)
    get_settings.cache_clear()
    signed = await sign_in(_raw({}, key=private, algorithm="ES256"), "tab-1")
    assert signed.tenant_name == "CFA Lyon"
    with pytest.raises(SignInRefused, match="n'est pas valide"):
        await sign_in(_token(), "tab-2")  # HS256 no longer accepted


def _hmac_signed(token: str, secret: bytes) -> str:
    """``token`` re-signed HS256 with ``secret`` (PyJWT refuses a PEM as secret)."""
    import base64
    import hashlib
    import hmac

    signed_part = token.rsplit(".", 1)[0]
    mac = hmac.new(secret, signed_part.encode(), hashlib.sha256).digest()
    return f"{signed_part}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def _pem(private) -> str:
    return (
        private.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )


@pytest.mark.parametrize("algorithm", ["HS256", "ES256", "RS512", "PS256"])
async def test_an_rs256_public_key_refuses_any_other_algorithm(
    portal, monkeypatch, algorithm
):
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = _pem(private)
    monkeypatch.setenv("PORTAL_PUBLIC_KEY", pem)
    get_settings.cache_clear()
    signed = await sign_in(_raw({}, key=private, algorithm="RS256"), "tab-1")
    assert signed.tenant_name == "CFA Lyon"
    if algorithm == "HS256":  # the public key's own text used as a shared secret
        other = _hmac_signed(_raw({}, algorithm="HS256"), pem.encode())
    else:
        key = (
            ec.generate_private_key(ec.SECP256R1()) if algorithm == "ES256" else private
        )
        other = _raw({}, key=key, algorithm=algorithm)
    with pytest.raises(SignInRefused, match="le lien d'accès n'est pas valide"):
        await sign_in(other, "tab-2")


async def test_an_es256_public_key_refuses_rs256(portal, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import rsa

    monkeypatch.setenv(
        "PORTAL_PUBLIC_KEY", _pem(ec.generate_private_key(ec.SECP256R1()))
    )
    get_settings.cache_clear()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SignInRefused, match="le lien d'accès n'est pas valide"):
        await sign_in(_raw({}, key=rsa_key, algorithm="RS256"), "tab-1")


class _Tab:
    """A tab's session: ``SessionState``'s own sign-in code and vars, without
    Reflex's state tree (which depends on the pages other tests imported)."""

    _tenant_id, _user, _is_admin, _signed_in_at, _launch_digest = 0, "", False, 0.0, ""
    tenant_name = opt_out_mention = sign_in_error = ""
    is_demo = is_admin = False


for _name in ("_sign_in_with", "_session_expired", "_bind", "_end_session"):
    setattr(_Tab, _name, vars(SessionState)[_name])


def _tab() -> _Tab:
    return _Tab()


async def test_a_tab_keeps_its_session_after_its_token_expires(portal, monkeypatch):
    from sms_hub.services import portal_auth

    start = time.time()
    clock = [start]
    monkeypatch.setattr(portal_auth, "now", lambda: clock[0])
    tab, token = _tab(), _token(ttl=300)
    assert await tab._sign_in_with(token, False, "tab-1")
    assert tab.tenant_name == "CFA Lyon"
    clock[0] = start + 11 * 60  # the token is long expired, the session is not
    # A reload of the portal's frame hands the same token over again; a
    # reconnect hands none: the session stays.
    assert await tab._sign_in_with(token, False, "tab-1")
    assert await tab._sign_in_with("", False, "tab-1")
    assert (tab.tenant_name, tab.sign_in_error) == ("CFA Lyon", "")
    # Another tab cannot use it, expired as it is.
    other = _tab()
    assert not await other._sign_in_with(token, False, "tab-2")
    assert "Votre session a expiré" in other.sign_in_error
    # The session's own maximum age (SESSION_MAX_AGE_HOURS) rules.
    clock[0] = start + get_settings().session_max_age_seconds + 1
    assert not await tab._sign_in_with(token, False, "tab-1")
    assert "Votre session a expiré" in tab.sign_in_error
    assert (tab._tenant_id, tab.tenant_name) == (0, "")


async def test_a_token_in_another_algorithm_ends_the_session(portal, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setenv("PORTAL_PUBLIC_KEY", _pem(private))
    get_settings.cache_clear()
    tab = _tab()
    assert await tab._sign_in_with(
        _raw({}, key=private, algorithm="RS256"), False, "tab-1"
    )
    assert tab._tenant_id and tab.tenant_name == "CFA Lyon"
    for other in (
        _raw({"tenant": "cfa-other"}, algorithm="HS256"),
        _raw({}, key=ec.generate_private_key(ec.SECP256R1()), algorithm="ES256"),
    ):
        assert not await tab._sign_in_with(other, False, "tab-1")
        assert "le lien d'accès n'est pas valide" in tab.sign_in_error
        assert (tab._tenant_id, tab._user, tab.tenant_name) == (0, "", "")
        assert await tab._sign_in_with(
            _raw({}, key=private, algorithm="RS256"), False, "tab-1"
        )


@pytest.mark.parametrize("demo", [False, True])
async def test_a_token_in_the_address_signs_nobody_in(portal, monkeypatch, demo):
    if demo:
        monkeypatch.setenv("DEMO_MODE", "1")
        get_settings.cache_clear()
    tab = _tab()
    assert not await tab._sign_in_with("", True, "tab-1")
    assert "ouvrez la gestion des campagnes de SMSing depuis le portail" in (
        tab.sign_in_error
    )
    assert (tab._tenant_id, tab.tenant_name) == (0, "")
