"""Sender label ("libellé d'expéditeur") of an SMS campaign.

French operators only deliver an alphanumeric sender made of 3 to 11
unaccented letters and digits with at least one letter; anything else is
rewritten or dropped by the network, so the form refuses it up front with a
message that says what to fix.
"""

from __future__ import annotations

MIN_LENGTH = 3
MAX_LENGTH = 11

SENDER_HELP = (
    "3 à 11 caractères, lettres sans accent et chiffres uniquement, dont au moins "
    "une lettre. Un libellé personnalisé ne peut pas recevoir de réponse : "
    "le STOP passe par le numéro court de la mention."
)


def validate_sender(label: str) -> str | None:
    """``None`` when the label is accepted, otherwise the French reason."""
    if not label or not label.strip():
        return "Le libellé de l'expéditeur est obligatoire."
    if not MIN_LENGTH <= len(label) <= MAX_LENGTH:
        return (
            f"Le libellé doit comporter entre {MIN_LENGTH} et {MAX_LENGTH} caractères."
        )
    if not (label.isascii() and label.isalnum()):
        return (
            "Le libellé ne peut contenir que des lettres sans accent et des chiffres "
            "(pas d'espace ni de symbole)."
        )
    if not any(ch.isalpha() for ch in label):
        return "Le libellé doit contenir au moins une lettre."
    return None
