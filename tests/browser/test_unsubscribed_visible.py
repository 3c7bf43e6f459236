"""« Désinscrit (STOP) »: a contact on the centre's Sarbacane unsubscribe list
is shown with its badge in « Listes de contacts » and in a campaign's
recipients, and the launch dialog counts it out of the SMS and the credits."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from sms_hub.domain.unsubscribes import BADGE, FILTER_ONLY
from tests.support.pages import (
    EXCLUSIONS,
    LAUNCH,
    RECIPIENTS,
    campaign_row,
    create_notification,
    import_contacts,
    open_campaigns,
)

#: On the simulator's STOP list from the start (DEFAULT_BLACKLIST).
ON_STOP_LIST = "+33600000999"
OTHERS = ["+33611000401", "+33611000402", "+33611000403"]


def test_a_stop_contact_is_badged_and_counted_out_of_the_launch(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    page.set_viewport_size({"width": 1024, "height": 800})
    list_name = f"Anciens {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, [ON_STOP_LIST, *OTHERS])

    page.goto(app_url + "/listes")
    refresh = page.get_by_role("button", name="Actualiser la liste des désinscrits")
    refresh.click()
    expect(
        page.get_by_text(re.compile(r"Liste des désinscrits mise à jour le \d\d/"))
    ).to_be_visible()
    page.get_by_role(
        "button", name="Voir les contacts de « " + list_name + " »"
    ).click()
    stop_row = page.get_by_role("row").filter(has_text="06 00 00 09 99")
    expect(stop_row).to_contain_text(BADGE)
    expect(page.get_by_role("row").filter(has_text=BADGE)).to_have_count(1)
    page.get_by_label("Afficher").first.click()
    page.get_by_role("option", name=FILTER_ONLY).click()
    expect(page.get_by_role("row").filter(has_text="06 11 00 04 0")).to_have_count(0)
    expect(stop_row).to_contain_text(BADGE)
    axe("contact-list-unsubscribed")  # waits for the dialog to be shown, then the shot
    shot("contact-list-unsubscribed")

    # A notification takes them all (no opt-out); with the STOP list among
    # its exclusion lists, the launch leaves the unsubscribed one out.
    name = f"Convocation {uuid.uuid4().hex[:5]}"
    open_campaigns(page, app_url)
    create_notification(page, name)
    import_contacts(page, name, list_name)
    campaign_row(page, name).get_by_role("button", name=RECIPIENTS).click()
    recipients = page.get_by_role("dialog", name="Liste des destinataires")
    expect(
        recipients.get_by_role("row").filter(has_text="06 00 00 09 99")
    ).to_contain_text(BADGE)
    expect(recipients.get_by_role("row").filter(has_text=BADGE)).to_have_count(1)
    axe("recipients-unsubscribed")  # waits for the dialog to be shown, then the shot
    shot("recipients-unsubscribed")
    recipients.get_by_role("button", name="Fermer").click()

    campaign_row(page, name).get_by_role("button", name=EXCLUSIONS).click()
    exclusions = page.get_by_role("dialog", name="Choisir les listes d'exclusion")
    exclusions.get_by_role("checkbox", name=re.compile("Désinscrits STOP")).click()
    exclusions.get_by_role("button", name="Assigner ces listes à la campagne").click()
    expect(page.get_by_text("Listes d'exclusion assignées")).to_be_visible()

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text("Destinataires4")
    expect(launch).to_contain_text("1 destinataire désinscrit ne recevra pas ce SMS")
    expect(launch).to_contain_text("3 crédits SMS")
    axe("launch-unsubscribed")  # waits for the dialog to be shown, then the shot
    shot("launch-unsubscribed")
