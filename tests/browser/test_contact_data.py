"""« Données d'un contact »: an admin finds a person, then erases them."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

TITLE = "Données d'un contact"


def test_an_admin_finds_then_erases_a_contact(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    # A number of its own, so no other test's list holds it.
    number = f"+336{uuid.uuid4().int % 10**8:08d}"
    national = "0" + number[3:]
    list_name = f"Stagiaires RGPD {uuid.uuid4().hex[:6]}"
    seed_contact_list(list_name, [number, "+33611110000"])
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(app_url + "/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=30_000)

    page.get_by_label("Numéro de mobile ou adresse e-mail").fill(national)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("row").filter(has_text=list_name)).to_be_visible()
    expect(
        page.get_by_text("Sarbacane conserve ses propres traces").first
    ).to_be_visible()
    shot("contact_data_found")
    axe("Données d'un contact")

    page.get_by_role("button", name="Effacer ce contact").click()
    dialog = page.get_by_role("alertdialog", name="Effacer ce contact")
    expect(dialog).to_contain_text("l'effacement est définitif")
    expect(dialog).to_contain_text("Sarbacane conserve ses propres traces")
    shot("contact_data_erase_dialog")
    axe("Effacer ce contact")
    dialog.get_by_role("button", name="Effacer définitivement").click()
    expect(dialog).to_be_hidden()
    expect(
        page.get_by_role("status").filter(has_text="Contact effacé")
    ).to_contain_text("retiré de 1 liste")

    page.get_by_role("button", name="Rechercher").click()
    expect(
        page.get_by_text("Aucune donnée n'est conservée pour ce contact.")
    ).to_be_visible()
