"""Fixtures for service tests: a temporary database and the simulator over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet

from sms_hub.services import credits
from sms_hub.services.context import Actor
from sms_hub.settings import get_settings
from sms_hub.store import secret_box
from sms_hub.store.db import session_scope
from sms_hub.store.migrate import upgrade
from sms_hub.store.models import Tenant
from tests.integration.sarbacane_support import ACCOUNT_ID, API_KEY, Simulator

pytest_plugins = ["tests.integration.sarbacane_fixtures"]


@pytest.fixture
def actor(sim: Simulator, tmp_path, monkeypatch) -> Iterator[Actor]:
    """A training centre in a fresh database, its app talking to the simulator."""
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    for name, value in {
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "SARBACANE_API_URL": sim.api_url,
        "SARBACANE_ACCOUNT_ID": ACCOUNT_ID,
        "SARBACANE_API_KEY": API_KEY,
        "SARBACANE_MAX_RETRIES": "2",
        "SARBACANE_TIMEOUT_SECONDS": "3",
        "SECRETS_KEY": Fernet.generate_key().decode(),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    credits.forget_all()  # a figure kept from another test's centre 1
    upgrade(database_url)
    with session_scope(database_url) as session:
        tenant = Tenant(
            slug="test",
            name="Centre test",
            opt_out_mention="STOP au 36111",
            sarbacane_account_id=ACCOUNT_ID,
            sarbacane_api_key_encrypted=secret_box.encrypt(API_KEY),
        )
        session.add(tenant)
        session.flush()
        tenant_id = tenant.id
    yield Actor(tenant_id=tenant_id, user="formateur@centre.fr")
    get_settings.cache_clear()
