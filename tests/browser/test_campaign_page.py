"""A campaign's own page (« /campagnes/<id> »), against the production server:
opened from its name or a link, live, its actions, the way back to the list
as it was, and only for the centre's own campaigns."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.support.pages import (
    add_centre_rows,
    campaign_row,
    create_notification,
    import_contacts,
    open_campaigns,
    signed_in_from_portal,
    unique_slug,
)

LAUNCH = "Lancer ou planifier l'envoi de la campagne"
STATS = "Voir les données statistiques de la campagne sur l'interface Hub3E"
DELETE = "Supprimer la campagne"
PHONES = ["+33633000001", "+33633000002", "+33633000013", "+33633000099"]
MISSING = "Campagne introuvable."
BACK = "Retour aux campagnes"
CAMPAIGN_URL = re.compile(r"/campagnes/(\d+)$")


def _campaign_id(page: Page) -> int:
    match = CAMPAIGN_URL.search(page.url)
    assert match, page.url
    return int(match.group(1))


def _shots(page: Page, shot, name: str) -> None:
    """The page at the portal frame's usual widths, for a person to look at."""
    for width in (1024, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shot(f"detail-{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def _expect_draft(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    info = page.get_by_role("heading", name="Informations").locator("xpath=../..")
    expect(info).to_contain_text("TypeNotification SMS")
    expect(info).to_contain_text("ExpéditeurCentreForm")
    expect(info).to_contain_text("StatutBrouillon")
    expect(page.locator("#recipient-count")).to_have_text("4")
    expect(info).to_contain_text("Listes d'exclusionAucune")
    expect(info).to_contain_text("EnvoiNon planifié")
    expect(info).to_contain_text("OrigineHub3E")
    phone = page.get_by_role("group", name="Aperçu du SMS sur le téléphone")
    expect(phone).to_contain_text("CentreForm")
    expect(phone).to_contain_text("SMS 1/1")
    expect(phone).to_contain_text("Votre session commence lundi à 9h.")
    history = page.get_by_role("heading", name="Historique").locator("xpath=../..")
    expect(history.get_by_role("rowheader").first).to_be_visible()
    # Every action is a labelled button; a refused one says why.
    expect(page.get_by_role("button", name=LAUNCH)).to_be_enabled()
    refused = page.locator(".refused-action").filter(has_text=STATS)
    expect(refused.get_by_role("button", name=STATS)).to_be_disabled()
    expect(refused).to_contain_text("Disponible uniquement")


def test_a_name_opens_its_page_a_deep_link_too_launched_from_it_live(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    list_name = f"Page {uuid.uuid4().hex[:5]}"
    seed_contact_list(list_name, PHONES)
    name = f"Convocation page {uuid.uuid4().hex[:5]}"
    open_campaigns(page, app_url)
    expect(page.get_by_text("Centre de formation Horizon")).to_be_visible()
    create_notification(page, name)
    import_contacts(page, name, list_name)

    campaign_row(page, name).get_by_role("link", name=name).click()
    expect(page).to_have_url(CAMPAIGN_URL)
    _expect_draft(page, name)
    campaign_id = _campaign_id(page)
    _shots(page, shot, "draft")
    axe("campaign-page-draft")

    # The same page opened directly from its address (a link of the portal).
    other = page.context.new_page()
    other.goto(f"{app_url}/campagnes/{campaign_id}")
    _expect_draft(other, name)

    # An action from the page; its status then moves live, in both tabs.
    page.bring_to_front()
    page.get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    launch.get_by_role("button", name="Lancer la campagne").click()
    expect(launch).to_be_hidden()
    status = page.locator("#campaign-status")
    expect(status).to_contain_text(
        re.compile("Reçue par le serveur d'envoi|Envoi en cours|Envoi terminé")
    )
    expect(status).to_contain_text("Envoi terminé", timeout=30_000)
    expect(other.locator("#campaign-status")).to_contain_text(
        "Envoi terminé", timeout=5_000
    )
    statistics = page.get_by_role("heading", name="Statistiques").locator(
        "xpath=../../.."
    )
    expect(statistics).to_contain_text("Envoyés4")
    link = page.get_by_role("link", name="Voir les statistiques détaillées")
    expect(link).to_have_attribute("href", f"/statistiques?campagne={campaign_id}")
    expect(page.get_by_role("button", name=STATS)).to_be_enabled()
    _shots(page, shot, "finished")
    axe("campaign-page-finished")
    link.click()
    expect(
        page.get_by_role("heading", name="Statistiques de la campagne")
    ).to_be_visible()


def _seed_many(database_url: str, tag: str, count: int) -> None:
    """``count`` drafts of the demo centre named « Tri <tag> 01 »… (arrange)."""
    from sqlmodel import select

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign, Tenant

    with session_scope(database_url) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        for n in range(1, count + 1):
            session.add(
                Campaign(
                    tenant_id=tenant.id,
                    sarbacane_account_id=tenant.sarbacane_account_id,
                    sarbacane_id=f"seed-{uuid.uuid4().hex}",
                    name=f"Tri {tag} {n:02d}",
                    kind="SMS_NOTIFICATION",
                    sender="Centre",
                    content="Bonjour",
                    status="draft",
                )
            )


def _expect_list_place(page: Page, tag: str) -> None:
    expect(page).to_have_url(
        re.compile(rf"/\?page=2&tri=nom&ordre=asc&recherche=Tri\+{tag}$")
    )
    expect(page.get_by_label("Rechercher une campagne par nom")).to_have_value(
        f"Tri {tag}"
    )
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    expect(campaign_row(page, f"Tri {tag} 21")).to_have_count(1)
    expect(campaign_row(page, f"Tri {tag} 01")).to_have_count(0)


def test_back_to_the_list_keeps_its_page_sort_and_search(
    page: Page, app_url: str, database_url
):
    tag = uuid.uuid4().hex[:6]
    open_campaigns(page, app_url)
    _seed_many(database_url, tag, 22)
    page.get_by_label("Rechercher une campagne par nom").fill(f"Tri {tag}")
    expect(campaign_row(page, f"Tri {tag} 22")).to_have_count(1)
    page.get_by_role("button", name="Trier par nom").click()
    expect(page).to_have_url(re.compile(r"tri=nom&ordre=asc"))
    page.get_by_role("button", name="Suivant").click()
    _expect_list_place(page, tag)

    page.get_by_role("link", name=f"Tri {tag} 21", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Tri {tag} 21")).to_be_visible()
    page.get_by_role("link", name=BACK).click()
    _expect_list_place(page, tag)

    # The browser's Back button, and the list's address opened anew.
    page.get_by_role("link", name=f"Tri {tag} 22", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Tri {tag} 22")).to_be_visible()
    page.go_back()
    _expect_list_place(page, tag)
    fresh = page.context.new_page()
    fresh.goto(page.url)
    _expect_list_place(fresh, tag)


def _id_of(database_url: str, name: str) -> int:
    from sqlmodel import select

    from sms_hub.store.db import session_scope
    from sms_hub.store.models import Campaign

    with session_scope(database_url) as session:
        return session.exec(select(Campaign.id).where(Campaign.name == name)).one()


def test_only_the_centres_own_campaigns_open_and_a_delete_says_so(
    page: Page, app_url: str, portal_token, database_url, seed_centre, axe
):
    a, b = unique_slug("cfa-page-a"), unique_slug("cfa-page-b")
    signed_in_from_portal(page, app_url, portal_token(b, "Centre Bêta"), "Centre Bêta")
    add_centre_rows(database_url, b, campaign=f"Campagne {b}")
    signed_in_from_portal(
        page, app_url, portal_token(a, "Centre Alpha"), "Centre Alpha"
    )
    seed_centre(a)
    name = f"Campagne {a}"
    create_notification(page, name)
    other = _id_of(database_url, f"Campagne {b}")

    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    own = _campaign_id(page)
    for odd in (str(other), "abc", "999999999"):
        page.goto(f"{app_url}/campagnes/{odd}")
        expect(page.get_by_role("alert")).to_have_text(MISSING, timeout=30_000)
        expect(page.get_by_text(f"Campagne {b}")).to_have_count(0)
    axe("campaign-page-missing")

    page.goto(f"{app_url}/campagnes/{own}")
    page.get_by_role("button", name=DELETE).click()
    page.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_role("alert")).to_have_text(
        f"La campagne « {name} » a été supprimée."
    )
    page.get_by_role("link", name=BACK).click()
    expect(
        page.get_by_role("heading", name="Gestion des campagnes de SMSing")
    ).to_be_visible()
    expect(campaign_row(page, name)).to_have_count(0)
