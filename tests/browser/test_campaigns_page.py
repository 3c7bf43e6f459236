"""Page "Gestion des campagnes de SMSing": create, see Brouillon, delete."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from sms_hub.domain.lifecycle import Status, on_row, primary_actions
from tests.support.pages import (
    CREATE,
    campaign_row,
    create_campaign,
    expect_row_action_refused,
    open_campaigns,
    sms_parts,
)


def test_create_a_campaign_then_delete_it(page: Page, app_url: str, shot, axe):
    open_campaigns(page, app_url)
    name = f"Rentrée {uuid.uuid4().hex[:6]}"
    create_campaign(page, name)

    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(
        page.get_by_text(f"La campagne « {name} » a été créée au statut Brouillon.")
    ).to_be_visible()
    row = campaign_row(page, name)
    expect(row).to_have_count(1)
    expect(row.get_by_text("Brouillon", exact=True)).to_be_visible()
    expect(row.get_by_text("SMS Marketing")).to_be_visible()
    expect(row.get_by_text("CentreForm")).to_be_visible()
    shot("campaigns-list")
    axe("campaigns-list")

    # Draft: statistics are not available yet, and say why.
    expect_row_action_refused(
        page,
        row,
        "Voir les données statistiques de la campagne sur l'interface Hub3E",
        re.compile("Envoi terminé"),
    )
    expect_row_action_refused(
        page,
        row,
        "Lancer ou planifier l'envoi de la campagne",
        re.compile("au minimum 1 destinataire"),
    )

    row.get_by_role("button", name="Supprimer la campagne").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("toute suppression est définitive")
    shot("delete-confirmation")
    axe("delete-confirmation")
    confirm.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_text(f"La campagne « {name} » a été supprimée.")).to_be_visible()
    expect(campaign_row(page, name)).to_have_count(0)


def test_invalid_fields_show_a_message_under_each_and_send_nothing(
    page: Page, app_url: str, shot, axe
):
    open_campaigns(page, app_url)
    create_campaign(page, name="", sender="Centre-Form", content="")
    dialog = page.get_by_role("dialog", name=CREATE)
    expect(dialog.locator("#campaign-name-error")).to_contain_text(
        "Le nom de la campagne est obligatoire"
    )
    expect(dialog.locator("#campaign-sender-error")).to_contain_text(
        "lettres sans accent et des chiffres"
    )
    expect(dialog.locator("#campaign-content-error")).to_contain_text(
        "Le contenu du SMS est obligatoire"
    )
    shot("create-validation")
    axe("create-validation")
    # What was typed stays; Escape closes the dialog.
    expect(dialog.get_by_label("Libellé de l'expéditeur")).to_have_value("Centre-Form")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()


def test_the_counter_follows_the_text_and_the_opt_out_mention(
    page: Page, app_url: str, shot, axe
):
    open_campaigns(page, app_url)
    page.get_by_role("button", name=CREATE).click()
    dialog = page.get_by_role("dialog", name=CREATE)
    dialog.get_by_label("Contenu du SMS").fill("Bonjour")
    # "Bonjour" + line feed + "STOP au 36111" = 7 + 1 + 13 units
    counter = dialog.locator("#sms-counter")
    expect(counter).to_contain_text("21 caractères (mention de désinscription incluse)")
    expect(counter).to_contain_text("1 SMS · encodage GSM · 139 restants")
    dialog.get_by_label("Contenu du SMS").fill("C’est l’été")
    expect(counter).to_contain_text("encodage UCS-2")
    dialog.get_by_role("button", name="Remplacer ces caractères").click()
    expect(dialog.get_by_label("Contenu du SMS")).to_have_value("C'est l'été")
    expect(counter).to_contain_text("encodage GSM")
    dialog.get_by_text("Notification SMS").click()
    expect(dialog).to_contain_text(
        "ne doivent pas être utilisées pour envoyer des messages commerciaux"
    )
    expect(counter).to_have_text(re.compile(r"^11 caractères · 1 SMS"))
    shot("create-modal")
    axe("create-modal")


def test_advanced_campaign_opens_sarbacane_in_a_new_tab(page: Page, app_url: str):
    open_campaigns(page, app_url)
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Créer une campagne avancée").click()
    tab = new_tab.value
    tab.wait_for_load_state()
    expect(tab.get_by_role("heading")).to_contain_text("campagne avancée")


# A value set by script (autofill, an extension, an old browser) skips maxLength.
_SET_BY_SCRIPT = """(element, value) => {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(element, value);
  element.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def test_a_campaign_name_stops_at_its_limit(page: Page, app_url: str, shot):
    open_campaigns(page, app_url)
    page.get_by_role("button", name=CREATE).click()
    dialog = page.get_by_role("dialog", name=CREATE)
    expect(dialog).to_contain_text("100 caractères au maximum.")
    field = dialog.get_by_label("Nom de la campagne")
    field.press_sequentially("N" * 120)
    expect(field).to_have_value("N" * 100)

    # Past the input's own limit, the server refuses the name under the field.
    name = f"Trop long {uuid.uuid4().hex[:6]} " + "N" * 290
    field.evaluate(_SET_BY_SCRIPT, name)
    expect(field).to_have_value(name)
    dialog.get_by_label("Libellé de l'expéditeur").fill("CentreForm")
    dialog.get_by_label("Contenu du SMS").fill("Bonjour")
    dialog.get_by_role("button", name="Créer la campagne").click()
    expect(dialog.locator("#campaign-name-error")).to_have_text(
        "Le nom de la campagne ne peut pas dépasser 100 caractères."
    )
    shot("create-name-too-long")
    page.keyboard.press("Escape")
    expect(page.get_by_role("rowheader", name=name[:20])).to_have_count(0)


def test_a_row_action_icons_sit_on_one_line(page: Page, app_url: str, shot):
    open_campaigns(page, app_url)
    name = f"Alignement {uuid.uuid4().hex[:6]}"
    create_campaign(page, name)
    row = campaign_row(page, name)
    link = row.get_by_role("link", name="Ouvrir la campagne dans Sarbacane")
    expect(link).to_be_visible()
    buttons = row.get_by_role("button")
    expect(buttons.first).to_be_visible()
    boxes = {}
    for control in [link, *buttons.all()]:
        box = control.bounding_box()
        icon = control.locator("svg").bounding_box()
        assert box is not None and icon is not None
        label = control.get_attribute("aria-label") or "?"
        boxes[label] = (box["y"] + box["height"] / 2, icon["height"], box["height"])
    centre, icon_height, height = boxes["Ouvrir la campagne dans Sarbacane"]
    off_line = {k: v[0] - centre for k, v in boxes.items() if abs(v[0] - centre) > 1}
    other_size = {k: v[1:] for k, v in boxes.items() if v[1:] != (icon_height, height)}
    shot("row-actions")
    # A new draft's icons (no recipient yet: no launch), and its menu's trigger.
    icons = [a for a in primary_actions(Status.DRAFT) if on_row(a, Status.DRAFT, 0)]
    assert len(boxes) == len(icons) + 1, boxes
    assert not off_line, f"icons off the link's line (px): {off_line}"
    assert not other_size, (
        f"icon and box heights differ from the link's "
        f"({icon_height}, {height}): {other_size}"
    )


def test_the_phone_preview_shows_the_sender_and_each_sms_part(
    page: Page, app_url: str, shot, axe
):
    open_campaigns(page, app_url)
    page.get_by_role("button", name=CREATE).click()
    dialog = page.get_by_role("dialog", name=CREATE)
    dialog.get_by_label("Libellé de l'expéditeur").fill("CentreForm")
    text = "Rappel : votre session de formation commence lundi à 9h. " * 3
    dialog.get_by_label("Contenu du SMS").fill(text.strip())
    phone = dialog.get_by_role("group", name="Aperçu du SMS sur le téléphone")
    expect(phone).to_contain_text("CentreForm")
    expect(dialog.locator("#sms-counter")).to_contain_text("2 SMS · encodage GSM")
    # 173 characters + line feed + "STOP au 36111": 188 units, 2 parts of 153.
    first, second = sms_parts(phone, 2)
    assert len(first) == 153
    assert (first + second).endswith("STOP au 36111")
    assert first + second == text.strip() + "\nSTOP au 36111"
    shot("create-preview")
    axe("create-preview")

    dialog.get_by_text("Notification SMS").click()
    expect(phone.get_by_text("SMS 1/2")).to_be_visible()
    expect(phone).not_to_contain_text("STOP au 36111")


def test_the_phone_sits_beside_the_form_or_under_it_on_a_narrow_screen(
    page: Page, app_url: str, shot
):
    open_campaigns(page, app_url)
    page.get_by_role("button", name=CREATE).click()
    dialog = page.get_by_role("dialog", name=CREATE)
    phone = dialog.get_by_role("group", name="Aperçu du SMS sur le téléphone")
    # Before any text, an SMS Marketing is its opt-out mention alone.
    expect(phone.locator(".sms-bubble")).to_have_text("STOP au 36111")
    dialog.get_by_text("Notification SMS").click()
    expect(phone).to_contain_text("Le SMS s'affiche ici pendant que vous l'écrivez.")
    dialog.get_by_label("Contenu du SMS").fill("Rappel : votre session commence lundi.")
    expect(phone.get_by_text("SMS 1/1")).to_be_visible()
    content = dialog.get_by_label("Contenu du SMS")

    def boxes() -> tuple[dict, dict]:
        return content.bounding_box() or {}, phone.bounding_box() or {}

    field, screen = boxes()
    assert screen["x"] >= field["x"] + field["width"], (field, screen)
    assert screen["y"] < field["y"] + field["height"], (field, screen)

    page.set_viewport_size({"width": 760, "height": 900})
    phone.scroll_into_view_if_needed()
    field, screen = boxes()
    assert screen["y"] >= field["y"] + field["height"], (field, screen)
    assert screen["x"] + screen["width"] <= 760, screen
    assert screen["width"] <= 320, screen  # phone-sized, not stretched
    shot("create-preview-narrow")
