"""Sign-in with the Hub3E portal's launch token."""

from __future__ import annotations

import pytest

from sms_hub.services.portal_auth import SignInRefused, issue_token, sign_in
from sms_hub.settings import get_settings
from sms_hub.store.migrate import upgrade

KEY = "portal-secret-for-tests-0123456789abcdef"


@pytest.fixture
def portal(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PORTAL_SIGNING_KEY", KEY)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    get_settings.cache_clear()
    upgrade(url)
    yield
    get_settings.cache_clear()


def _token(key: str = KEY, ttl: int = 300, tenant: str = "cfa-lyon") -> str:
    return issue_token(
        key,
        user="anne@cfa-lyon.fr",
        tenant=tenant,
        tenant_name="CFA Lyon",
        ttl_seconds=ttl,
    )


async def test_a_signed_token_opens_the_training_centre(portal):
    assert get_settings().demo_mode is False
    first = await sign_in(_token())
    again = await sign_in(_token())
    assert (first.user, first.tenant_name) == ("anne@cfa-lyon.fr", "CFA Lyon")
    assert first.tenant_id == again.tenant_id
    other = await sign_in(_token(tenant="cfa-nantes"))
    assert other.tenant_id != first.tenant_id


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "ouvrez la gestion des campagnes de SMSing depuis le portail Hub3E"),
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
        await sign_in(token)
