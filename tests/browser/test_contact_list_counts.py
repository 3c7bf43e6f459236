"""Page « Listes de contacts » with a list of more than 1,000 contacts: its counts
read the French way, and its dialogs pass the accessibility check."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from sms_hub.domain.formatting import number_fr

CONTACTS = 1200


def _open_lists(page: Page, app_url: str) -> None:
    page.goto(app_url + "/listes")
    expect(page.get_by_role("heading", name="Listes de contacts")).to_be_visible(
        timeout=30_000
    )


def test_a_large_list_shows_its_counts_grouped_by_thousands(
    page: Page, app_url: str, seed_contact_list, shot, axe
):
    grouped = number_fr(CONTACTS)
    assert grouped == "1\u202f200"  # what babel writes: a narrow no-break space
    name = f"Grande liste {uuid.uuid4().hex[:5]}"
    seed_contact_list(name, [f"+3366{n:07d}" for n in range(CONTACTS)])
    _open_lists(page, app_url)

    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
    expect(row.get_by_role("cell", name=grouped, exact=True)).to_be_visible()

    row.get_by_role("button", name=f"Voir les contacts de « {name} »").click()
    expect(
        page.get_by_role("heading", name=f"Contacts de la liste « {name} »")
    ).to_be_visible()
    expect(page.get_by_text(f"{grouped} contacts", exact=True)).to_be_visible()
    expect(page.get_by_text("Page 1 sur 60", exact=True)).to_be_visible()
    shot("contact-list-large")
    axe("contacts-of-a-list")

    row.get_by_role("button", name=f"Renommer la liste « {name} »").click()
    rename = page.get_by_role("dialog", name="Renommer la liste")
    expect(rename.get_by_label("Nom de la liste")).to_have_value(name)
    axe("rename-list")
    page.keyboard.press("Escape")
    expect(rename).to_have_count(0)

    row.get_by_role("button", name=f"Supprimer la liste « {name} »").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text(f"et ses {grouped} contacts ?")
    shot("delete-list")
    axe("delete-list")
    confirm.get_by_role("button", name="Annuler").click()
    expect(confirm).to_have_count(0)
    expect(row).to_have_count(1)
