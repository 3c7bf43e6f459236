"""« Modèles de SMS »: written once, chosen in the creation modal, filled in."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.support.pages import CREATE, campaign_row, open_campaigns, sms_parts

TEMPLATE = (
    "Bienvenue à la formation {formation} le {date} à {heure}, {lieu}. "
    "Merci d'arriver 15 minutes en avance avec une pièce d'identité "
    "et de quoi prendre des notes."
)
FILLED = (
    "Bienvenue à la formation Sauveteur Secouriste du Travail le 12 janvier "
    "à 9h, salle 2. Merci d'arriver 15 minutes en avance avec une pièce "
    "d'identité et de quoi prendre des notes."
)
MENTION = "STOP au 36111"


def _templates_page(page: Page, app_url: str) -> None:
    page.goto(app_url + "/modeles")
    expect(page.get_by_role("heading", name="Modèles de SMS")).to_be_visible(
        timeout=30_000
    )


def _create_template(page: Page, app_url: str, name: str, shot, axe) -> None:
    _templates_page(page, app_url)
    expect(page.get_by_role("rowheader", name="Rappel J-1")).to_be_visible()
    page.get_by_role("button", name="Nouveau modèle").click()
    dialog = page.get_by_role("dialog", name="Nouveau modèle de SMS")
    dialog.get_by_label("Nom du modèle").fill(name)
    dialog.get_by_label("Texte du modèle").fill("Bonjour {prenom}, le {date}.")
    dialog.get_by_role("button", name="Enregistrer le modèle").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Champ inconnu : {prenom}. "
        "Les champs possibles sont {date}, {heure}, {lieu}, {formation}."
    )
    dialog.get_by_label("Texte du modèle").fill(TEMPLATE)
    expect(dialog.get_by_role("alert")).to_have_count(0)
    shot("template-dialog")
    axe("template-dialog")
    dialog.get_by_role("button", name="Enregistrer le modèle").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("rowheader", name=name)).to_be_visible()
    shot("templates")
    axe("templates")


def test_a_template_is_created_used_filled_edited_and_deleted(
    page: Page, app_url: str, database_url: str, shot, axe
):
    name = f"Accueil {uuid.uuid4().hex[:5]}"
    _create_template(page, app_url, name, shot, axe)

    open_campaigns(page, app_url)
    campaign = f"Session {uuid.uuid4().hex[:5]}"
    page.get_by_role("button", name=CREATE).click()
    modal = page.get_by_role("dialog", name=CREATE)
    phone = modal.get_by_role("group", name="Aperçu du SMS sur le téléphone")
    modal.get_by_label("Nom de la campagne").fill(campaign)
    modal.get_by_label("Libellé de l'expéditeur").fill("CentreForm")
    modal.get_by_label("Modèle").select_option(label=name)
    expect(modal.get_by_label("Contenu du SMS")).to_have_value(TEMPLATE)
    modal.get_by_label("Formation").fill("Sauveteur Secouriste du Travail")
    modal.get_by_label("Date").fill("12 janvier")
    modal.get_by_label("Heure").fill("9h")

    modal.get_by_role("button", name="Créer la campagne").click()
    expect(modal.get_by_role("alert")).to_have_text(
        "Renseignez les champs du modèle avant de créer la campagne : « Lieu »."
    )
    expect(modal.get_by_label("Lieu")).to_have_attribute("aria-invalid", "true")
    expect(modal.get_by_text("À renseigner.")).to_be_visible()
    shot("create-unfilled")
    axe("create-unfilled")
    expect(campaign_row(page, campaign)).to_have_count(0)

    modal.get_by_label("Lieu").fill("salle 2")
    expect(modal.get_by_label("Lieu")).to_have_attribute("aria-invalid", "false")
    # The counter and the phone count the filled text, mention included:
    # 178 characters + line feed + 13 = 192 units, two parts of 153 (the
    # text with its braces would count 180).
    expect(modal.locator("#sms-counter")).to_contain_text(
        "192 caractères (mention de désinscription incluse) · 2 SMS · encodage GSM"
    )
    first, second = sms_parts(phone, 2)
    assert len(first) == 153
    assert first + second == f"{FILLED}\n{MENTION}"
    expect(phone).to_contain_text("CentreForm")
    expect(phone).not_to_contain_text("{")
    phone.scroll_into_view_if_needed()
    shot("create-with-template")
    axe("create-with-template")

    modal.get_by_role("button", name="Créer la campagne").click()
    expect(modal).to_be_hidden()
    expect(campaign_row(page, campaign)).to_have_count(1)

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign

    with session_scope(database_url) as session:
        stored = session.exec(select(Campaign).where(Campaign.name == campaign)).one()
        assert stored.content == f"{FILLED}\n{MENTION}"
        assert "{" not in stored.content and "}" not in stored.content

    _templates_page(page, app_url)
    page.get_by_role("button", name=f"Modifier le modèle « {name} »").click()
    dialog = page.get_by_role("dialog", name="Modifier le modèle de SMS")
    expect(dialog.get_by_label("Texte du modèle")).to_have_value(TEMPLATE)
    dialog.get_by_label("Texte du modèle").fill("Bonjour, à bientôt.")
    dialog.get_by_role("button", name="Enregistrer le modèle").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text(
        "Bonjour, à bientôt."
    )
    page.get_by_role("button", name=f"Supprimer le modèle « {name} »").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text(f"Supprimer le modèle « {name} » ?")
    confirm.get_by_role("button", name="Supprimer le modèle").click()
    expect(page.get_by_role("rowheader", name=name)).to_have_count(0)
    expect(page.get_by_role("rowheader", name="Rappel J-1")).to_be_visible()
