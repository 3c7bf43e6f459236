"""Bad contacts files through the import service: a French ``InvalidFile``,
and the list exactly as it was, even when batches were already written."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from sms_hub.services import contact_lists as service
from sms_hub.services.context import Actor
from sms_hub.services.errors import InvalidFile
from sms_hub.settings import get_settings
from sms_hub.store import contact_queries
from sms_hub.store.db import session_scope
from sms_hub.store.migrate import upgrade
from sms_hub.store.models import Contact, ContactList, Tenant


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 't.db'}"
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("CSV_MAX_BYTES", raising=False)
    get_settings.cache_clear()
    upgrade(url)
    yield url
    get_settings.cache_clear()


@pytest.fixture
def actor(database: str) -> Actor:
    with session_scope(database) as session:
        tenant = Tenant(slug="horizon", name="Centre Horizon")
        session.add(tenant)
        session.flush()
        return Actor(tenant_id=tenant.id or 0, user="horizon@exemple.fr")


def _list_state(url: str, list_id: int) -> tuple[list[str], int]:
    """The list's numbers, and its stored contact count."""
    with session_scope(url) as session:
        phones = session.exec(
            select(Contact.phone).where(Contact.list_id == list_id).order_by(Contact.id)
        ).all()
        contact_list = session.get(ContactList, list_id)
        assert contact_list is not None
        return list(phones), contact_list.contact_count


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
    before = _list_state(database, row.id)
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
    assert _list_state(database, row.id) == before


async def test_a_huge_header_is_refused_before_anything(
    actor: Actor, database: str
) -> None:
    row = await service.create_contact_list(actor, "Stagiaires")
    data = ("Téléphone" + ";" * 2_000_000 + "\n0612345678\n").encode()
    with pytest.raises(InvalidFile) as error:
        await service.import_csv(actor, row.id, io.BytesIO(data))
    assert "intitulés des colonnes" in error.value.user_message
    assert _list_state(database, row.id) == ([], 0)
