"""Row actions « Dupliquer la campagne », « Renvoyer aux échecs » and
« Historique », by their French labels, against the production server."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.support.pages import (
    LAUNCH,
    create_notification,
    expect_row_action_refused,
    import_contacts,
    open_campaigns,
    open_row_action,
)

DUPLICATE = "Dupliquer la campagne"
RESEND = "Renvoyer aux échecs"
HISTORY = "Historique"
PHONES = ["+33622000001", "+33622000002", "+33622000013", "+33622000099"]
FRENCH_DATE = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


def exact_row(page: Page, name: str):
    """The row of exactly this campaign (its copy's name starts with it)."""
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=name, exact=True)
    )


def _settled(dialog) -> None:
    """Wait until the dialog's opening animation is over (for its screenshot)."""
    dialog.evaluate(
        "el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished))"
    )


def _history(page: Page, name: str):
    open_row_action(page, exact_row(page, name), HISTORY)
    dialog = page.get_by_role("dialog", name=HISTORY)
    expect(dialog).to_be_visible()
    return dialog


def test_duplicate_with_recipients_shows_live_in_every_tab_and_in_its_history(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    list_name = f"Copie {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, PHONES)
    name = f"Journée portes ouvertes {uuid.uuid4().hex[:5]}"
    copy = f"{name} (copie)"
    open_campaigns(page, app_url)
    create_notification(page, name)
    import_contacts(page, name, list_name)
    other_tab = page.context.new_page()
    open_campaigns(other_tab, app_url)
    expect(exact_row(other_tab, name)).to_have_count(1)
    page.bring_to_front()

    open_row_action(page, exact_row(page, name), DUPLICATE)
    dialog = page.get_by_role("dialog", name=DUPLICATE)
    expect(dialog).to_contain_text(f"Nouvelle campagne« {copy} »")
    expect(dialog).to_contain_text("StatutBrouillon")
    expect(dialog).to_contain_text("Listes d'exclusionaucune")
    recipients = dialog.get_by_role(
        "checkbox",
        name=re.compile(r"Copier aussi les destinataires.*\(4 destinataires\)"),
    )
    expect(recipients).not_to_be_checked()
    recipients.click()
    expect(recipients).to_be_checked()
    _settled(dialog)
    shot("duplicate-dialog")
    axe("duplicate-dialog")
    dialog.get_by_role("button", name="Créer la copie").click()

    expect(
        page.get_by_text(
            f"La campagne « {copy} » a été créée au statut Brouillon (4 destinataires)."
        )
    ).to_be_visible(timeout=15_000)
    expect(dialog).to_be_hidden()
    row = exact_row(page, copy)
    expect(row.get_by_text("Brouillon", exact=True)).to_be_visible()
    expect(row.get_by_text("Notification SMS")).to_be_visible()
    expect(row.get_by_role("cell", name="4", exact=True)).to_be_visible()
    # The centre's other tab gets the new row through the live push.
    expect(exact_row(other_tab, copy)).to_have_count(1, timeout=10_000)
    # A draft cannot be resent to its failures, and says why.
    expect_row_action_refused(page, row, RESEND, re.compile("Envoi terminé"))

    history = _history(page, copy)
    event = history.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Duplication")
    )
    expect(event).to_contain_text("Réussi")
    expect(event).to_contain_text(f"Copie de « {name} », 4 destinataires")
    expect(event).to_contain_text(FRENCH_DATE)
    expect(history).to_contain_text("1 événement")
    _settled(history)
    shot("history-dialog")
    axe("history-dialog")
    history.get_by_role("button", name="Fermer").click()
    expect(history).to_be_hidden()

    source_history = _history(page, name)
    for label in ("Création", "Import de contacts", "Duplication"):
        expect(
            source_history.get_by_role("rowheader", name=label, exact=True)
        ).to_be_visible()
    expect(source_history).to_contain_text(f"Copie créée : « {copy} »")
    source_history.get_by_role("button", name="Fermer").click()


def test_resend_to_failures_counts_them_then_creates_a_draft_for_them(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    list_name = f"Échecs {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, PHONES)
    name = f"Rappel examen {uuid.uuid4().hex[:5]}"
    resent = f"{name} (renvoi aux échecs)"
    open_campaigns(page, app_url)
    create_notification(page, name)
    import_contacts(page, name, list_name)
    row = exact_row(page, name)
    expect_row_action_refused(page, row, RESEND, re.compile("Envoi terminé"))

    row.get_by_role("button", name=LAUNCH).click()
    page.get_by_role("dialog", name="Lancer ou planifier l'envoi").get_by_role(
        "button", name="Lancer la campagne"
    ).click()
    expect(row.get_by_text("Envoi terminé")).to_be_visible(timeout=45_000)
    open_row_action(page, row, RESEND)
    dialog = page.get_by_role("dialog", name=RESEND)
    # One SMS failed (…13); the STOP answer (…99) is never resent.
    expect(dialog.get_by_text("1 destinataire en échec")).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text(f"Nouvelle campagne« {resent} »")
    expect(dialog).to_contain_text("ayant répondu STOP ne la recevront jamais")
    _settled(dialog)
    shot("resend-dialog")
    axe("resend-dialog")
    dialog.get_by_role("button", name="Créer la campagne de renvoi").click()

    expect(
        page.get_by_text(
            f"La campagne « {resent} » a été créée au statut Brouillon "
            "(1 destinataire)."
        )
    ).to_be_visible(timeout=15_000)
    copy_row = exact_row(page, resent)
    expect(copy_row.get_by_text("Brouillon", exact=True)).to_be_visible()
    expect(copy_row.get_by_role("cell", name="1", exact=True)).to_be_visible()

    history = _history(page, name)
    expect(history.get_by_role("rowheader", name="Renvoi aux échecs")).to_be_visible()
    expect(history).to_contain_text(f"Campagne de renvoi créée : « {resent} »")
    history.get_by_role("button", name="Fermer").click()


def test_contact_list_changes_show_in_the_lists_history(
    page: Page, app_url: str, shot, axe
):
    name = f"Stagiaires {uuid.uuid4().hex[:5]}"
    renamed = f"{name} 2026"
    page.goto(app_url + "/listes")
    expect(page.get_by_role("heading", name="Listes de contacts")).to_be_visible(
        timeout=30_000
    )
    page.get_by_role("button", name="Créer une liste").click()
    dialog = page.get_by_role("dialog", name="Créer une liste")
    dialog.get_by_label("Nom de la liste").fill(name)
    dialog.get_by_role("button", name="Créer la liste").click()
    expect(page.get_by_text(f"La liste « {name} » a été créée.")).to_be_visible()
    page.get_by_role("button", name=f"Renommer la liste « {name} »").click()
    dialog = page.get_by_role("dialog", name="Renommer la liste")
    dialog.get_by_label("Nom de la liste").fill(renamed)
    dialog.get_by_role("button", name="Renommer").click()
    expect(page.get_by_text(f"La liste a été renommée « {renamed} ».")).to_be_visible()

    page.get_by_role("button", name="Historique des listes").click()
    history = page.get_by_role("dialog", name="Historique des listes")
    created = history.get_by_role("row").filter(
        has=page.get_by_role("cell", name=f"Liste « {name} »", exact=True)
    )
    expect(created).to_contain_text("Création d'une liste de contacts")
    rename = history.get_by_role("row").filter(
        has_text=f"Liste « {name} » renommée « {renamed} »"
    )
    expect(rename).to_contain_text("Renommage d'une liste de contacts")
    expect(rename).to_contain_text("Réussi")
    expect(rename).to_contain_text(FRENCH_DATE)
    _settled(history)
    shot("lists-history-dialog")
    axe("lists-history-dialog")
