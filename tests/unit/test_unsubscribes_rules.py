"""The rules of « Désinscrit (STOP) » (domain/unsubscribes.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sms_hub.domain import unsubscribes as u
from sms_hub.domain.campaign import CampaignKind


def test_an_entry_gives_its_email_and_each_of_its_numbers_normalised():
    keys = u.entry_keys(
        " Jean@Exemple.FR ", ["06 12 34 56 78", "+33 6 00 00 00 04", ""]
    )
    assert keys == {
        (u.EMAIL, "jean@exemple.fr"),
        (u.PHONE, "+33612345678"),
        (u.PHONE, "+33600000004"),
    }
    assert u.entry_keys(None, []) == set()


def test_only_sms_marketing_leaves_the_unsubscribed_out():
    assert u.leaves_out_unsubscribed(CampaignKind.MARKETING)
    assert not u.leaves_out_unsubscribed(CampaignKind.NOTIFICATION.value)


def test_french_lines():
    assert u.excluded_message(0) == ""
    assert u.excluded_message(1) == "1 destinataire désinscrit ne recevra pas ce SMS"
    assert (
        u.excluded_message(3) == "3 destinataires désinscrits ne recevront pas ce SMS"
    )
    assert u.excluded_message(1234).startswith("1\u202f234 destinataires")
    assert u.skipped_message(1).startswith("1 contact désinscrit (STOP) ignoré : il")
    moment = datetime(2026, 12, 4, 17, 5, tzinfo=UTC)
    assert u.read_at_label(moment) == (
        "Liste des désinscrits mise à jour le 04/12/2026 18:05"
    )
    assert u.read_at_label(None) == u.NEVER_READ
