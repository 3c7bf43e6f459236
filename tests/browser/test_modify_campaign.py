"""« Modifier la campagne »: the form filled with the campaign, the Sarbacane
campaign replaced (one left for it, same recipients), refused elsewhere."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import httpx
from playwright.sync_api import Page, expect

from sms_hub.settings import SIMULATOR_ACCOUNT_ID, SIMULATOR_API_KEY, SIMULATOR_MOUNT
from tests.support.pages import (
    CANCEL,
    LAUNCH,
    campaign_row,
    create_notification,
    expect_row_action_refused,
    open_campaigns,
    open_row_action,
)

MODIFY = "Modifier la campagne"
#: Numbers of these tests alone, none answering STOP or bouncing in the
#: simulator: a STOP here would join the account's unsubscribe list and leave
#: out the same number from a later test's campaign.
PHONES = ["+33622000001", "+33622000002", "+33622000003", "+33622000004"]
HEADERS = {"accountId": SIMULATOR_ACCOUNT_ID, "apiKey": SIMULATOR_API_KEY}


def _api(app_url: str, path: str, **params) -> dict | list:
    answer = httpx.get(
        f"{app_url}{SIMULATOR_MOUNT}/v1{path}", headers=HEADERS, params=params
    )
    answer.raise_for_status()
    return answer.json()


def _remote_campaigns(app_url: str, name: str) -> list[dict]:
    """The simulator account's campaigns made for the campaign ``name``."""
    listed = _api(app_url, "/campaigns", search=name, limit=1000)
    items = listed["campaigns"] if isinstance(listed, dict) else listed
    return [c for c in items if c["name"].startswith(name + " [")]


def _remote(app_url: str, sarbacane_id: str) -> dict:
    body = _api(app_url, f"/campaigns/{sarbacane_id}")
    return body.get("campaign", body)


def _remote_phones(app_url: str, sarbacane_id: str) -> list[str]:
    listed = _api(app_url, f"/campaigns/{sarbacane_id}/recipients", limit=1000)
    items = listed.get("recipients", listed) if isinstance(listed, dict) else listed
    return sorted(r["phone"] for r in items)


def _modify(page: Page, name: str, *, sender: str, text: str):
    open_row_action(page, campaign_row(page, name), MODIFY)
    dialog = page.get_by_role("dialog", name=MODIFY)
    expect(dialog.get_by_label("Nom de la campagne")).to_have_value(name)
    expect(dialog.get_by_label("Libellé de l'expéditeur")).to_have_value("CentreForm")
    expect(dialog.get_by_label("Contenu du SMS")).to_have_value(
        "Votre session commence lundi à 9h."
    )
    dialog.get_by_label("Libellé de l'expéditeur").fill(sender)
    dialog.get_by_label("Contenu du SMS").fill(text)
    expect(dialog).to_contain_text(text)  # the phone preview follows
    dialog.get_by_role("button", name="Enregistrer les modifications").click()
    expect(
        page.get_by_text(
            "La campagne est modifiée : la nouvelle version est enregistrée."
        )
    ).to_be_visible(timeout=20_000)
    expect(dialog).to_be_hidden()


def test_a_draft_is_modified_and_sarbacane_holds_one_campaign_for_it(
    page: Page, app_url: str, notification_with_contacts, shot, axe
):
    name = notification_with_contacts("Convocation modifiée", "Modif", phones=PHONES)
    [before] = _remote_campaigns(app_url, name)

    open_row_action(page, campaign_row(page, name), MODIFY)
    dialog = page.get_by_role("dialog", name=MODIFY)
    expect(dialog).to_contain_text("Votre session commence lundi à 9h.")
    shot("modify-campaign")
    axe("modify-campaign")
    dialog.get_by_role("button", name="Annuler").click()
    _modify(page, name, sender="Formation", text="Votre session commence mardi.")

    row = campaign_row(page, name)
    expect(row).to_contain_text("Formation")
    expect(row.get_by_role("cell", name="4", exact=True)).to_be_visible()
    [after] = _remote_campaigns(app_url, name)
    assert after["id"] != before["id"]
    remote = _remote(app_url, after["id"])
    assert (remote["smsFrom"], remote["content"]) == (
        "Formation",
        "Votre session commence mardi.",
    )
    assert remote["blacklists"] == _remote(app_url, after["id"])["blacklists"] == []
    assert _remote_phones(app_url, after["id"]) == sorted(PHONES)


def test_a_cancelled_campaign_is_modified_then_relaunched_with_the_warning(
    page: Page, app_url: str, notification_with_contacts
):
    name = notification_with_contacts("Rappel modifié", "Annulée", phones=PHONES)

    row = campaign_row(page, name)
    row.get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    launch.get_by_text("Lancement différé de la campagne").click()
    in_two_days = date.today() + timedelta(days=2)
    launch.get_by_label("Date d'envoi").fill(in_two_days.isoformat())
    launch.get_by_label("Heure d'envoi (heure de Paris)").fill("10:00")
    launch.get_by_role("button", name="Planifier la campagne").click()
    expect(row.get_by_text("Planifiée", exact=True)).to_be_visible()
    # Refused while planned, greyed with the table's reason.
    expect_row_action_refused(
        page, row, MODIFY, re.compile("Brouillon ou Envoi annulé par l'utilisateur")
    )

    row.get_by_role("button", name=CANCEL).click()
    page.get_by_role("alertdialog").get_by_role(
        "button", name="Annuler l'envoi"
    ).click()
    expect(row.get_by_text("Envoi annulé par l'utilisateur")).to_be_visible()

    _modify(page, name, sender="Formation", text="Nouvelle date : jeudi.")
    expect(row.get_by_text("Envoi annulé par l'utilisateur")).to_be_visible()
    [remote] = _remote_campaigns(app_url, name)
    assert _remote_phones(app_url, remote["id"]) == sorted(PHONES)

    row.get_by_role("button", name=LAUNCH).click()
    expect(launch).to_contain_text("il est probable que des contacts aient déjà reçu")
    launch.get_by_role("button", name="Lancer la campagne").click()
    expect(row.get_by_text("Reçue par le serveur d'envoi")).to_be_visible()
    expect_row_action_refused(
        page, row, MODIFY, re.compile("Brouillon ou Envoi annulé par l'utilisateur")
    )


def test_the_form_says_when_the_campaign_was_edited_in_sarbacane(
    page: Page, app_url: str
):
    name = f"Modifiée ailleurs {uuid.uuid4().hex[:5]}"
    open_campaigns(page, app_url)
    create_notification(page, name)
    open_row_action(page, campaign_row(page, name), MODIFY)
    dialog = page.get_by_role("dialog", name=MODIFY)
    expect(dialog.get_by_label("Nom de la campagne")).to_have_value(name)
    expect(dialog.locator("#edited-in-sarbacane")).to_have_count(0)
    dialog.get_by_role("button", name="Annuler").click()

    [remote] = _remote_campaigns(app_url, name)
    edited = httpx.post(
        f"{app_url}{SIMULATOR_MOUNT}/app/campaigns/{remote['id']}",
        data={"name": remote["name"], "content": "Texte changé dans Sarbacane"},
    )
    assert edited.status_code == 303  # saved, back to the campaign's page

    open_row_action(page, campaign_row(page, name), MODIFY)
    expect(dialog.locator("#edited-in-sarbacane")).to_contain_text(
        "Cette campagne a été modifiée dans Sarbacane depuis sa dernière lecture"
    )
    dialog.get_by_label("Contenu du SMS").fill("Votre session commence mercredi.")
    dialog.get_by_role("button", name="Enregistrer les modifications").click()
    expect(dialog).to_be_hidden(timeout=20_000)
    [after] = _remote_campaigns(app_url, name)
    assert _remote(app_url, after["id"])["content"] == (
        "Votre session commence mercredi."
    )
