"""The simulator's stand-in pages of Sarbacane's own interface, in a browser:
a person creates a standard SMS campaign, an e-mail and an automated one,
then renames a draft, every page checked against WCAG 2.1 A/AA (axe).

Only the simulator is served (no app build needed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.integration.sarbacane_support import (
    ACCOUNT_ID,
    API_KEY,
    Simulator,
    running_simulator,
)


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with running_simulator(tmp_path_factory) as simulator:
        yield simulator


def listed(sim: Simulator, search: str) -> list[dict]:
    response = httpx.get(
        f"{sim.api_url}/campaigns",
        params={"search": search},
        headers={"accountId": ACCOUNT_ID, "apiKey": API_KEY},
    )
    assert response.status_code == 200
    return response.json()


def test_a_person_creates_campaigns_and_renames_a_draft(
    page: Page, sim: Simulator, axe, shot
) -> None:
    tag = uuid.uuid4().hex[:8]
    page.goto(f"{sim.root}/app/campaigns/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Création d'une campagne avancée — simulateur Sarbacane"
    )
    axe("simulateur : création d'une campagne")

    page.get_by_label("Nom de la campagne").fill(f"Forum {tag}")
    page.get_by_label("Notification SMS").check()
    page.get_by_label("Expéditeur").fill("Centre")
    page.get_by_role("button", name="Créer la campagne").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sans modèle de SMSing")
    expect(page.get_by_label("Nom de la campagne")).to_have_value(f"Forum {tag}")
    axe("simulateur : création refusée")
    shot("simulateur-creation-refusee")

    page.get_by_label("Contenu du SMS").fill("Forum des métiers samedi.")
    page.get_by_role("button", name="Créer la campagne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Campagne « Forum {tag} »"
    )
    axe("simulateur : une campagne")
    (item,) = listed(sim, tag)
    assert item["kind"] == "SMS_NOTIFICATION"

    for kind_label, name in (
        ("E-mail", "Lettre"),
        ("Campagne automatisée", "Scénario"),
    ):
        page.goto(f"{sim.root}/app/campaigns/new")
        page.get_by_label("Nom de la campagne").fill(f"{name} {tag}")
        page.get_by_label(kind_label, exact=kind_label == "E-mail").check()
        page.get_by_label("Objet de l'e-mail").fill("Nos formations")
        page.get_by_role("button", name="Créer la campagne").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Campagne « {name} {tag} »"
        )
    assert sorted(item["kind"] for item in listed(sim, tag)) == [
        "EMAIL",
        "SMS_AUTOMATION",
        "SMS_NOTIFICATION",
    ]

    page.goto(f"{sim.root}/app/campaigns")
    page.get_by_role("link", name=f"Forum {tag}").click()
    before = listed(sim, f"Forum {tag}")[0]
    sim.set_faults(clock_offset_seconds=120)
    page.get_by_label("Nom de la campagne").fill(f"Forum de printemps {tag}")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Campagne « Forum de printemps {tag} »"
    )
    (after,) = listed(sim, f"Forum de printemps {tag}")
    assert after["id"] == before["id"] and after["edited"] > before["edited"]

    page.goto(f"{sim.root}/app/campaigns")
    table = page.get_by_role("table")
    expect(table).to_contain_text(f"Forum de printemps {tag}")
    expect(table).to_contain_text("Campagne automatisée (e-mails et SMS)")
    axe("simulateur : liste des campagnes")
    shot("simulateur-liste-des-campagnes")
    sim.reset()
