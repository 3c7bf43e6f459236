"""Audience: CSV into a new contact list → that list into a draft campaign →
recipients → exclusion lists chosen, and seen again on reopening."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.pages import campaign_row, create_campaign, open_campaigns

CSV_TEXT = (
    "Nom;Prénom;Téléphone portable;Email\n"
    "Martin;Léa;06 12 34 56 78;lea.martin@exemple.fr\n"
    "Durand;Hugo;+33 (0)7 81 22 33 44;hugo@exemple.fr\n"
    "Petit;Chloé;0692 12 34 56;chloe@exemple.fr\n"
    "Moreau;Inès;01 45 67 89 10;ines@exemple.fr\n"
    "Martin;Léa;0612345678;doublon@exemple.fr\n"
    "Roux;Jules;;jules@exemple.fr\n"
    "Blanc;Zoé;12345;zoe@exemple.fr\n"
    "Long;Paul;06 " + "9" * 300 + ";paul@exemple.fr\n"
)
#: The number of that last row as the report shows it: cut to 100 characters.
LONG_NUMBER_SHOWN = "06 " + "9" * 96 + "…"


def _downloaded(page: Page, button) -> list[list[str]]:
    """Click a download button; the CSV the browser saved, as rows."""
    with page.expect_download() as started:
        button.click()
    text = Path(started.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_into_a_list_then_into_a_campaign_with_exclusions(
    page: Page, app_url: str, tmp_path: Path, shot, axe
):
    list_name = f"Stagiaires {uuid.uuid4().hex[:5]}"
    csv_file = tmp_path / "stagiaires.csv"
    csv_file.write_bytes(CSV_TEXT.encode("cp1252"))

    page.goto(app_url + "/listes")
    expect(page.get_by_role("heading", name="Listes de contacts")).to_be_visible(
        timeout=30_000
    )
    axe("contact-lists")
    page.get_by_role("button", name="Créer une liste").click()
    dialog = page.get_by_role("dialog")
    axe("create-list")
    dialog.get_by_label("Nom de la liste").fill(list_name)
    dialog.get_by_role("button", name="Créer la liste").click()
    row = page.get_by_role("row").filter(has_text=list_name)
    expect(row).to_have_count(1)

    row.get_by_role(
        "button", name=f"Importer un fichier CSV dans « {list_name} »"
    ).click()
    upload = page.get_by_role("dialog", name="Importer un fichier CSV")
    axe("csv-import")
    upload.locator("input[type=file]").set_input_files(str(csv_file))
    expect(upload).to_contain_text("Fichier choisi : stagiaires.csv")
    expect(upload).to_contain_text(
        "Taille maximale : 50 Mo et 1\u202f000\u202f000 lignes."
    )
    upload.get_by_role("button", name="Importer", exact=True).click()
    expect(upload.get_by_role("status")).to_contain_text("3", timeout=30_000)
    expect(upload).to_contain_text("Lignes non importées")
    for reason in ("Doublon", "Numéro manquant", "Numéro invalide", "Numéro fixe"):
        expect(upload).to_contain_text(reason)
    expect(upload.get_by_role("cell", name=LONG_NUMBER_SHOWN)).to_be_visible()
    shot("csv-import-report")
    axe("csv-import-report")
    report = _downloaded(
        page, upload.get_by_role("button", name="Télécharger le rapport (CSV)")
    )
    assert report[0] == ["Ligne", "Motif", "Numéro lu", "Détail"]
    assert len(report) == 1 + 5  # the five rows left out, every one of them
    assert report[-1] == ["9", "Numéro invalide", "06 " + "9" * 300, ""]
    page.keyboard.press("Escape")
    expect(row).to_contain_text("3")
    row.get_by_role("button", name=list_name, exact=True).click()
    for phone in ("06 12 34 56 78", "07 81 22 33 44", "+262 692 12 34 56"):
        expect(page.get_by_role("cell", name=phone, exact=True)).to_be_visible()
    shot("contacts-french-numbers")

    open_campaigns(page, app_url)
    campaign = f"Info collective {uuid.uuid4().hex[:5]}"
    create_campaign(page, campaign)
    expect(campaign_row(page, campaign)).to_have_count(1)
    campaign_row(page, campaign).get_by_role(
        "button", name="Importer les contacts d'une liste de contacts dans la campagne"
    ).click()
    modal = page.get_by_role("dialog", name="Importer les contacts d'une liste")
    modal.get_by_role("checkbox", name=re.compile(list_name)).click()
    expect(modal).to_contain_text("3 contact(s) avec un numéro de mobile")
    modal.get_by_role("button", name="Importer les contacts").click()
    expect(modal).to_contain_text("3 destinataire(s) ajouté(s)")
    modal.get_by_role("button", name="Fermer").click()

    campaign_row(page, campaign).get_by_role(
        "button", name="Voir la liste des destinataires"
    ).click()
    recipients = page.get_by_role("dialog", name="Liste des destinataires")
    expect(recipients).to_contain_text("3 destinataire(s)")
    # Read the French way on screen; E.164 in the export.
    for phone in ("06 12 34 56 78", "07 81 22 33 44", "+262 692 12 34 56"):
        expect(recipients.get_by_role("cell", name=phone, exact=True)).to_be_visible()
    shot("recipients-french-numbers")
    exported = _downloaded(
        page, recipients.get_by_role("button", name="Exporter (CSV)")
    )
    assert exported[0] == ["email", "mobile"]
    assert sorted(row[1].lstrip("'") for row in exported[1:]) == [
        "+262692123456",
        "+33612345678",
        "+33781223344",
    ]
    recipients.get_by_role("button", name="Fermer").click()

    campaign_row(page, campaign).get_by_role(
        "button", name="Choisir les listes d'exclusion à utiliser pour la campagne"
    ).click()
    exclusions = page.get_by_role("dialog", name="Choisir les listes d'exclusion")
    stop = exclusions.get_by_role("checkbox", name=re.compile("Désinscrits STOP"))
    expect(stop).to_be_checked()  # marketing: the STOP list comes preselected
    expect(exclusions).to_contain_text("recommandée")
    exclusions.get_by_role("checkbox", name=re.compile("Salariés du centre")).click()
    exclusions.get_by_role("button", name="Assigner ces listes à la campagne").click()
    expect(page.get_by_text("Listes d'exclusion assignées")).to_be_visible()

    campaign_row(page, campaign).get_by_role(
        "button", name="Choisir les listes d'exclusion à utiliser pour la campagne"
    ).click()
    expect(stop).to_be_checked()
    expect(
        exclusions.get_by_role("checkbox", name=re.compile("Salariés du centre"))
    ).to_be_checked()
    expect(
        exclusions.get_by_role("checkbox", name=re.compile("Adresses en erreur"))
    ).not_to_be_checked()
