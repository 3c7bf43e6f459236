"""The app's HTTP surface: the simulator only in demo mode, CORS to known origins,
and a start-up that refuses an unsafe configuration."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sms_hub.http import build_api
from sms_hub.settings import allowed_origins, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("DEMO_MODE", "SARBACANE_API_URL", "PORTAL_SIGNING_KEY", "SECRETS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))

    def apply(**values: str):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return load_settings()

    return apply


def test_the_simulator_is_served_in_demo_mode(env):
    client = TestClient(build_api(env(DEMO_MODE="1")))
    response = client.get("/sarbacane-sim/app/campaigns/new")
    assert response.status_code == 200
    assert "frame-ancestors" in response.headers["content-security-policy"]


def test_outside_demo_mode_the_simulator_is_not_mounted(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.example/v1",
        PORTAL_SIGNING_KEY="k" * 32,
    )
    client = TestClient(build_api(settings))
    assert client.get("/sarbacane-sim/app/campaigns/new").status_code == 404
    assert client.get("/sarbacane-sim/v1/info").status_code == 404


def test_the_portal_demo_frames_the_app_with_a_launch_token(env):
    from sms_hub.services.portal_auth import verify_token

    settings = env(DEMO_MODE="1", PORTAL_SIGNING_KEY="k" * 32)
    response = TestClient(build_api(settings)).get("/_portal-demo")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    # The frame opens on "/", never with the token in its address: the page
    # hands the token over by postMessage, to the app's origin only.
    assert '<iframe id="sms-hub" src="/" title="Gestion' in response.text
    assert "?token=" not in response.text
    found = re.search(r"const token = \"([^\"]+)\";", response.text)
    assert found, response.text
    assert 'postMessage({type: "sms-hub:launch", token: token}, app)' in (response.text)
    claims = verify_token(found.group(1), settings)
    assert (claims["tenant"], claims["role"]) == ("demo", "admin")
    assert claims["exp"] - claims["iat"] <= 600


def test_the_portal_demo_without_a_signing_key_frames_the_demo_centre(env):
    response = TestClient(build_api(env(DEMO_MODE="1"))).get("/_portal-demo")
    assert response.status_code == 200
    assert '<iframe id="sms-hub" src="/" title="Gestion' in response.text
    assert 'const token = "";' in response.text
    assert "sans jeton de lancement" in response.text


def test_outside_demo_mode_there_is_no_portal_demo(env):
    settings = env(
        SARBACANE_API_URL="https://api.sarbacane.example/v1",
        PORTAL_SIGNING_KEY="k" * 32,
    )
    assert TestClient(build_api(settings)).get("/_portal-demo").status_code == 404


def test_cors_allows_the_app_and_the_portal_origins_only(env, monkeypatch):
    monkeypatch.setenv(
        "FRAME_ANCESTORS", "'self' https://portail.hub3e.example https://*.bad"
    )
    origins = allowed_origins(env(DEMO_MODE="1"), "https://sms.hub3e.example")
    assert origins == ["https://sms.hub3e.example", "https://portail.hub3e.example"]


def test_the_app_refuses_to_start_and_names_the_missing_settings():
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEMO_MODE", "PORTAL_SIGNING_KEY", "SECRETS_KEY"}
    }
    environment["SARBACANE_API_URL"] = "https://api.sarbacane.example/v1"
    done = subprocess.run(
        [sys.executable, "-c", "import rxconfig"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SMS Hub refuses to start" in done.stderr
    assert "PORTAL_SIGNING_KEY" in done.stderr
    assert "SECRETS_KEY" in done.stderr


def test_only_the_exact_portal_origins_may_hand_over_a_launch_token(env):
    from sms_hub.state.session import launch_script, portal_origins

    settings = env(
        DEMO_MODE="1",
        FRAME_ANCESTORS="'self' https://portail.hub3e.example/accueil "
        "https://*.hub3e.example 'none'",
    )
    assert portal_origins(settings) == ["'self'", "https://portail.hub3e.example"]
    script = launch_script(settings)
    assert '["\'self\'", "https://portail.hub3e.example"]' in script
    assert "event.source !== w.parent" in script
    assert "w.history.replaceState" in script
