"""The simulator's campaign listing (``GET /campaigns``) and its stand-in pages
of Sarbacane's own interface, where a person creates and edits campaigns
that SMS Hub did not make.

Each test names its campaigns with a fresh token and searches for it, so the
module's shared simulator holds other tests' campaigns without harm.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from sms_hub.domain.adoption import is_adoptable
from sms_hub.sarbacane.simulator import Store
from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    Simulator,
    phones,
    simulator_settings,
)

HEADERS = {"accountId": ACCOUNT_ID, "apiKey": API_KEY}
ITEM_KEYS = {"id", "name", "kind", "created", "edited", "count"}


def token() -> str:
    return uuid.uuid4().hex[:10]


def api(sim: Simulator) -> httpx.Client:
    return httpx.Client(base_url=sim.api_url, headers=HEADERS)


def listed(sim: Simulator, **params: Any) -> list[dict[str, Any]]:
    with api(sim) as http:
        response = http.get("/campaigns", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def create_sms(sim: Simulator, name: str, kind: str = "SMS_MARKETING") -> str:
    with api(sim) as http:
        response = http.post(
            "/campaigns/sms", json={"name": name, "kind": kind, "content": "Bonjour"}
        )
    assert response.status_code == 200, response.text
    return response.json()["id"]


def when(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def bulk_create(sim: Simulator, names: list[str]) -> None:
    """Campaigns of the test account written straight into the simulator's file."""
    store = Store(simulator_settings(sim.db_path))
    for name in names:
        store.create_campaign(
            name=name, kind="SMS_MARKETING", sms_from=None, content="Bonjour", now=0
        )


# -- GET /campaigns -------------------------------------------------------


def test_each_item_carries_kind_dates_and_recipient_count(sim: Simulator) -> None:
    tag = token()
    marketing = create_sms(sim, f"Rentrée {tag}")
    notification = create_sms(sim, f"Rappel {tag}", kind="SMS_NOTIFICATION")
    with api(sim) as http:
        added = http.post(
            f"/campaigns/{marketing}/recipients",
            json=[{"phone": phone} for phone in phones(3)],
        )
    assert added.status_code == 200

    items = {item["id"]: item for item in listed(sim, search=tag)}

    assert set(items) == {marketing, notification}
    for item in items.values():
        assert set(item) >= ITEM_KEYS
        assert when(item["edited"]) >= when(item["created"])
    assert items[marketing]["kind"] == "SMS_MARKETING"
    assert items[marketing]["count"] == 3
    assert items[notification]["kind"] == "SMS_NOTIFICATION"
    assert items[notification]["count"] == 0


def test_search_finds_part_of_a_name_in_any_case(sim: Simulator) -> None:
    tag = token()
    wanted = create_sms(sim, f"Journée Portes Ouvertes {tag}")
    create_sms(sim, f"Relance inscription {tag}")
    assert [item["id"] for item in listed(sim, search=f"portes ouvertes {tag}")] == [
        wanted
    ]
    assert listed(sim, search=f"absent {tag}") == []


def test_without_a_limit_a_page_holds_50_campaigns(sim: Simulator) -> None:
    tag = token()
    bulk_create(sim, [f"Défaut {tag} {n}" for n in range(55)])
    assert len(listed(sim, search=tag)) == 50
    assert len(listed(sim, search=tag, offset=50)) == 5


def test_a_limit_above_1000_is_cut_to_1000(sim: Simulator) -> None:
    tag = token()
    bulk_create(sim, [f"Plafond {tag} {n}" for n in range(1003)])
    assert len(listed(sim, search=tag, limit=5000)) == 1000
    assert len(listed(sim, search=tag, limit=1000, offset=1000)) == 3


def test_pages_follow_one_stable_order_newest_first(sim: Simulator) -> None:
    tag = token()
    ids = [create_sms(sim, f"Ordre {tag} {n}") for n in range(7)]
    whole = [item["id"] for item in listed(sim, search=tag, limit=1000)]
    paged = [
        item["id"]
        for offset in range(0, 7, 3)
        for item in listed(sim, search=tag, offset=offset, limit=3)
    ]
    assert whole == paged == list(reversed(ids))
    assert listed(sim, search=tag, offset=7, limit=3) == []


@pytest.mark.parametrize(
    "params",
    [{"limit": "beaucoup"}, {"offset": "1.5"}, {"offset": ""}],
)
def test_a_page_that_is_not_a_number_is_refused(
    sim: Simulator, params: dict[str, str]
) -> None:
    with api(sim) as http:
        response = http.get("/campaigns", params=params)
    assert response.status_code == 400
    assert response.json()["message"] == "INVALID_PAGINATION"


def test_only_sms_campaigns_are_created_through_the_api(sim: Simulator) -> None:
    with api(sim) as http:
        response = http.post(
            "/campaigns/sms", json={"name": f"Mail {token()}", "kind": "EMAIL"}
        )
    assert response.status_code == 400


# -- the stand-in pages: creating campaigns as in Sarbacane's interface ------


class Form(HTMLParser):
    """The controls of a page and the labels that name them."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self._in_label = 0
        self.alerts = 0
        self.alert_text = ""
        self._in_alert = False
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "label":
            self._in_label += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        if tag in {"input", "select", "textarea"} and found.get("type") != "hidden":
            self.controls.append(
                {**found, "_labelled": "yes" if self._in_label else None}
            )
        if found.get("role") == "alert":
            self.alerts += 1
            self._in_alert = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1
        if tag == "p":
            self._in_alert = False

    def handle_data(self, data: str) -> None:
        if self._in_alert:
            self.alert_text += data

    def unlabelled(self) -> list[str | None]:
        return [
            control.get("name")
            for control in self.controls
            if not control["_labelled"]
            and control.get("id") not in self.label_for
            and not control.get("aria-label")
        ]


def parsed(html: str) -> Form:
    form = Form()
    form.feed(html)
    return form


def submit(sim: Simulator, **fields: str) -> httpx.Response:
    return sim.http.post("/app/campaigns/new", data=fields)


def only(sim: Simulator, tag: str) -> dict[str, Any]:
    items = listed(sim, search=tag)
    assert len(items) == 1, items
    return items[0]


def campaign(sim: Simulator, campaign_id: str) -> dict[str, Any]:
    with api(sim) as http:
        response = http.get(f"/campaigns/{campaign_id}")
    assert response.status_code == 200
    return response.json()["campaign"]


def test_the_creation_form_is_french_and_every_field_is_labelled(
    sim: Simulator,
) -> None:
    page = sim.http.get("/app/campaigns/new")
    assert page.status_code == 200
    form = parsed(page.text)
    assert form.lang == "fr"
    assert form.unlabelled() == []
    names = {control.get("name") for control in form.controls}
    assert {"name", "kind", "smsFrom", "content", "noTemplate", "subject"} <= names
    for label in (
        "SMS Marketing",
        "Notification SMS",
        "E-mail",
        "Campagne automatisée",
        "Sans modèle de SMSing",
    ):
        assert label in page.text


@pytest.mark.parametrize("kind", ["SMS_MARKETING", "SMS_NOTIFICATION"])
def test_a_standard_sms_campaign_made_in_the_form_is_listed_with_its_kind(
    sim: Simulator, kind: str
) -> None:
    tag = token()
    response = submit(
        sim,
        name=f"Forum métiers {tag}",
        kind=kind,
        smsFrom="Centre",
        content="Forum des métiers samedi à 10h.",
    )
    assert response.status_code == 303
    item = only(sim, tag)
    assert response.headers["location"].endswith(item["id"])
    assert item["kind"] == kind
    assert item["name"] == f"Forum métiers {tag}"
    assert item["count"] == 0
    details = campaign(sim, item["id"])
    assert details["state"] == "DRAFT"
    assert details["smsFrom"] == "Centre"
    assert details["content"] == "Forum des métiers samedi à 10h."
    assert is_adoptable(item["kind"])


def test_a_campaign_without_an_sms_template_has_no_content(sim: Simulator) -> None:
    tag = token()
    response = submit(
        sim,
        name=f"Sans texte {tag}",
        kind="SMS_MARKETING",
        noTemplate="on",
        content="ce texte est ignoré",
    )
    assert response.status_code == 303
    item = only(sim, tag)
    assert campaign(sim, item["id"])["content"] == ""
    assert is_adoptable(item["kind"])


def test_an_sms_campaign_needs_a_text_or_no_template(sim: Simulator) -> None:
    tag = token()
    response = submit(sim, name=f"Oubli {tag}", kind="SMS_MARKETING", content=" ")
    assert response.status_code == 400
    form = parsed(response.text)
    assert form.alerts == 1
    assert "Sans modèle de SMSing" in form.alert_text
    assert f"Oubli {tag}" in response.text  # what was typed is kept
    assert listed(sim, search=tag) == []


def test_a_campaign_needs_a_name(sim: Simulator) -> None:
    response = submit(sim, name="  ", kind="SMS_MARKETING", content="Bonjour")
    assert response.status_code == 400
    form = parsed(response.text)
    assert form.alerts == 1
    assert "doit avoir un nom" in form.alert_text


def test_a_wrong_sender_is_refused_in_french(sim: Simulator) -> None:
    tag = token()
    response = submit(
        sim, name=f"Expéditeur {tag}", kind="SMS_MARKETING", smsFrom="A", content="x"
    )
    assert response.status_code == 400
    assert "L'expéditeur doit compter" in parsed(response.text).alert_text
    assert listed(sim, search=tag) == []


@pytest.mark.parametrize(
    ("kind", "label"),
    [("EMAIL", "E-mail"), ("SMS_AUTOMATION", "Campagne automatisée")],
)
def test_e_mail_and_automated_campaigns_are_listed_and_never_adoptable(
    sim: Simulator, kind: str, label: str
) -> None:
    tag = token()
    response = submit(
        sim, name=f"Autre {tag}", kind=kind, subject="Nos formations", content="x"
    )
    assert response.status_code == 303
    item = only(sim, tag)
    assert item["kind"] == kind
    assert not is_adoptable(item["kind"])
    page = sim.http.get("/app/campaigns")
    assert f"Autre {tag}" in page.text and label in page.text


def test_search_also_reads_an_e_mail_campaign_s_subject(sim: Simulator) -> None:
    tag = token()
    submit(sim, name=f"Lettre {token()}", kind="EMAIL", subject=f"Objet {tag}")
    assert [item["kind"] for item in listed(sim, search=f"objet {tag}")] == ["EMAIL"]


def test_an_unknown_kind_is_refused(sim: Simulator) -> None:
    tag = token()
    response = submit(sim, name=f"Inconnu {tag}", kind="FAX", content="x")
    assert response.status_code == 400
    assert "Choisissez un type de campagne" in parsed(response.text).alert_text
    assert listed(sim, search=tag) == []


def test_the_campaign_list_page_shows_kind_and_dates(sim: Simulator) -> None:
    tag = token()
    create_sms(sim, f"Liste {tag}", kind="SMS_NOTIFICATION")
    page = sim.http.get("/app/campaigns")
    assert page.status_code == 200
    assert f"Liste {tag}" in page.text
    for header in ("Type", "Créée le", "Modifiée le", "Destinataires"):
        assert f'<th scope="col">{header}</th>' in page.text
    assert "Notification SMS" in page.text


# -- editing a draft in the stand-in pages -------------------------------------


def test_renaming_a_draft_updates_its_name_and_edited_date(sim: Simulator) -> None:
    tag = token()
    campaign_id = create_sms(sim, f"Avant {tag}")
    before = only(sim, tag)
    page = sim.http.get(f"/app/campaigns/{campaign_id}")
    assert "Modifier le brouillon" in page.text
    assert parsed(page.text).unlabelled() == []

    sim.set_faults(clock_offset_seconds=120)
    response = sim.http.post(
        f"/app/campaigns/{campaign_id}", data={"name": f"Après {tag}"}
    )

    assert response.status_code == 303
    after = only(sim, tag)
    assert after["id"] == campaign_id
    assert after["name"] == f"Après {tag}"
    assert after["created"] == before["created"]
    assert when(after["edited"]) - when(before["edited"]) >= timedelta(seconds=119)
    assert campaign(sim, campaign_id)["content"] == "Bonjour"  # left as it was


def test_editing_a_draft_s_text_updates_edited(sim: Simulator) -> None:
    tag = token()
    campaign_id = create_sms(sim, f"Texte {tag}")
    before = only(sim, tag)
    sim.set_faults(clock_offset_seconds=60)
    response = sim.http.post(
        f"/app/campaigns/{campaign_id}",
        data={"name": f"Texte {tag}", "content": "Nouveau texte"},
    )
    assert response.status_code == 303
    assert campaign(sim, campaign_id)["content"] == "Nouveau texte"
    assert when(only(sim, tag)["edited"]) > when(before["edited"])


def test_saving_a_draft_unchanged_keeps_its_edited_date(sim: Simulator) -> None:
    tag = token()
    campaign_id = create_sms(sim, f"Pareil {tag}")
    before = only(sim, tag)
    sim.set_faults(clock_offset_seconds=60)
    response = sim.http.post(
        f"/app/campaigns/{campaign_id}",
        data={"name": f"Pareil {tag}", "content": "Bonjour"},
    )
    assert response.status_code == 303
    assert only(sim, tag)["edited"] == before["edited"]


def test_a_draft_cannot_lose_its_name(sim: Simulator) -> None:
    tag = token()
    campaign_id = create_sms(sim, f"Nom {tag}")
    response = sim.http.post(f"/app/campaigns/{campaign_id}", data={"name": " "})
    assert response.status_code == 400
    assert "doit avoir un nom" in parsed(response.text).alert_text
    assert only(sim, tag)["name"] == f"Nom {tag}"


def test_a_campaign_being_sent_cannot_be_edited(sim: Simulator) -> None:
    tag = token()
    sim.set_faults(moderation_seconds=600)
    campaign_id = create_sms(sim, f"Envoi {tag}")
    with api(sim) as http:
        http.post(
            f"/campaigns/{campaign_id}/recipients", json=[{"phone": phones(1)[0]}]
        )
        assert http.post(f"/campaigns/{campaign_id}/send").status_code == 200
    page = sim.http.get(f"/app/campaigns/{campaign_id}")
    assert "Modifier le brouillon" not in page.text
    response = sim.http.post(
        f"/app/campaigns/{campaign_id}", data={"name": f"Changé {tag}"}
    )
    assert response.status_code == 400
    assert "Seul un brouillon peut être modifié" in parsed(response.text).alert_text
    assert only(sim, tag)["name"] == f"Envoi {tag}"


def test_editing_a_missing_campaign_is_a_404(sim: Simulator) -> None:
    response = sim.http.post("/app/campaigns/no-such-campaign", data={"name": "x"})
    assert response.status_code == 404
