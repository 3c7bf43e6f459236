"""The campaigns table in the Hub3E portal's frame (1,024 to 1,280 px wide),
on a wide screen and on a phone: nothing cut, nothing scrolling sideways,
every action of a row reachable by its label and by keyboard."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sms_hub.domain.lifecycle import ACTION_INFO, STATUS_INFO, Action, Status
from tests.support.pages import campaign_row, signed_in_from_portal

MORE = "Plus d'actions"
ALL_LABELS = {info.label for info in ACTION_INFO.values()}
#: Where a person looks at the table (outside the repository) when set.
SHOTS = os.environ.get("TABLE_SHOTS_DIR", "")
#: A long name, as centres write them.
LONG = "Relance des stagiaires BTS MCO alternance session de septembre"

_NO_SIDEWAYS_SCROLL = """() => {
  const s = document.scrollingElement;
  return s.scrollWidth <= s.clientWidth;
}"""
_PAST_RIGHT_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.campaign-row button, .campaign-row a')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => el.getBoundingClientRect().right > width)
    .map((el) => (el.getAttribute('aria-label') || el.textContent)
      + ' @ ' + Math.round(el.getBoundingClientRect().right));
}"""
_NAME_LINES = """(el) => {
  const text = el.querySelector('.campaign-name');
  const lines = text.getBoundingClientRect().height
    / parseFloat(getComputedStyle(text).lineHeight);
  return Math.round(lines);
}"""


def _seed_campaigns(database_url: str, slug: str, tag: str) -> dict[Status, str]:
    """One campaign per status a staff member meets (arrange, in the database:
    the centre has no Sarbacane account, so nothing moves them)."""
    from sqlmodel import select

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign, Tenant

    now = datetime.now(UTC)
    rows = {
        Status.DRAFT: (f"{LONG} {tag}", 0, {}),
        Status.CANCELLED: (f"Journée portes ouvertes {tag}", 120, {}),
        Status.SCHEDULED: (
            f"Convocation examen {tag}",
            48,
            {"scheduled_at": now + timedelta(days=2)},
        ),
        Status.SENDING: (
            f"Rappel visite médicale {tag}",
            300,
            {"processed_count": 120},
        ),
        Status.FINISHED: (
            f"Résultats {tag}",
            1250,
            {"report_summary": json.dumps({"failed": 3})},
        ),
    }
    with session_scope(database_url) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        for status, (name, recipients, extra) in rows.items():
            session.add(
                Campaign(
                    tenant_id=tenant.id,
                    sarbacane_account_id=f"seed-{slug}",
                    sarbacane_id=f"seed-{uuid.uuid4().hex}",
                    name=name,
                    kind="SMS_MARKETING"
                    if status is Status.FINISHED
                    else "SMS_NOTIFICATION",
                    sender="CentreForm",
                    content="Bonjour",
                    status=status.value,
                    recipient_count=recipients,
                    **extra,
                )
            )
    return {status: name for status, (name, _, _) in rows.items()}


@pytest.fixture
def campaigns(page: Page, app_url: str, portal_token, database_url):
    """A centre of its own, signed in, with one campaign per status."""
    tag = uuid.uuid4().hex[:5]
    slug = f"cfa-table-{tag}"
    centre = "CFA Tableau"
    signed_in_from_portal(page, app_url, portal_token(slug, centre), centre)
    names = _seed_campaigns(database_url, slug, tag)
    page.reload()
    for name in names.values():
        expect(campaign_row(page, name)).to_have_count(1, timeout=30_000)
    return names


def _shot(page: Page, width: int | str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/table-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [1024, 1280, 1440])
def test_nothing_is_cut_and_nothing_scrolls_sideways_at_the_portals_widths(
    page: Page, campaigns, width
):
    page.set_viewport_size({"width": width, "height": 768})
    for name in campaigns.values():
        expect(
            campaign_row(page, name).get_by_role("button", name=MORE)
        ).to_be_visible()
    _shot(page, width)
    assert page.evaluate(_PAST_RIGHT_EDGE) == []
    assert page.evaluate(_NO_SIDEWAYS_SCROLL)
    for name in campaigns.values():
        header = campaign_row(page, name).get_by_role("rowheader")
        assert header.evaluate(_NAME_LINES) <= 2, name


def test_on_a_phone_each_campaign_is_a_card(page: Page, campaigns):
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".campaigns-table thead")).to_be_hidden()
    _shot(page, 390)
    for status, name in campaigns.items():
        card = page.locator(".campaign-row").filter(has_text=name)
        card.scroll_into_view_if_needed()
        expect(card.get_by_text(name, exact=True)).to_be_in_viewport()
        expect(card.get_by_text(STATUS_INFO[status].label, exact=True)).to_be_visible()
        expect(card.get_by_role("button", name=MORE)).to_be_visible()
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate(_PAST_RIGHT_EDGE) == []
    assert page.evaluate(_NO_SIDEWAYS_SCROLL)


def _labels_of_row(page: Page, name: str) -> tuple[set[str], set[str]]:
    """The labels of a row's icons, and of its menu's items (the menu opened
    and closed by keyboard)."""
    row = campaign_row(page, name)
    icons = {
        b.get_attribute("aria-label") or ""
        for b in row.get_by_role("button").all()
        # The campaign's name (its row header) links to its page: not an action.
        + row.get_by_role("cell").get_by_role("link").all()
    }
    icons.discard(MORE)
    trigger = row.get_by_role("button", name=MORE)
    trigger.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    items = set()
    for label in ALL_LABELS - icons:
        expect(menu.get_by_role("menuitem", name=label)).to_have_count(1)
        items.add(label)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(trigger).to_be_focused()
    return icons, items


def test_every_action_of_every_status_is_reachable_by_its_label(page: Page, campaigns):
    page.set_viewport_size({"width": 1024, "height": 768})
    for name in campaigns.values():
        icons, items = _labels_of_row(page, name)
        assert icons | items == ALL_LABELS, name
        assert not icons & items, name


def test_a_refused_action_says_why_in_the_menu_and_the_menu_is_accessible(
    page: Page, campaigns, axe
):
    page.set_viewport_size({"width": 1024, "height": 768})
    row = campaign_row(page, campaigns[Status.DRAFT])
    # Tab reaches the menu's trigger after the row's icons.
    row.get_by_role("button", name=ACTION_INFO[Action.DELETE].label).focus()
    page.keyboard.press("Tab")
    expect(row.get_by_role("button", name=MORE)).to_be_focused()
    page.keyboard.press("ArrowDown")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    launch = menu.get_by_role("menuitem", name="Lancer ou planifier l'envoi")
    expect(launch).to_be_disabled()
    expect(launch).to_contain_text("au minimum 1 destinataire")
    stats = menu.get_by_role("menuitem", name="interface Hub3E")
    expect(stats).to_contain_text(
        "Disponible uniquement lorsque la campagne est au statut Envoi terminé."
    )
    axe("campaign-row-menu")
    _shot(page, "1024-menu")
    # Arrow keys walk the available items; Enter opens the chosen one.
    history = menu.get_by_role("menuitem", name="Historique")
    for _ in range(8):
        if history.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    expect(history).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Historique")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Fermer").click()
