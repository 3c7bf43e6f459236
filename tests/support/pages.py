"""What a browser test does on the app's pages, as a user would (Playwright)."""

from __future__ import annotations

import os
import re
import uuid

from playwright.sync_api import FrameLocator, Locator, Page, expect

#: The system Chromium, and how the tests and benchmarks launch it.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: The app's title: its main heading, and the portal frame's title.
APP_TITLE = "Gestion des campagnes de SMSing"
CREATE = "Créer une campagne standard"
# A campaign row's action buttons, by their accessible names.
IMPORT = "Importer les contacts d'une liste de contacts dans la campagne"
EXCLUSIONS = "Choisir les listes d'exclusion à utiliser pour la campagne"
LAUNCH = "Lancer ou planifier l'envoi de la campagne"
CANCEL = "Annuler l'envoi de la campagne"
DELETE = "Supprimer la campagne"
STATS = "Voir les données statistiques de la campagne sur l'interface Hub3E"
RECIPIENTS = "Voir la liste des destinataires"
#: The mobiles of the four-contact list the import tests copy into a campaign.
PHONES = ["+33611000001", "+33611000002", "+33611000013", "+33611000099"]
#: Where the portal stand-in lives; a test serves its own version of that
#: page (same origin as the app) to hand over a token of its choosing.
PORTAL_PAGE = "/_portal-demo"


def open_campaigns(page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    expect(page.get_by_role("heading", name=APP_TITLE)).to_be_visible(timeout=30_000)


def campaign_row(page: Page, name: str):
    """The campaigns table's row of the campaign called ``name``."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def create_campaign(
    page: Page,
    name: str,
    sender: str = "CentreForm",
    content: str = "Bonjour, les inscriptions sont ouvertes.",
) -> None:
    """Fill « Créer une campagne standard » (an SMS Marketing) and submit it."""
    page.get_by_role("button", name=CREATE).click()
    dialog = page.get_by_role("dialog", name=CREATE)
    expect(dialog).to_be_visible()
    dialog.get_by_label("Nom de la campagne").fill(name)
    dialog.get_by_label("Libellé de l'expéditeur").fill(sender)
    dialog.get_by_label("Contenu du SMS").fill(content)
    dialog.get_by_role("button", name="Créer la campagne").click()


def create_notification(page: Page, name: str) -> None:
    """Create a Notification SMS and wait for its row."""
    page.get_by_role("button", name=CREATE).click()
    dialog = page.get_by_role("dialog", name=CREATE)
    dialog.get_by_text("Notification SMS").click()
    dialog.get_by_label("Nom de la campagne").fill(name)
    dialog.get_by_label("Libellé de l'expéditeur").fill("CentreForm")
    dialog.get_by_label("Contenu du SMS").fill("Votre session commence lundi à 9h.")
    dialog.get_by_role("button", name="Créer la campagne").click()
    expect(campaign_row(page, name)).to_have_count(1)


def import_contacts(page: Page, name: str, list_name: str, shot=None, axe=None) -> None:
    """Import the four contacts of ``list_name`` into campaign ``name``
    (screenshot and accessibility check of the dialog when given)."""
    campaign_row(page, name).get_by_role("button", name=IMPORT).click()
    dialog = page.get_by_role("dialog", name="Importer les contacts d'une liste")
    dialog.get_by_role("checkbox", name=re.compile(list_name)).click()
    expect(dialog).to_contain_text("4 contact(s) avec un numéro de mobile")
    if shot:
        shot("import-contacts")
    if axe:
        axe("import-contacts")
    dialog.get_by_role("button", name="Importer les contacts").click()
    expect(dialog).to_contain_text("4 destinataire(s) ajouté(s)")
    dialog.get_by_role("button", name="Fermer").click()
    expect(
        campaign_row(page, name).get_by_role("cell", name="4", exact=True)
    ).to_be_visible()


def sms_parts(phone: Locator, count: int) -> list[str]:
    """The texts of the phone preview's SMS parts, once it shows ``count``
    of them, each titled « SMS n/count »."""
    for n in range(1, count + 1):
        expect(phone.get_by_text(f"SMS {n}/{count}")).to_be_visible()
    bubbles = phone.locator(".sms-bubble")
    expect(bubbles).to_have_count(count)
    return bubbles.all_inner_texts()


def open_from_portal(page: Page, app_url: str, token: str) -> FrameLocator:
    """Open the app as the Hub3E portal does: the portal's page frames it and
    hands ``token`` over by ``postMessage`` when the app asks. Returns the
    frame. The frame shares the tab's session with a top-level page of the
    app's origin, so a test may then go on at the top level."""
    from sms_hub.portal_demo import render
    from sms_hub.settings import load_settings

    html = render(load_settings(), token)
    url = app_url + PORTAL_PAGE
    page.unroute(url)
    page.route(
        url,
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=html
        ),
    )
    page.goto(url)
    frame = page.frame_locator(f'iframe[title="{APP_TITLE}"]')
    expect(frame.get_by_role("heading", name=APP_TITLE)).to_be_visible(timeout=30_000)
    return frame


#: The row's menu of the actions not shown as icons (``lifecycle.on_row``).
MORE_ACTIONS = "Plus d'actions"


def open_row_action(page, row, label: str) -> None:
    """Choose a campaign row's action by its label: its icon on the row, or
    else its item in the row's menu « Plus d'actions »."""
    icon = row.get_by_role("button", name=label, exact=True)
    if icon.count():
        icon.click()
        return
    row.get_by_role("button", name=MORE_ACTIONS).click()
    page.get_by_role("menu").get_by_role("menuitem", name=label).click()


def expect_row_action_refused(page, row, label: str, reason) -> None:
    """The action is not offered on the row: its menu item is disabled and
    says why (``reason``, a text or a pattern) under its label."""
    expect(row.get_by_role("button", name=label, exact=True)).to_have_count(0)
    row.get_by_role("button", name=MORE_ACTIONS).click()
    item = page.get_by_role("menu").get_by_role("menuitem", name=label)
    expect(item).to_be_disabled()
    expect(item).to_contain_text(reason)
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_be_hidden()


def unique_slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def signed_in_from_portal(page: Page, app_url: str, token: str, centre: str) -> None:
    """Open the app from the portal's frame, then go on in the tab itself (the
    same session); done once the centre's name shows there."""
    frame = open_from_portal(page, app_url, token)
    expect(frame.get_by_text(centre, exact=True)).to_be_visible(timeout=30_000)
    page.goto(app_url + "/")
    expect(page.get_by_text(centre, exact=True)).to_be_visible(timeout=30_000)


def add_centre_rows(database_url: str, slug: str, *, campaign: str = "", phones=()):
    """A draft campaign and/or a contact list of the centre ``slug`` (arrange)."""
    from sqlmodel import select

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign, Contact, ContactList, Tenant

    with session_scope(database_url) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        if campaign:
            session.add(
                Campaign(
                    tenant_id=tenant.id,
                    sarbacane_account_id=f"seed-{slug}",
                    sarbacane_id=f"seed-{uuid.uuid4().hex}",
                    name=campaign,
                    kind="SMS_NOTIFICATION",
                    sender="Centre",
                    content="Bonjour",
                    status="draft",
                )
            )
        if phones:
            contact_list = ContactList(
                tenant_id=tenant.id, name=f"Liste {slug}", contact_count=len(phones)
            )
            session.add(contact_list)
            session.flush()
            for i, phone in enumerate(phones):
                session.add(
                    Contact(list_id=contact_list.id, phone=phone, email=f"s{i}@x.fr")
                )
