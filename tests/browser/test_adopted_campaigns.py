"""A campaign made in Sarbacane's own interface (the simulator's stand-in
pages) appears in Hub3E without a reload, marked « Créée sur Sarbacane »,
and is filled from a list and launched like any other."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from sms_hub.domain.adoption import ADOPTED_BADGE, NO_TEMPLATE_WARNING
from tests.support.pages import LAUNCH, campaign_row, import_contacts, open_campaigns

#: Numbers of this test only, none answering STOP (the demo account's STOP
#: list is shared by every browser test).
PHONES = ["+33611000301", "+33611000302", "+33611000303", "+33611000304"]


def test_a_campaign_made_in_sarbacane_appears_and_is_sent(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    tag = uuid.uuid4().hex[:6]
    name = f"Forum {tag}"
    list_name = f"Forum liste {tag}"
    seed_contact_list(list_name, PHONES)
    open_campaigns(page, app_url)
    expect(page.get_by_role("rowheader", name=name)).to_have_count(0)

    sarbacane = page.context.new_page()
    sarbacane.goto(f"{app_url}/sarbacane-sim/app/campaigns/new")
    sarbacane.get_by_label("Nom de la campagne").fill(name)
    sarbacane.get_by_label("Notification SMS").check()
    sarbacane.get_by_label("Expéditeur").fill("Centre")
    sarbacane.get_by_label("Contenu du SMS").fill("Forum des métiers samedi.")
    sarbacane.get_by_role("button", name="Créer la campagne").click()
    expect(sarbacane.get_by_role("heading", level=1)).to_have_text(
        f"Campagne « {name} »"
    )
    sarbacane.close()

    row = campaign_row(page, name)
    expect(row).to_have_count(1, timeout=30_000)
    expect(row.get_by_text(ADOPTED_BADGE, exact=True)).to_be_visible()
    expect(row).to_contain_text("Notification SMS")
    expect(row).to_contain_text("Brouillon")
    shot("adopted-campaign")
    axe("adopted-campaign")

    import_contacts(page, name, list_name)
    row.get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text(NO_TEMPLATE_WARNING)
    expect(launch).to_contain_text("Crédits estimésinconnus")
    expect(launch).to_contain_text("Destinataires4")
    axe("adopted-launch")
    launch.get_by_role("button", name="Lancer la campagne").click()
    expect(row.get_by_text("Envoi terminé")).to_be_visible(timeout=60_000)
    expect(row.get_by_text(ADOPTED_BADGE, exact=True)).to_be_visible()
