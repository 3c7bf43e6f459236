"""« Modèles de SMS »: written once, chosen in the creation modal, filled in."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.browser.test_campaigns_page import CREATE, _open, _row


def _templates_page(page: Page, app_url: str) -> None:
    page.goto(app_url + "/modeles")
    expect(page.get_by_role("heading", name="Modèles de SMS")).to_be_visible(
        timeout=30_000
    )


def test_a_template_is_created_used_filled_edited_and_deleted(
    page: Page, app_url: str, database_url: str, shot, axe
):
    name = f"Accueil {uuid.uuid4().hex[:5]}"
    _templates_page(page, app_url)
    expect(page.get_by_role("rowheader", name="Rappel J-1")).to_be_visible()
    page.get_by_role("button", name="Nouveau modèle").click()
    dialog = page.get_by_role("dialog", name="Modèle de SMS")
    dialog.get_by_label("Nom du modèle").fill(name)
    dialog.get_by_label("Texte du modèle").fill(
        "Bienvenue à la formation {formation}, le {date} à {lieu}."
    )
    axe("template-dialog")
    dialog.get_by_role("button", name="Enregistrer le modèle").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("rowheader", name=name)).to_be_visible()
    shot("templates")
    axe("templates")

    _open(page, app_url)
    campaign = f"Session {uuid.uuid4().hex[:5]}"
    page.get_by_role("button", name=CREATE).click()
    modal = page.get_by_role("dialog", name=CREATE)
    modal.get_by_text("Notification SMS").click()
    modal.get_by_label("Nom de la campagne").fill(campaign)
    modal.get_by_label("Libellé de l'expéditeur").fill("CentreForm")
    modal.get_by_label("Modèle").select_option(label=name)
    expect(modal.get_by_label("Contenu du SMS")).to_have_value(
        "Bienvenue à la formation {formation}, le {date} à {lieu}."
    )
    modal.get_by_label("Formation").fill("SST")
    modal.get_by_label("Date").fill("12 janvier")
    modal.get_by_role("button", name="Créer la campagne").click()
    expect(modal.get_by_text("Renseignez les champs du modèle")).to_be_visible()
    modal.get_by_label("Lieu").fill("salle 2")
    phone = modal.get_by_role("group", name="Aperçu du SMS sur le téléphone")
    expect(phone).to_contain_text(
        "Bienvenue à la formation SST, le 12 janvier à salle 2."
    )
    shot("create-with-template")
    axe("create-with-template")
    modal.get_by_role("button", name="Créer la campagne").click()
    expect(_row(page, campaign)).to_have_count(1)

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign

    with session_scope(database_url) as session:
        stored = session.exec(select(Campaign).where(Campaign.name == campaign)).one()
        assert (
            stored.content == "Bienvenue à la formation SST, le 12 janvier à salle 2."
        )

    _templates_page(page, app_url)
    page.get_by_role("button", name=f"Modifier le modèle « {name} »").click()
    dialog.get_by_label("Texte du modèle").fill("Bonjour, à bientôt.")
    dialog.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text(
        "Bonjour, à bientôt."
    )
    page.get_by_role("button", name=f"Supprimer le modèle « {name} »").click()
    page.get_by_role("alertdialog").get_by_role(
        "button", name="Supprimer le modèle"
    ).click()
    expect(page.get_by_role("rowheader", name=name)).to_have_count(0)
