"""Many centres on one deployment: « Paramètres du centre », sign-in per tab,
and each centre's own sending calendar — against the production server."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from sms_hub.domain.calendar import TZ
from tests.support.pages import (
    LAUNCH,
    PHONES,
    add_centre_rows,
    campaign_row,
    create_campaign,
    import_contacts,
    open_from_portal,
    signed_in_from_portal,
    unique_slug,
)

SETTINGS = "Paramètres du centre"


def test_an_admin_saves_the_account_and_never_sees_the_key_again(
    page: Page, app_url: str, portal_token, shot, axe
):
    slug = unique_slug("cfa-parametres")
    token = portal_token(slug, "CFA Paramètres", role="admin")
    received: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda frame: received.append(str(frame))),
    )
    signed_in_from_portal(page, app_url, token, "CFA Paramètres")
    page.get_by_role("link", name=SETTINGS).click()
    expect(page.get_by_role("heading", name=SETTINGS)).to_be_visible()
    expect(page.get_by_text("Aucune clé d'API n'est configurée.")).to_be_visible()

    import httpx

    account, key = f"compte-{slug}", f"cle-secrete-{uuid.uuid4().hex}"
    httpx.post(
        f"{app_url}/sarbacane-sim/_admin/accounts",
        json={"accountId": account, "apiKey": key, "name": "CFA Paramètres"},
        timeout=10,
    ).raise_for_status()
    page.get_by_label("Identifiant du compte Sarbacane").fill(account)
    page.get_by_label("Clé d'API Sarbacane").fill(key)
    page.get_by_role("button", name="Tester la connexion").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Connexion réussie : compte « CFA Paramètres », crédits SMS restants"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Paramètres enregistrés.")).to_be_visible()
    expect(page.get_by_text("Clé d'API configurée le")).to_be_visible()
    expect(page.get_by_label("Clé d'API Sarbacane")).to_have_value("")
    shot("centre-settings")
    axe("centre-settings")
    page.reload()
    expect(page.get_by_text("Clé d'API configurée le")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Identifiant du compte Sarbacane")).to_have_value(account)
    assert key not in page.content()
    assert received, "the websocket frames were watched"
    assert not [frame for frame in received if key in frame]


def test_staff_are_refused_the_centre_settings(page: Page, app_url: str, portal_token):
    token = portal_token(unique_slug("cfa-staff"), "CFA Équipe", role="staff")
    signed_in_from_portal(page, app_url, token, "CFA Équipe")
    expect(page.get_by_role("link", name="Campagnes de SMSing")).to_be_visible()
    expect(page.get_by_role("link", name=SETTINGS)).to_have_count(0)
    page.goto(f"{app_url}/parametres")
    expect(page.get_by_role("alert")).to_contain_text(
        "réservés aux administrateurs du centre", timeout=30_000
    )
    expect(page.get_by_label("Clé d'API Sarbacane")).to_have_count(0)


def test_a_tab_reloaded_with_another_centres_token_shows_that_centre_only(
    page: Page, app_url: str, portal_token, database_url
):
    a, b = unique_slug("cfa-a"), unique_slug("cfa-b")
    token_a = portal_token(a, "Centre Alpha")
    signed_in_from_portal(page, app_url, token_a, "Centre Alpha")
    add_centre_rows(database_url, a, campaign=f"Campagne {a}")
    token_b = portal_token(b, "Centre Bêta")
    signed_in_from_portal(page, app_url, token_b, "Centre Bêta")
    add_centre_rows(database_url, b, campaign=f"Campagne {b}")
    page.reload()
    expect(campaign_row(page, f"Campagne {b}")).to_have_count(1, timeout=30_000)
    expect(campaign_row(page, f"Campagne {a}")).to_have_count(0)
    expect(page.get_by_text("Centre Alpha")).to_have_count(0)


#: Mobiles of La Réunion, as an import stores them.
REUNION_PHONES = ["+262692000001", "+262692000002", "+262693000013", "+262692000099"]


def _weekday_ahead(zone: ZoneInfo, *subdivisions: str | None) -> date:
    """A Monday–Thursday two days ahead or more, it and the next day working
    days in every listed holiday calendar (``None``: metropolitan France)."""
    from sms_hub.domain.calendar import holiday_name

    day = datetime.now(zone).date() + timedelta(days=2)
    while day.weekday() > 3 or any(
        holiday_name(day + timedelta(days=shift), subdivision)
        for subdivision in subdivisions or ("974",)
        for shift in (0, 1)
    ):
        day += timedelta(days=1)
    return day


def test_a_reunion_centre_scheduling_at_21h_is_refused_with_the_next_local_slot(
    page: Page, app_url: str, portal_token, seed_centre, database_url
):
    slug = unique_slug("cfa-reunion")
    token = portal_token(slug, "CFA La Réunion", role="admin")
    signed_in_from_portal(page, app_url, token, "CFA La Réunion")
    seed_centre(slug, timezone="Indian/Reunion", holiday_subdivision="974")
    add_centre_rows(database_url, slug, phones=REUNION_PHONES)
    name = f"Relance {uuid.uuid4().hex[:5]}"
    create_campaign(page, name)  # SMS Marketing, in the centre's own Sarbacane account
    import_contacts(page, name, f"Liste {slug}")

    day = _weekday_ahead(ZoneInfo("Indian/Reunion"))
    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    launch.get_by_text("Lancement différé de la campagne").click()
    launch.get_by_label("Date d'envoi").fill(day.isoformat())
    launch.get_by_label("Heure d'envoi (heure de La Réunion)").fill("21:00")
    launch.get_by_role("button", name="Planifier la campagne").click()
    next_day = datetime.combine(day + timedelta(days=1), time(8, 0))
    expect(launch.get_by_role("alert")).to_contain_text(
        "Pour les destinataires de La Réunion (heure locale 21:00), "
        "les SMS commerciaux sont envoyés entre 08h00 et 20h00. "
        f"Prochain créneau autorisé : {next_day:%d/%m/%Y} 08:00."
    )
    launch.get_by_role("button", name="Annuler").click()
    expect(
        campaign_row(page, name).get_by_text("Brouillon", exact=True)
    ).to_be_visible()


def test_a_cayenne_centre_cannot_reach_paris_numbers_at_night(
    page: Page, app_url: str, portal_token, seed_centre, database_url
):
    """19:00 in Cayenne is within the centre's own window but 23:00 (or
    midnight) in Paris, where its recipients live: refused, naming them, and
    the next slot is Paris's 08:00, written in the centre's own time."""
    slug = unique_slug("cfa-guyane")
    token = portal_token(slug, "CFA Guyane", role="admin")
    signed_in_from_portal(page, app_url, token, "CFA Guyane")
    seed_centre(slug, timezone="America/Cayenne", holiday_subdivision="973")
    add_centre_rows(database_url, slug, phones=PHONES)  # metropolitan mobiles
    name = f"Relance {uuid.uuid4().hex[:5]}"
    create_campaign(page, name)
    import_contacts(page, name, f"Liste {slug}")

    cayenne, paris = ZoneInfo("America/Cayenne"), ZoneInfo("Europe/Paris")
    day = _weekday_ahead(cayenne, "973", None)
    paris_at = datetime.combine(day, time(19, 0), tzinfo=cayenne).astimezone(paris)
    slot_day = paris_at.date() + timedelta(days=paris_at.time() >= time(8, 0))
    slot = datetime.combine(slot_day, time(8, 0), paris)
    slot_in_cayenne = slot.astimezone(cayenne)
    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    launch.get_by_text("Lancement différé de la campagne").click()
    launch.get_by_label("Date d'envoi").fill(day.isoformat())
    launch.get_by_label("Heure d'envoi (heure de la Guyane)").fill("19:00")
    launch.get_by_role("button", name="Planifier la campagne").click()
    expect(launch.get_by_role("alert")).to_contain_text(
        f"Pour les destinataires de France métropolitaine (heure locale "
        f"{paris_at:%H:%M}), les SMS commerciaux sont envoyés entre 08h00 et "
        f"20h00. Prochain créneau autorisé : {slot_in_cayenne:%d/%m/%Y %H:%M} "
        "(heure de la Guyane)."
    )
    launch.get_by_role("button", name="Annuler").click()
    expect(
        campaign_row(page, name).get_by_text("Brouillon", exact=True)
    ).to_be_visible()


def test_a_bad_token_on_a_live_session_ends_it(page: Page, app_url: str, portal_token):
    signed_in_from_portal(
        page, app_url, portal_token(unique_slug("cfa-fin"), "CFA Fin"), "CFA Fin"
    )
    frame = open_from_portal(page, app_url, "not-a-valid-token")
    expect(frame.get_by_role("alert")).to_contain_text(
        "le lien d'accès n'est pas valide", timeout=30_000
    )
    expect(frame.get_by_text("CFA Fin", exact=True)).to_have_count(0)
    expect(
        frame.get_by_role("button", name="Créer une campagne standard")
    ).to_have_count(0)


def test_a_link_with_a_token_outside_the_portal_frame_signs_nobody_in(
    page: Page, app_url: str, portal_token
):
    """Login CSRF: a link to ``/?token=<another centre's token>`` opened in a
    tab (outside the portal's frame) signs nobody in, nor moves a live tab."""
    token = portal_token(unique_slug("cfa-piege"), "CFA Piège", role="admin")
    page.goto(f"{app_url}/?token={token}")
    expect(page.get_by_role("alert")).to_contain_text(
        "Accès refusé : ouvrez la gestion des campagnes de SMSing depuis le "
        "portail Hub3E.",
        timeout=30_000,
    )
    expect(page).not_to_have_url(re.compile("token"))
    for shown in ("CFA Piège", "Centre de formation Horizon"):
        expect(page.get_by_text(shown, exact=True)).to_have_count(0)
    expect(
        page.get_by_role("button", name="Créer une campagne standard")
    ).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)

    # A tab signed in from the portal stays its own centre after such a link.
    signed_in_from_portal(
        page, app_url, portal_token(unique_slug("cfa-vrai"), "CFA Vrai"), "CFA Vrai"
    )
    page.goto(f"{app_url}/?token={token}")
    expect(page).not_to_have_url(re.compile("token"), timeout=30_000)
    expect(page.get_by_text("CFA Vrai", exact=True)).to_be_visible()
    expect(page.get_by_text("CFA Piège", exact=True)).to_have_count(0)

    # The same token handed over by the portal's frame signs in.
    frame = open_from_portal(page, app_url, token)
    expect(frame.get_by_text("CFA Piège", exact=True)).to_be_visible(timeout=30_000)
    expect(frame.get_by_role("link", name=SETTINGS)).to_be_visible()


def test_a_reload_or_a_reconnect_after_the_token_expired_keeps_the_session(
    page: Page, app_url: str, portal_token
):
    """The launch token lives 5 minutes; the tab's session 8 hours."""
    page.clock.install()
    frame = open_from_portal(
        page, app_url, portal_token(unique_slug("cfa-duree"), "CFA Durée")
    )
    expect(frame.get_by_text("CFA Durée", exact=True)).to_be_visible(timeout=30_000)
    framed = page.frames[1]
    assert "token" not in framed.url, framed.url

    # 11 minutes later (the browser's clock), the socket reconnects...
    with page.expect_websocket(timeout=60_000):
        page.clock.fast_forward("11:00")
    expect(frame.get_by_text("CFA Durée", exact=True)).to_be_visible()
    # ... and a reload of the portal page hands the same, expired token over.
    page.reload()
    frame = page.frame_locator('iframe[title="Gestion des campagnes de SMSing"]')
    expect(
        frame.get_by_role("button", name="Créer une campagne standard")
    ).to_be_visible(timeout=30_000)
    expect(frame.get_by_text("CFA Durée", exact=True)).to_be_visible()
    expect(frame.get_by_role("alert")).to_have_count(0)
    assert all("token" not in f.url for f in page.frames), [f.url for f in page.frames]


# The launch dialog says the sending calendar's refusal once, in its callout.
def test_a_send_now_outside_the_window_says_the_calendar_once(
    page: Page, app_url: str, portal_token, seed_centre, database_url
):
    slug = unique_slug("cfa-creneau")
    token = portal_token(slug, "CFA Créneau", role="admin")
    signed_in_from_portal(page, app_url, token, "CFA Créneau")
    # The centre sends on one weekday only, three days from today: closed now.
    closed_today = (datetime.now(TZ).weekday() + 3) % 7
    seed_centre(slug, sending_days=str(closed_today))
    add_centre_rows(database_url, slug, phones=PHONES)
    name = f"Relance {uuid.uuid4().hex[:5]}"
    create_campaign(page, name)  # SMS Marketing
    import_contacts(page, name, f"Liste {slug}")

    campaign_row(page, name).get_by_role("button", name=LAUNCH).click()
    launch = page.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch.get_by_text("Prochain créneau autorisé")).to_have_count(1)
    launch.get_by_role("button", name="Lancer la campagne").click()
    alert = launch.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Prochain créneau autorisé")
    # Said once: the refusal is the calendar's callout, not a second red line.
    expect(launch.get_by_text("Prochain créneau autorisé")).to_have_count(1)
    launch.get_by_role("button", name="Annuler").click()
    expect(
        campaign_row(page, name).get_by_text("Brouillon", exact=True)
    ).to_be_visible()
