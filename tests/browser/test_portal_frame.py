"""The app inside the Hub3E portal's iframe, proven.

``/_portal-demo`` (demo mode) frames the app the way the portal does, with a
launch token: a whole campaign goes from creation to a live badge inside
that frame. A page of an origin not listed in ``FRAME_ANCESTORS`` cannot
frame it: the browser refuses, and says why.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from tests.support.pages import APP_TITLE, IMPORT, LAUNCH, PORTAL_PAGE, campaign_row

CSV_TEXT = (
    "Nom;Prénom;Mobile;Email\n"
    "Martin;Léa;06 12 34 56 78;lea@exemple.fr\n"
    "Petit;Chloé;0692 12 34 56;chloe@exemple.fr\n"
    "Janssens;Lotte;+32 470 12 34 56;lotte@exemple.be\n"
)


def _app_in_portal(page: Page, app_url: str) -> FrameLocator:
    page.goto(app_url + PORTAL_PAGE)
    expect(page).to_have_title("Portail Hub3E (démonstration)")
    frame = page.frame_locator(f'iframe[title="{APP_TITLE}"]')
    expect(frame.get_by_role("heading", name=APP_TITLE)).to_be_visible(timeout=30_000)
    return frame


def test_a_campaign_from_creation_to_a_live_badge_inside_the_portal_frame(
    page: Page, app_url: str, tmp_path: Path, shot
):
    frame = _app_in_portal(page, app_url)
    # Signed in by the portal's launch token, not as the token-less demo tab.
    expect(page.get_by_text("signé, comme depuis le portail")).to_be_visible()
    expect(frame.get_by_text("Centre de formation Horizon")).to_be_visible()
    expect(frame.get_by_text("démo", exact=True)).to_have_count(0)
    shot("portal-frame")

    list_name = f"Portail {uuid.uuid4().hex[:5]}"
    csv_file = tmp_path / "portail.csv"
    csv_file.write_text(CSV_TEXT, encoding="utf-8")
    frame.get_by_role("link", name="Listes de contacts").click()
    frame.get_by_role("button", name="Créer une liste").click()
    frame.get_by_role("dialog").get_by_label("Nom de la liste").fill(list_name)
    frame.get_by_role("dialog").get_by_role("button", name="Créer la liste").click()
    list_row = frame.get_by_role("row").filter(has_text=list_name)
    expect(list_row).to_have_count(1)
    list_row.get_by_role(
        "button", name=f"Importer un fichier CSV dans « {list_name} »"
    ).click()
    upload = frame.get_by_role("dialog", name="Importer un fichier CSV")
    upload.locator("input[type=file]").set_input_files(str(csv_file))
    upload.get_by_role("button", name="Importer", exact=True).click()
    expect(upload.get_by_role("status")).to_contain_text("3", timeout=30_000)
    shot("portal-frame-csv-import")
    upload.press("Escape")
    expect(list_row).to_contain_text("3")
    list_row.get_by_role("button", name=list_name, exact=True).click()
    for phone in ("06 12 34 56 78", "+262 692 12 34 56", "+32 470 12 34 56"):
        expect(frame.get_by_role("cell", name=phone, exact=True)).to_be_visible()

    frame.get_by_role("link", name="Campagnes de SMSing").click()
    name = f"Convocation portail {uuid.uuid4().hex[:5]}"
    frame.get_by_role("button", name="Créer une campagne standard").click()
    create = frame.get_by_role("dialog", name="Créer une campagne standard")
    create.get_by_text("Notification SMS").click()
    create.get_by_label("Nom de la campagne").fill(name)
    create.get_by_label("Libellé de l'expéditeur").fill("CentreForm")
    create.get_by_label("Contenu du SMS").fill("Votre session commence lundi à 9h.")
    create.get_by_role("button", name="Créer la campagne").click()
    row = campaign_row(frame, name)
    expect(row.get_by_text("Brouillon", exact=True)).to_be_visible()

    row.get_by_role("button", name=IMPORT).click()
    audience = frame.get_by_role("dialog", name="Importer les contacts d'une liste")
    audience.get_by_role("checkbox", name=re.compile(list_name)).click()
    audience.get_by_role("button", name="Importer les contacts").click()
    expect(audience).to_contain_text("3 destinataire(s) ajouté(s)")
    audience.get_by_role("button", name="Fermer").click()

    row.get_by_role("button", name=LAUNCH).click()
    launch = frame.get_by_role("dialog", name="Lancer ou planifier l'envoi")
    expect(launch).to_contain_text("3 crédits SMS")
    shot("portal-frame-launch")
    launch.get_by_role("button", name="Lancer la campagne").click()
    expect(row.get_by_text("Reçue par le serveur d'envoi")).to_be_visible(
        timeout=10_000
    )
    expect(row.get_by_text("Envoi en cours")).to_be_visible(timeout=15_000)
    shot("portal-frame-sending")
    expect(row.get_by_text("Envoi terminé")).to_be_visible(timeout=30_000)
    # All of it happened inside the frame: the portal page never moved.
    assert page.url == app_url + "/_portal-demo"


@pytest.fixture
def foreign_portal(app_url: str) -> Iterator[str]:
    """A page on another origin (127.0.0.1, its own port; the app is on
    localhost) that tries to frame the app."""
    body = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        "<title>Autre site</title></head><body><h1>Autre site</h1>"
        f'<iframe src="{app_url}/" title="{APP_TITLE}" width="900" height="500">'
        "</iframe></body></html>"
    ).encode()

    class ForeignPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), ForeignPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_page_of_another_origin_cannot_frame_the_app(
    page: Page, app_url: str, foreign_portal: str, shot
):
    with page.expect_console_message(
        lambda message: "frame-ancestors" in message.text, timeout=30_000
    ) as refusal:
        page.goto(foreign_portal)
    assert refusal.value.type == "error"
    assert f"Framing '{app_url}/' violates" in refusal.value.text
    assert "The request has been blocked" in refusal.value.text
    assert "frame-ancestors 'self'" in refusal.value.text
    expect(page.get_by_role("heading", name="Autre site")).to_be_visible()
    framed = [frame for frame in page.frames if frame != page.main_frame]
    assert len(framed) == 1
    assert not framed[0].url.startswith(app_url), framed[0].url
    app = page.frame_locator(f'iframe[title="{APP_TITLE}"]')
    expect(app.get_by_role("heading", name=APP_TITLE)).to_have_count(0)
    expect(app.locator("body")).not_to_contain_text("SMSing")
    shot("portal-frame-refused")
