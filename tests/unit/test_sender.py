"""Sender label (libellé d'expéditeur) rules."""

from __future__ import annotations

import pytest

from sms_hub.domain.sender import SENDER_HELP, validate_sender

REQUIRED = "Le libellé de l'expéditeur est obligatoire."
LENGTH = "Le libellé doit comporter entre 3 et 11 caractères."
CHARSET = (
    "Le libellé ne peut contenir que des lettres sans accent et des chiffres "
    "(pas d'espace ni de symbole)."
)
LETTER = "Le libellé doit contenir au moins une lettre."


@pytest.mark.parametrize(
    "label", ["Hub", "Hub3E", "CFA2025", "FORMATION", "abcdefghijk", "A12", "12A"]
)
def test_valid_sender_is_accepted(label: str) -> None:
    assert validate_sender(label) is None


@pytest.mark.parametrize("label", ["", " ", "   "])
def test_empty_sender_is_required(label: str) -> None:
    assert validate_sender(label) == REQUIRED


@pytest.mark.parametrize("label", ["AB", "A", "abcdefghijkl", "Formation2025"])
def test_sender_length_is_3_to_11(label: str) -> None:
    assert validate_sender(label) == LENGTH


@pytest.mark.parametrize(
    "label", ["Hub 3E", "Café", "CFA-Paris", "Hub_3E", "Hub.fr", "Hub3E!", "Ｈｕｂ3E"]
)
def test_sender_has_only_unaccented_letters_and_digits(label: str) -> None:
    assert validate_sender(label) == CHARSET


@pytest.mark.parametrize("label", ["123", "36111", "01234567890"])
def test_sender_needs_a_letter(label: str) -> None:
    assert validate_sender(label) == LETTER


def test_sender_with_surrounding_spaces_is_refused() -> None:
    assert validate_sender(" Hub3E ") == CHARSET


def test_sender_help_states_the_rule_and_no_replies() -> None:
    assert "3 à 11" in SENDER_HELP
    assert "réponse" in SENDER_HELP


def test_sender_help_says_the_label_names_the_centre() -> None:
    assert "le nom du centre" in SENDER_HELP and "ALERTE" in SENDER_HELP


GENERIC = (
    "Ce libellé désigne un service, pas votre centre : les opérateurs refusent les "
    "libellés génériques comme ALERTE, RDV ou PAIEMENT. Utilisez le nom de votre "
    "centre."
)


@pytest.mark.parametrize(
    "label",
    ["ALERTE", "RDV", "PAIEMENT", "Info", "infos", "Rappel", "CODE", "sms", "NOTIF"],
)
def test_generic_service_label_is_refused(label: str) -> None:
    assert validate_sender(label) == GENERIC


@pytest.mark.parametrize("label", ["SÉCURITÉ", "Sécurité", "VÉRIF", "Alérte"])
def test_generic_label_is_recognised_with_accents(label: str) -> None:
    assert validate_sender(label) == GENERIC


@pytest.mark.parametrize("label", ["CFAInfo", "RDVCentre", "AlerteCFA", "Codeur"])
def test_label_that_only_contains_a_generic_word_is_accepted(label: str) -> None:
    assert validate_sender(label) is None
