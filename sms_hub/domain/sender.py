"""Sender label ("libellé d'expéditeur") of an SMS campaign.

French operators only deliver an alphanumeric sender made of 3 to 11
unaccented letters and digits with at least one letter; anything else is
rewritten or dropped by the network, so the form refuses it up front with a
message that says what to fix.

Since the operators' business-messaging charter (in force since
10 March 2025), a label must also name the sender, not a service: generic
labels such as ALERTE, RDV or PAIEMENT are refused by the operators. The
short list below holds the service words the operators cite and their close
variants; a label is compared to it ignoring case and accents, as a whole
(« CFAInfo » names the centre and is accepted).
"""

from __future__ import annotations

import unicodedata

MIN_LENGTH = 3
MAX_LENGTH = 11

SENDER_HELP = (
    "3 à 11 caractères, lettres sans accent et chiffres uniquement, dont au moins "
    "une lettre ; il donne le nom du centre, pas un service (ALERTE, RDV…). "
    "Un libellé personnalisé ne peut pas recevoir de réponse : "
    "le STOP passe par le numéro court de la mention."
)

# Words that name a service instead of a sender (compared in upper case,
# without accents).
GENERIC_LABELS = frozenset(
    {
        "INFO",
        "INFOS",
        "ALERTE",
        "ALERTES",
        "ALERT",
        "RDV",
        "RAPPEL",
        "PAIEMENT",
        "CODE",
        "SERVICE",
        "NOTIF",
        "NOTIFICATION",
        "SMS",
        "VERIF",
        "SECURITE",
    }
)

GENERIC_LABEL_ERROR = (
    "Ce libellé désigne un service, pas votre centre : les opérateurs refusent les "
    "libellés génériques comme ALERTE, RDV ou PAIEMENT. Utilisez le nom de votre "
    "centre."
)


def _folded(label: str) -> str:
    decomposed = unicodedata.normalize("NFKD", label.strip())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.upper()


def is_generic_label(label: str) -> bool:
    """Whether the label is a service word rather than the sender's name."""
    return _folded(label) in GENERIC_LABELS


def validate_sender(label: str) -> str | None:
    """``None`` when the label is accepted, otherwise the French reason."""
    if not label or not label.strip():
        return "Le libellé de l'expéditeur est obligatoire."
    if not MIN_LENGTH <= len(label) <= MAX_LENGTH:
        return (
            f"Le libellé doit comporter entre {MIN_LENGTH} et {MAX_LENGTH} caractères."
        )
    if is_generic_label(label):
        return GENERIC_LABEL_ERROR
    if not (label.isascii() and label.isalnum()):
        return (
            "Le libellé ne peut contenir que des lettres sans accent et des chiffres "
            "(pas d'espace ni de symbole)."
        )
    if not any(ch.isalpha() for ch in label):
        return "Le libellé doit contenir au moins une lettre."
    return None
