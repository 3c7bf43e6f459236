"""Browser tests drive the real production server, started once per session.

``reflex run --env prod`` on a free port, a temporary SQLite database and
the built-in Sarbacane simulator (fast pace), as a user would get it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

# Each expectation waits for what the user would see, up to this bound. A
# click often runs several Sarbacane calls on the server (creating an SMS
# Marketing also assigns its STOP list); on a busy 2-core CI machine 5 s (the
# default) is too close to their time, 15 s is not.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
#: The server runs the demo (DEMO_MODE=1) and also accepts portal tokens
#: signed with this key, so one server shows both the demo and real centres.
PORTAL_KEY = "browser-tests-portal-signing-key-0123456789"
SECRETS_KEY = "bXlfYnJvd3Nlcl90ZXN0c19zZWNyZXRzX2tleV8wMDA="
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_served(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not start:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("data")
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEMO_MODE": "1",
        "PORTAL_SIGNING_KEY": PORTAL_KEY,
        "SECRETS_KEY": SECRETS_KEY,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "SIMULATOR_MODERATION_SECONDS": "4",
        "SIMULATOR_RECIPIENTS_PER_SECOND": "1",
        "POLL_INTERVAL_SECONDS": "1",
        "DISCOVERY_INTERVAL_SECONDS": "2",
        "PAGE_SIZE": "20",
    }
    for name in ("SARBACANE_API_URL", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


@contextmanager
def production_server(project: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """Migrate, then serve ``project`` with ``reflex run --env prod`` on
    ``env["PORT"]``; yields its URL and stops its process group after."""
    port = env["PORT"]
    subprocess.run(
        [sys.executable, "-m", "sms_hub.store.migrate"],
        cwd=project,
        env=env,
        check=True,
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(BIN / "reflex"),
                *("run", "--env", "prod"),
                *("--frontend-port", port, "--backend-port", port),
            ],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}"
    try:
        _wait_until_served(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def app_url(server_env, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("log") / "server.log"
    with production_server(ROOT, server_env, log) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
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
def seed_contact_list(server_env, app_url):
    """Put a contact list in the server's database for the demo centre (arrange step)."""
    from sqlmodel import select

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Contact, ContactList, Tenant

    database_url = f"sqlite:///{server_env['DATA_DIR']}/sms_hub.db"

    def seed(name: str, phones: list[str]) -> None:
        httpx.get(app_url + "/", timeout=10)
        with session_scope(database_url) as session:
            tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).first()
            if tenant is None:
                tenant = Tenant(slug="demo", name="Centre de formation Horizon")
                session.add(tenant)
                session.flush()
            contact_list = ContactList(
                tenant_id=tenant.id, name=name, contact_count=len(phones)
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


@pytest.fixture(scope="session")
def database_url(server_env) -> str:
    return f"sqlite:///{server_env['DATA_DIR']}/sms_hub.db"


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


#: Where the portal stand-in lives; a test serves its own version of that
#: page (same origin as the app) to hand over a token of its choosing.
PORTAL_PAGE = "/_portal-demo"
APP_TITLE = "Gestion des campagnes de SMSing"


def open_from_portal(page, app_url: str, token: str):
    """Open the app as the Hub3E portal does: the portal's page frames it and
    hands ``token`` over by ``postMessage`` when the app asks. Returns the
    frame. The frame shares the tab's session with a top-level page of the
    app's origin, so a test may then go on at the top level."""
    from playwright.sync_api import expect

    from sms_hub.portal_demo import render
    from sms_hub.settings import load_settings

    html = render(load_settings(), token)
    url = app_url + PORTAL_PAGE
    page.unroute(url)
    page.route(
        url,
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=html
        ),
    )
    page.goto(url)
    frame = page.frame_locator(f'iframe[title="{APP_TITLE}"]')
    expect(frame.get_by_role("heading", name=APP_TITLE)).to_be_visible(timeout=30_000)
    return frame


def replace_secrets(settings):
    import dataclasses

    return dataclasses.replace(settings, secrets_keys=(SECRETS_KEY,))


#: The row's menu of the actions not shown as icons (``lifecycle.on_row``).
MORE_ACTIONS = "Plus d'actions"


def open_row_action(page, row, label: str) -> None:
    """Choose a campaign row's action by its label: its icon on the row, or
    else its item in the row's menu « Plus d'actions »."""
    icon = row.get_by_role("button", name=label, exact=True)
    if icon.count():
        icon.click()
        return
    row.get_by_role("button", name=MORE_ACTIONS).click()
    page.get_by_role("menu").get_by_role("menuitem", name=label).click()


def expect_row_action_refused(page, row, label: str, reason) -> None:
    """The action is not offered on the row: its menu item is disabled and
    says why (``reason``, a text or a pattern) under its label."""
    from playwright.sync_api import expect

    expect(row.get_by_role("button", name=label, exact=True)).to_have_count(0)
    row.get_by_role("button", name=MORE_ACTIONS).click()
    item = page.get_by_role("menu").get_by_role("menuitem", name=label)
    expect(item).to_be_disabled()
    expect(item).to_contain_text(reason)
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_be_hidden()
