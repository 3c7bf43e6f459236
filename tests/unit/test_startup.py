"""A deployment that is not configured safely refuses to start, naming the setting."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from sms_hub.settings import load_settings
from sms_hub.startup import UnsafeConfiguration, refuse_unsafe_start

STRONG_KEY = "k" * 32
_NAMES = (
    "DEMO_MODE",
    "SARBACANE_API_URL",
    "PORTAL_SIGNING_KEY",
    "PORTAL_PUBLIC_KEY",
    "SECRETS_KEY",
    "FRAME_ANCESTORS",
)


@pytest.fixture
def env(monkeypatch):
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)

    def apply(**values: str):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return load_settings()

    return apply


def _problems(settings) -> str:
    with pytest.raises(UnsafeConfiguration) as refused:
        refuse_unsafe_start(settings)
    assert "refuses to start" in str(refused.value.code)
    return "\n".join(refused.value.problems)


def test_no_setting_at_all_is_not_a_demo_it_refuses(env):
    problems = _problems(env())
    assert "PORTAL_SIGNING_KEY" in problems
    assert "SECRETS_KEY" in problems
    assert "SARBACANE_API_URL" in problems


def test_the_demo_is_a_deliberate_mode_with_the_simulator(env):
    refuse_unsafe_start(env(DEMO_MODE="1"))


def test_demo_mode_with_a_real_sarbacane_is_refused(env):
    settings = env(DEMO_MODE="1", SARBACANE_API_URL="https://api.sarbacane.com/v1")
    assert "DEMO_MODE=1 works only with the built-in simulator" in _problems(settings)


def test_a_real_sarbacane_without_a_portal_key_is_refused(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.com/v1",
        SECRETS_KEY=Fernet.generate_key().decode(),
    )
    assert "PORTAL_SIGNING_KEY (or PORTAL_PUBLIC_KEY) is not set" in _problems(settings)


def test_a_short_signing_key_is_refused(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.com/v1",
        SECRETS_KEY=Fernet.generate_key().decode(),
        PORTAL_SIGNING_KEY="short-secret",
    )
    assert "shorter than 32 bytes" in _problems(settings)


def test_a_whitespace_key_counts_as_missing(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.com/v1",
        SECRETS_KEY=Fernet.generate_key().decode(),
        PORTAL_SIGNING_KEY="    ",
    )
    assert "PORTAL_SIGNING_KEY (or PORTAL_PUBLIC_KEY) is not set" in _problems(settings)


def test_a_malformed_public_key_or_secrets_key_is_refused(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.com/v1",
        SECRETS_KEY="not-a-fernet-key",
        PORTAL_PUBLIC_KEY="-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----",
    )
    problems = _problems(settings)
    assert "PORTAL_PUBLIC_KEY is not a PEM public key" in problems
    assert "SECRETS_KEY holds a key that is not a Fernet key" in problems


def test_a_complete_production_configuration_starts(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.com/v1",
        SECRETS_KEY=",".join(Fernet.generate_key().decode() for _ in range(2)),
        PORTAL_SIGNING_KEY=STRONG_KEY,
    )
    refuse_unsafe_start(settings)


@pytest.mark.parametrize(
    "sources",
    [
        "*",
        "https:",
        "http:",
        "'self' https:",
        "https://portail.hub3e.example *",
        "https://*",
        "http://*:*",
        "data:",
    ],
)
@pytest.mark.parametrize("demo", [False, True])
def test_frame_ancestors_open_to_any_site_is_refused(env, sources, demo):
    production = {
        "SARBACANE_API_URL": "https://api.sarbacane.com/v1",
        "SECRETS_KEY": Fernet.generate_key().decode(),
        "PORTAL_SIGNING_KEY": STRONG_KEY,
    }
    settings = env(
        FRAME_ANCESTORS=sources, **({"DEMO_MODE": "1"} if demo else production)
    )
    problems = _problems(settings)
    assert "FRAME_ANCESTORS" in problems
    assert "list the Hub3E portal's origins" in problems


@pytest.mark.parametrize(
    "sources",
    [
        "'self'",
        "'none'",
        "'self' https://portail.hub3e.example https://*.hub3e.example",
    ],
)
def test_frame_ancestors_naming_the_portal_starts(env, sources):
    refuse_unsafe_start(env(DEMO_MODE="1", FRAME_ANCESTORS=sources))


def test_secrets_never_show_in_the_settings_repr(env):
    settings = env(
        DEMO_MODE="1",
        PORTAL_SIGNING_KEY=STRONG_KEY,
        SECRETS_KEY="fernet-secret-value",
        SARBACANE_API_KEY="sarbacane-secret",
    )
    text = repr(settings)
    for secret in (STRONG_KEY, "fernet-secret-value", settings.simulator.api_key):
        assert secret not in text
