"""The launch modal's SMS credits, read from Sarbacane's list of credit entries."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from sms_hub.settings import SIMULATOR_ACCOUNT_ID, SIMULATOR_API_KEY, SIMULATOR_MOUNT
from tests.support.pages import (
    IMPORT,
    LAUNCH,
    STATS,
    campaign_row,
    create_notification,
    open_campaigns,
)

FAULTS = f"{SIMULATOR_MOUNT}/_admin/faults"


def _french(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def test_the_launch_modal_shows_the_sms_credits_and_ignores_the_email_ones(
    page: Page, app_url: str, notification_with_contacts
):
    name = notification_with_contacts("Rappel", "Crédits")
    answer = httpx.get(
        f"{app_url}{SIMULATOR_MOUNT}/v1/credits",
        headers={"accountId": SIMULATOR_ACCOUNT_ID, "apiKey": SIMULATOR_API_KEY},
    ).json()
    counts = {entry["creditType"]: entry["count"] for entry in answer}
    sms, email = counts["SMS"], counts["EMAIL_CAMPAIGNS"]
    assert sms != email

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text(f"Crédits restants{_french(sms)}")
    expect(launch).not_to_contain_text(_french(email))
    expect(launch).not_to_contain_text(_french(sms + email))


@pytest.fixture
def fast_sending(app_url: str):
    """The simulator sends 1,000 SMS a second for this test, then its pace again."""
    before = httpx.get(app_url + FAULTS).json()["recipients_per_second"]
    httpx.post(
        app_url + FAULTS, json={"recipients_per_second": 1000}
    ).raise_for_status()
    yield
    httpx.post(
        app_url + FAULTS, json={"recipients_per_second": before}
    ).raise_for_status()


def test_counts_of_a_large_campaign_read_the_french_way(
    page: Page, app_url: str, seed_contact_list, fast_sending, shot, axe
):
    list_name = f"Grande liste {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, [f"+3365{n:07d}" for n in range(1200)])
    name = f"Relance {uuid.uuid4().hex[:5]}"
    open_campaigns(page, app_url)
    create_notification(page, name)

    campaign_row(page, name).get_by_role("button", name=IMPORT).click()
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
        campaign_row(page, name).get_by_role("cell", name=_french(1200), exact=True)
    ).to_be_visible()

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text(f"Destinataires{_french(1200)}")
    expect(launch).to_contain_text(f"{_french(1200)} crédits SMS")

    launch.get_by_role("button", name="Lancer la campagne").click()
    row = campaign_row(page, name)
    expect(row.get_by_text("Envoi terminé")).to_be_visible(timeout=60_000)
    row.get_by_role("button", name=STATS).click()
    expect(
        page.get_by_role("heading", name="Statistiques de la campagne")
    ).to_be_visible()
    figures = page.locator(".stat-figure")
    expect(figures.filter(has_text="Destinataires")).to_contain_text(_french(1200))
    expect(figures.filter(has_text="Envoyés")).to_contain_text(_french(1200))
    expect(page.get_by_text(f"{_french(1200)} destinataire(s)")).to_be_visible()

    # The charts print the same text: pie labels, the axis, the tooltip.
    labels = page.locator(".recharts-pie-label-text")
    expect(labels.first).to_be_visible()
    texts = labels.all_text_contents()
    assert any("\u202f" in text for text in texts), texts
    assert not [t for t in texts if re.search(r"\d{4}", t)], texts
    # The sending may straddle two minutes: any count, grouped by thousands.
    grouped = r"\d{1,3}(\u202f\d{3})*"
    ticks = page.locator(
        ".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value"
    )
    expect(ticks.first).to_be_visible()
    for tick in ticks.all_text_contents():
        assert re.fullmatch(grouped, tick), tick
    bar = page.locator(".recharts-bar-rectangle path").first
    expect(bar).to_have_css("fill", "rgb(62, 99, 221)")  # the accent, not black
    bar.hover()
    tooltip = page.locator(".recharts-tooltip-wrapper").last
    expect(tooltip).to_contain_text(re.compile(f"SMS traités : {grouped}$"))
    assert not re.search(r"\d{4}", tooltip.inner_text())
    shot("statistics-large")
    axe("statistics-large")
    legend = page.locator(".recharts-legend-item-text").first
    expect(legend).to_have_css("color", "rgb(28, 32, 36)")  # gray-12, not the series'
