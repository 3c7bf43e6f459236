"""The launch modal's SMS credits, read from Sarbacane's list of credit entries."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from sms_hub.settings import SIMULATOR_ACCOUNT_ID, SIMULATOR_API_KEY, SIMULATOR_MOUNT
from tests.browser.test_campaigns_page import _open, _row
from tests.browser.test_sending_lifecycle import (
    IMPORT,
    LAUNCH,
    PHONES,
    _import,
    _notification,
)


def _french(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def test_the_launch_modal_shows_the_sms_credits_and_ignores_the_email_ones(
    page: Page, app_url: str, seed_contact_list
):
    list_name = f"Crédits {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, PHONES)
    name = f"Rappel {uuid.uuid4().hex[:5]}"
    _open(page, app_url)
    _notification(page, name)
    _import(page, name, list_name)
    answer = httpx.get(
        f"{app_url}{SIMULATOR_MOUNT}/v1/credits",
        headers={"accountId": SIMULATOR_ACCOUNT_ID, "apiKey": SIMULATOR_API_KEY},
    ).json()
    counts = {entry["creditType"]: entry["count"] for entry in answer}
    sms, email = counts["SMS"], counts["EMAIL_CAMPAIGNS"]
    assert sms != email

    _row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text(f"Crédits restants{_french(sms)}")
    expect(launch).not_to_contain_text(_french(email))
    expect(launch).not_to_contain_text(_french(sms + email))


def test_counts_of_a_large_campaign_read_the_french_way(
    page: Page, app_url: str, seed_contact_list
):
    list_name = f"Grande liste {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, [f"+3365{n:07d}" for n in range(1200)])
    name = f"Relance {uuid.uuid4().hex[:5]}"
    _open(page, app_url)
    _notification(page, name)

    _row(page, name).get_by_role("button", name=IMPORT).click()
    dialog = page.get_by_role("dialog", name="Importer les contacts d'une liste")
    option = dialog.get_by_role("checkbox", name=re.compile(list_name))
    expect(dialog).to_contain_text(f"({_french(1200)} contacts)")
    option.click()
    expect(dialog).to_contain_text(f"{_french(1200)} contact(s) avec un numéro")
    dialog.get_by_role("button", name="Importer les contacts").click()
    expect(dialog).to_contain_text(
        f"{_french(1200)} destinataire(s) ajouté(s)", timeout=30_000
    )
    dialog.get_by_role("button", name="Fermer").click()
    expect(
        _row(page, name).get_by_role("cell", name=_french(1200), exact=True)
    ).to_be_visible()

    _row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text(f"Destinataires{_french(1200)}")
    expect(launch).to_contain_text(f"{_french(1200)} crédits SMS")
