"""An SMS Marketing leaves with the STOP list: the launch dialog names the
exclusion lists, and without the STOP list asks the user to confirm the risk."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta

from playwright.sync_api import Page, expect

from sms_hub.domain.calendar import TZ, SendingWindow, is_allowed
from sms_hub.domain.campaign import NO_STOP_LIST_CONFIRM, NO_STOP_LIST_WARNING
from tests.support.pages import (
    EXCLUSIONS,
    LAUNCH,
    campaign_row,
    create_campaign,
    import_contacts,
    open_campaigns,
    open_row_action,
)

HISTORY = "Historique"


def _allowed_day() -> date:
    """The first day, two days ahead or later, whose 10:00 (Paris) an SMS
    Marketing may be sent at (no Sunday, no public holiday)."""
    day = date.today() + timedelta(days=2)
    while not is_allowed(
        datetime.combine(day, time(10, 0), tzinfo=TZ), SendingWindow()
    ):
        day += timedelta(days=1)
    return day


def test_the_launch_names_the_lists_and_asks_to_confirm_without_the_stop_list(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    list_name = f"Prospects {uuid.uuid4().hex[:5]}"
    # Numbers no other test sends to: a STOP answered to an earlier campaign
    # (PHONES holds one) keeps a number out of every later SMS Marketing.
    seed_contact_list(list_name, [f"+336110002{n:02d}" for n in range(1, 5)])
    name = f"Portes ouvertes {uuid.uuid4().hex[:5]}"
    open_campaigns(page, app_url)
    create_campaign(page, name)  # SMS Marketing: made with the STOP list
    import_contacts(page, name, list_name)

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text("Listes d'exclusionDésinscrits STOP")
    expect(launch).not_to_contain_text(NO_STOP_LIST_WARNING)
    expect(launch.get_by_role("button", name="Lancer la campagne")).to_be_enabled()
    launch.get_by_role("button", name="Annuler").click()
    expect(launch).to_be_hidden()

    # The user takes the STOP list off and chooses another one.
    campaign_row(page, name).get_by_role("button", name=EXCLUSIONS).click()
    exclusions = page.get_by_role("dialog", name="Choisir les listes d'exclusion")
    stop = exclusions.get_by_role("checkbox", name=re.compile("Désinscrits STOP"))
    expect(stop).to_be_checked()
    stop.click()
    exclusions.get_by_role("checkbox", name=re.compile("Salariés du centre")).click()
    exclusions.get_by_role("button", name="Assigner ces listes à la campagne").click()
    expect(page.get_by_text("Listes d'exclusion assignées")).to_be_visible()

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    expect(launch).to_contain_text("Listes d'exclusionSalariés du centre")
    expect(launch).to_contain_text(NO_STOP_LIST_WARNING)
    consent = launch.get_by_role("checkbox", name=NO_STOP_LIST_CONFIRM)
    expect(consent).not_to_be_checked()
    expect(launch.get_by_role("button", name="Lancer la campagne")).to_be_disabled()
    shot("launch-without-stop-list")
    axe("launch-without-stop-list")

    day = _allowed_day()
    launch.get_by_text("Lancement différé de la campagne").click()
    launch.get_by_label("Date d'envoi").fill(day.isoformat())
    launch.get_by_label("Heure d'envoi (heure de Paris)").fill("10:00")
    schedule = launch.get_by_role("button", name="Planifier la campagne")
    expect(schedule).to_be_disabled()
    consent.click()
    expect(schedule).to_be_enabled()
    schedule.click()
    row = campaign_row(page, name)
    expect(row.get_by_text("Planifiée", exact=True)).to_be_visible()

    open_row_action(page, row, HISTORY)
    history = page.get_by_role("dialog", name=HISTORY)
    expect(history).to_contain_text(
        "sans la liste des désinscrits (STOP) : confirmé par l'utilisateur"
    )
