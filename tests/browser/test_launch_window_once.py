"""The launch dialog says the sending calendar's refusal once, in its callout."""

from __future__ import annotations

import uuid
from datetime import datetime

from playwright.sync_api import Page, expect

from sms_hub.domain.calendar import TZ
from tests.browser.test_campaigns_page import _create, _row
from tests.browser.test_centres import _seed_rows, _signed_in, _slug
from tests.browser.test_sending_lifecycle import LAUNCH, PHONES, _import


def test_a_send_now_outside_the_window_says_the_calendar_once(
    page: Page, app_url: str, portal_token, seed_centre, database_url
):
    slug = _slug("cfa-creneau")
    token = portal_token(slug, "CFA Créneau", role="admin")
    _signed_in(page, app_url, token, "CFA Créneau")
    # The centre sends on one weekday only, three days from today: closed now.
    closed_today = (datetime.now(TZ).weekday() + 3) % 7
    seed_centre(slug, sending_days=str(closed_today))
    _seed_rows(database_url, slug, phones=PHONES)
    name = f"Relance {uuid.uuid4().hex[:5]}"
    _create(page, name)  # SMS Marketing
    _import(page, name, f"Liste {slug}")

    _row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch.get_by_text("Prochain créneau autorisé")).to_have_count(1)
    launch.get_by_role("button", name="Lancer la campagne").click()
    alert = launch.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Prochain créneau autorisé")
    # Said once: the refusal is the calendar's callout, not a second red line.
    expect(launch.get_by_text("Prochain créneau autorisé")).to_have_count(1)
    launch.get_by_role("button", name="Annuler").click()
    expect(_row(page, name).get_by_text("Brouillon", exact=True)).to_be_visible()
