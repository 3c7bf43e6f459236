"""The heart of the product: import, exclusions, launch, live badges, statistics,
schedule, cancel, relaunch — against the production server and the simulator."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.support.pages import (
    CANCEL,
    DELETE,
    EXCLUSIONS,
    LAUNCH,
    RECIPIENTS,
    STATS,
    campaign_row,
    create_campaign,
    create_notification,
    expect_row_action_refused,
    import_contacts,
    open_campaigns,
)


def test_launch_follows_the_badges_live_to_the_statistics(
    page: Page, app_url: str, notification_with_contacts, shot, axe
):
    name = notification_with_contacts("Convocation", "Promo", shot, axe)

    campaign_row(page, name).get_by_role("button", name=RECIPIENTS).click()
    recipients = page.get_by_role("dialog", name="Liste des destinataires")
    expect(recipients).to_contain_text("4 destinataire(s)")
    expect(
        recipients.get_by_role("cell", name="06 11 00 00 99", exact=True)
    ).to_be_visible()
    shot("recipients")
    axe("recipients")
    recipients.get_by_role("button", name="Fermer").click()

    campaign_row(page, name).get_by_role("button", name=EXCLUSIONS).click()
    exclusions = page.get_by_role("dialog", name="Choisir les listes d'exclusion")
    expect(exclusions).to_contain_text("Le RGPD rend obligatoire")
    exclusions.get_by_role("checkbox", name=re.compile("Désinscrits STOP")).click()
    shot("exclusions")
    axe("exclusions")
    exclusions.get_by_role("button", name="Assigner ces listes à la campagne").click()
    expect(page.get_by_text("Listes d'exclusion assignées")).to_be_visible()
    campaign_row(page, name).get_by_role("button", name=EXCLUSIONS).click()
    expect(
        exclusions.get_by_role("checkbox", name=re.compile("Désinscrits STOP"))
    ).to_be_checked()
    exclusions.get_by_role("button", name="Annuler").click()

    second_tab = page.context.new_page()
    open_campaigns(second_tab, app_url)

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text("Destinataires4")
    expect(launch).to_contain_text("Désinscrits STOP")
    expect(launch).to_contain_text("4 crédits SMS")
    shot("launch")
    axe("launch")
    launch.get_by_role("button", name="Lancer la campagne").click()
    row = campaign_row(page, name)
    expect(row.get_by_text("Reçue par le serveur d'envoi")).to_be_visible(
        timeout=10_000
    )
    expect(row.get_by_text("Envoi en cours")).to_be_visible(timeout=15_000)
    shot("sending")
    axe("sending")
    expect(row.get_by_text("Envoi terminé")).to_be_visible(timeout=30_000)
    expect(campaign_row(second_tab, name).get_by_text("Envoi terminé")).to_be_visible(
        timeout=5_000
    )

    row.get_by_role("button", name=STATS).click()
    expect(
        page.get_by_role("heading", name="Statistiques de la campagne")
    ).to_be_visible()
    figures = page.locator(".stat-figure")
    expect(figures.filter(has_text="Envoyés")).to_contain_text("4")
    expect(figures.filter(has_text="Délivrés")).to_contain_text("75,0")
    expect(figures.filter(has_text="Échecs")).to_contain_text("1")
    expect(figures.filter(has_text="STOP")).to_contain_text("1")
    expect(page.get_by_role("cell", name="STOP (désinscrit)")).to_be_visible()
    expect(page.get_by_role("cell", name="06 11 00 00 13", exact=True)).to_be_visible()
    shot("statistics")
    axe("statistics")


def test_schedule_then_cancel_then_relaunch_warns(
    page: Page, app_url: str, notification_with_contacts, shot, axe
):
    name = notification_with_contacts("Rappel", "Relance")

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    launch.get_by_text("Lancement différé de la campagne").click()
    yesterday = date.today() - timedelta(days=1)
    launch.get_by_label("Date d'envoi").fill(yesterday.isoformat())
    launch.get_by_label("Heure d'envoi (heure de Paris)").fill("10:00")
    launch.get_by_role("button", name="Planifier la campagne").click()
    expect(launch.get_by_role("alert")).to_contain_text("La date d'envoi est passée")

    in_two_days = date.today() + timedelta(days=2)
    launch.get_by_label("Date d'envoi").fill(in_two_days.isoformat())
    launch.get_by_role("button", name="Planifier la campagne").click()
    row = campaign_row(page, name)
    expect(row.get_by_text("Planifiée", exact=True)).to_be_visible()
    expect(row).to_contain_text(
        f"Planifiée le {in_two_days.strftime('%d/%m/%Y')} 10:00"
    )
    # A campaign planned (or being sent) cannot be deleted, and says why.
    expect_row_action_refused(
        page, row, DELETE, re.compile("doivent d'abord être annulées")
    )

    row.get_by_role("button", name=CANCEL).click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text(
        "les SMS déjà reçus par les contacts ne peuvent pas"
    )
    shot("cancel")
    axe("cancel")
    confirm.get_by_role("button", name="Annuler l'envoi").click()
    expect(row.get_by_text("Envoi annulé par l'utilisateur")).to_be_visible()

    row.get_by_role("button", name=LAUNCH).click()
    expect(launch).to_contain_text("il est probable que des contacts aient déjà reçu")
    launch.get_by_role("button", name="Lancer la campagne").click()
    expect(row.get_by_text("Reçue par le serveur d'envoi")).to_be_visible()


def test_a_tab_that_reconnects_after_a_network_cut_shows_the_current_state(
    page: Page, app_url: str, browser
):
    open_campaigns(page, app_url)
    page.context.set_offline(True)
    other = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        other_page = other.new_page()
        open_campaigns(other_page, app_url)
        name = f"Pendant la coupure {uuid.uuid4().hex[:5]}"
        create_notification(other_page, name)
    finally:
        other.close()
    page.wait_for_timeout(2_000)
    expect(campaign_row(page, name)).to_have_count(0)  # cut off: it cannot know yet
    page.context.set_offline(False)
    expect(campaign_row(page, name)).to_have_count(1, timeout=30_000)
    expect(
        campaign_row(page, name).get_by_text("Brouillon", exact=True)
    ).to_be_visible()


def test_marketing_on_a_sunday_is_refused_with_the_next_allowed_slot(
    page: Page, app_url: str, seed_contact_list
):
    from datetime import datetime, time

    from sms_hub.domain.calendar import TZ, SendingWindow, next_allowed

    list_name = f"Marketing {uuid.uuid4().hex[:5]}"
    # Not PHONES: its STOP number, answered earlier, keeps out of any marketing.
    seed_contact_list(list_name, [f"+336110003{n:02d}" for n in range(1, 5)])
    name = f"Promo {uuid.uuid4().hex[:5]}"
    open_campaigns(page, app_url)
    create_campaign(page, name)  # SMS Marketing
    import_contacts(page, name, list_name)
    today = date.today()
    sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    expected = next_allowed(
        datetime.combine(sunday, time(10, 0), tzinfo=TZ), SendingWindow()
    )

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    launch.get_by_text("Lancement différé de la campagne").click()
    launch.get_by_label("Date d'envoi").fill(sunday.isoformat())
    launch.get_by_label("Heure d'envoi (heure de Paris)").fill("10:00")
    launch.get_by_role("button", name="Planifier la campagne").click()
    alert = launch.get_by_role("alert")
    expect(alert).to_contain_text("dimanche")
    expect(alert).to_contain_text(
        f"Prochain créneau autorisé : {expected.strftime('%d/%m/%Y %H:%M')}"
    )
    launch.get_by_role("button", name="Annuler").click()
    expect(
        campaign_row(page, name).get_by_text("Brouillon", exact=True)
    ).to_be_visible()
