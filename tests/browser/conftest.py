"""Browser tests drive the real production server, started once per session.

``reflex run --env prod`` on a free port, a temporary SQLite database and
the built-in Sarbacane simulator (fast pace), as a user would get it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.support.pages import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONES,
    create_notification,
    import_contacts,
    open_campaigns,
)
from tests.support.ports import free_port
from tests.support.servers import ROOT, production_env, production_server

# Each expectation waits for what the user would see, up to this bound. A
# click often runs several Sarbacane calls on the server (creating an SMS
# Marketing also assigns its STOP list); on a busy 2-core CI machine 5 s (the
# default) is too close to their time, 15 s is not.
expect.set_options(timeout=15_000)

#: The server runs the demo (DEMO_MODE=1) and also accepts portal tokens
#: signed with this key, so one server shows both the demo and real centres.
PORTAL_KEY = "browser-tests-portal-signing-key-0123456789"
SECRETS_KEY = "bXlfYnJvd3Nlcl90ZXN0c19zZWNyZXRzX2tleV8wMDA="
SCREENSHOTS = ROOT / "screenshots"
#: Installed from the npm registry by `make test` (tests/browser/package.json).
AXE_SCRIPT = ROOT / "tests/browser/node_modules/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_TRANSITIONS_DONE = """() => document.getAnimations().every(
  (a) => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)"""
_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.slice(0, 5).map((n) => n.target.join(' '))}));
}"""


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict[str, str]:
    return production_env(
        free_port(),
        tmp_path_factory.mktemp("data"),
        PORTAL_SIGNING_KEY=PORTAL_KEY,
        SECRETS_KEY=SECRETS_KEY,
        SIMULATOR_MODERATION_SECONDS="4",
        SIMULATOR_RECIPIENTS_PER_SECOND="1",
        DISCOVERY_INTERVAL_SECONDS="2",
    )


@pytest.fixture(scope="session")
def app_url(server_env, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("log") / "server.log"
    with production_server(ROOT, server_env, log) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1440, "height": 900},
    }


@pytest.fixture
def shot(page):
    """Save a screenshot under screenshots/ (for a person to look at)."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe(page):
    """Check what a page shows now against WCAG 2.1 A/AA with axe-core: no
    serious or critical violation. ``target`` may be a frame (the app embedded
    in the portal's iframe); axe-core is injected there as a script tag."""
    assert AXE_SCRIPT.is_file(), (
        f"{AXE_SCRIPT} is missing: `make browser` installs it "
        "(or `npm ci` in tests/browser)"
    )

    def check(screen: str, target=None) -> None:
        shown = target or page
        if not shown.evaluate("() => typeof window.axe === 'object'"):
            shown.add_script_tag(path=AXE_SCRIPT)
        # A dialog fading in is checked once shown (its contrast is its own).
        shown.wait_for_function(_TRANSITIONS_DONE)
        violations = shown.evaluate(_AXE_RUN, WCAG_21_AA)
        assert not violations, f"{screen}: WCAG 2.1 AA violations:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
            for v in violations
        )

    return check


@pytest.fixture(scope="session")
def database_url(server_env) -> str:
    return f"sqlite:///{server_env['DATA_DIR']}/sms_hub.db"


@pytest.fixture(scope="session")
def demo_centre_id(app_url, database_url) -> int:
    """The demo centre's id in the server's database (made as its first
    sign-in makes it, when no test signed in yet)."""
    from sms_hub.store import centre_queries
    from sms_hub.store.db import session_scope

    with session_scope(database_url) as session:
        tenant = centre_queries.upsert_tenant(
            session,
            slug="demo",
            name="Centre de formation Horizon",
            opt_out_mention="STOP au 36111",
        )
        return tenant.id or 0


@pytest.fixture(scope="session")
def seed_contact_list(database_url, demo_centre_id):
    """Put a contact list in the server's database for the demo centre (arrange step)."""
    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Contact, ContactList

    def seed(name: str, phones: list[str]) -> None:
        with session_scope(database_url) as session:
            contact_list = ContactList(
                tenant_id=demo_centre_id, name=name, contact_count=len(phones)
            )
            session.add(contact_list)
            session.flush()
            for i, phone in enumerate(phones):
                session.add(
                    Contact(
                        list_id=contact_list.id,
                        phone=phone,
                        # Unique across lists: Sarbacane's exclusion lists
                        # match by e-mail too, so a STOP answered in one test
                        # must not exclude another test's recipient.
                        email=f"stagiaire{i}.liste{contact_list.id}@exemple.fr",
                    )
                )

    return seed


@pytest.fixture
def notification_with_contacts(page, app_url, seed_contact_list):
    """Arrange step on the campaigns page: a Notification SMS holding the four
    contacts of a new list (``phones``); returns its name. Names get a random
    suffix; ``shot`` and ``axe`` check the import dialog when given."""

    def make(
        name: str, list_name: str, shot=None, axe=None, phones: list[str] = PHONES
    ) -> str:
        suffix = uuid.uuid4().hex[:5]
        name, list_name = f"{name} {suffix}", f"{list_name} {suffix}"
        seed_contact_list(list_name, phones)
        open_campaigns(page, app_url)
        create_notification(page, name)
        import_contacts(page, name, list_name, shot, axe)
        return name

    return make


@pytest.fixture(scope="session")
def portal_token():
    """A launch token as the Hub3E portal makes it, for one centre and role."""
    from sms_hub.services.portal_auth import issue_token

    def make(tenant: str, tenant_name: str, *, role: str = "staff") -> str:
        return issue_token(
            PORTAL_KEY,
            user=f"{role}@{tenant}.fr",
            name=f"Utilisateur {role}",
            tenant=tenant,
            tenant_name=tenant_name,
            role=role,
            ttl_seconds=300,
        )

    return make


@pytest.fixture(scope="session")
def seed_centre(app_url, database_url):
    """Give a centre (created by its first sign-in) a simulator account of its own
    and its settings, as its admin would in « Paramètres du centre » (arrange step)."""
    from sqlmodel import select

    from sms_hub.settings import load_settings
    from sms_hub.store import secret_box
    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Tenant

    def seed(slug: str, **columns) -> int:
        account = f"compte-{slug}"
        key = f"cle-api-{slug}-0123456789"
        httpx.post(
            f"{app_url}/sarbacane-sim/_admin/accounts",
            json={"accountId": account, "apiKey": key, "name": f"Compte {slug}"},
            timeout=10,
        ).raise_for_status()
        encrypted = secret_box.encrypt(key, replace_secrets(load_settings()))
        with session_scope(database_url) as session:
            tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
            tenant.sarbacane_account_id = account
            tenant.sarbacane_api_key_encrypted = encrypted
            for name, value in columns.items():
                setattr(tenant, name, value)
            session.add(tenant)
            return tenant.id or 0

    return seed


def replace_secrets(settings):
    import dataclasses

    return dataclasses.replace(settings, secrets_keys=(SECRETS_KEY,))
