"""Bad contacts files through the import service: a French ``InvalidFile``,
and the list exactly as it was, even when batches were already written."""

from __future__ import annotations

import io

import pytest

from sms_hub.services import contact_lists as service
from sms_hub.services.context import Actor
from sms_hub.services.errors import InvalidFile
from sms_hub.store import contact_queries
from tests.support.factories import add_centre, contact_list_state


@pytest.fixture
def actor(database: str) -> Actor:
    return add_centre("horizon")


def _rows(count: int) -> str:
    return "".join(f"{'Stagiaire' * 6};078{i:07d}\n" for i in range(count))


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        ("Dur\x00and;0612345678\n", "elle contient un caractère nul"),
        ('"Dupont;0612345678\n' + _rows(3_000), "une cellule dépasse"),
        ("Martin;0612345679" + ";" * 300 + "\n", "elle compte 302 colonnes"),
    ],
)
async def test_a_file_unreadable_midway_changes_nothing(
    actor: Actor,
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    bad_line: str,
    words: str,
) -> None:
    row = await service.create_contact_list(actor, "Stagiaires")
    await service.import_csv(actor, row.id, io.BytesIO(b"Mobile\n0612345600\n"))
    before = contact_list_state(row.id)
    monkeypatch.setattr(contact_queries, "INSERT_CHUNK", 100)
    monkeypatch.setattr(service, "INSERT_CHUNK", 100)
    inserted = 0
    real_insert = contact_queries.insert_contacts

    def counting_insert(session, list_id, contacts):
        nonlocal inserted
        inserted += len(contacts)
        real_insert(session, list_id, contacts)

    monkeypatch.setattr(contact_queries, "insert_contacts", counting_insert)
    data = "Nom;Téléphone\n" + _rows(1_500) + bad_line + _rows(10)
    with pytest.raises(InvalidFile) as error:
        await service.import_csv(actor, row.id, io.BytesIO(data.encode()))
    assert inserted >= 1_000  # batches were written before the bad line
    assert error.value.user_message.startswith(
        "Le fichier est illisible à la ligne 1\u202f502 : "
    )
    assert words in error.value.user_message
    assert contact_list_state(row.id) == before


async def test_a_huge_header_is_refused_before_anything(
    actor: Actor, database: str
) -> None:
    row = await service.create_contact_list(actor, "Stagiaires")
    data = ("Téléphone" + ";" * 2_000_000 + "\n0612345678\n").encode()
    with pytest.raises(InvalidFile) as error:
        await service.import_csv(actor, row.id, io.BytesIO(data))
    assert "intitulés des colonnes" in error.value.user_message
    assert contact_list_state(row.id) == ([], 0)
