"""« Modèles de SMS »: a centre's reusable texts and their placeholders.

A template may hold placeholders for values that belong to one campaign:
``{date}``, ``{heure}``, ``{lieu}``, ``{formation}``. The creation form asks
for each one it finds; the SMS is measured and sent with the values filled
in, never with braces.
"""

from __future__ import annotations

import re

from sms_hub.domain import sms_text
from sms_hub.domain.sms_text import MAX_PARTS

#: Placeholder → the label of its field in the creation form.
PLACEHOLDERS: dict[str, str] = {
    "date": "Date",
    "heure": "Heure",
    "lieu": "Lieu",
    "formation": "Formation",
}
NAME_MAX_LENGTH = 80
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
#: Anything written like a placeholder (``{prenom}``, ``{ Date }``): a field
#: the app does not know would otherwise reach the phone with its braces.
_PLACEHOLDER_LIKE = re.compile(r"\{\s*[^\W\d_][\w-]*\s*\}")

#: Given to every centre the first time it opens its templates.
STARTERS: tuple[tuple[str, str], ...] = (
    (
        "Convocation J-7",
        "Bonjour, votre formation {formation} commence le {date} à {heure}, "
        "{lieu}. Pensez à apporter une pièce d'identité. Au plaisir de vous "
        "accueillir !",
    ),
    (
        "Rappel J-1",
        "Rappel : votre formation {formation} a lieu demain {date} à {heure}, "
        "{lieu}. En cas d'imprévu, merci de nous prévenir.",
    ),
    (
        "Relance inscription",
        "Il reste des places dans la formation {formation} qui débute le {date}. "
        "Contactez-nous vite pour vous inscrire !",
    ),
)


def placeholders_in(text: str) -> list[str]:
    """The placeholders ``text`` holds, each once, in order of appearance."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each placeholder that has a value replaced by it."""
    return _PLACEHOLDER.sub(
        lambda match: values.get(match.group(1), "").strip() or match.group(0), text
    )


def unfilled(text: str, values: dict[str, str]) -> list[str]:
    """The placeholders of ``text`` still without a value."""
    return [name for name in placeholders_in(text) if not values.get(name, "").strip()]


def unknown_placeholders(text: str) -> list[str]:
    """What ``text`` writes like a placeholder but is none of the known
    ones (``{prenom}``, ``{Date}``), each once, in order of appearance."""
    found = (m.group(0) for m in _PLACEHOLDER_LIKE.finditer(text))
    return list(dict.fromkeys(p for p in found if not _PLACEHOLDER.fullmatch(p)))


def unknown_message(found: list[str]) -> str:
    """The French message of a text holding unknown placeholders."""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    return f"Champ inconnu : {', '.join(found)}. Les champs possibles sont {known}."


def unfilled_message(names: list[str]) -> str:
    """The French message of a form whose placeholders are not all filled
    (named by the labels of their fields)."""
    labels = ", ".join(f"« {PLACEHOLDERS[name]} »" for name in names)
    return f"Renseignez les champs du modèle avant de créer la campagne : {labels}."


def placeholder_error(text: str) -> str:
    """Why ``text`` cannot be sent as it is: a placeholder left unfilled or
    an unknown one (empty when every brace is plain text)."""
    if names := placeholders_in(text):
        return unfilled_message(names)
    if found := unknown_placeholders(text):
        return unknown_message(found)
    return ""


def validate_template(name: str, content: str) -> dict[str, str]:
    """French error message per invalid field (empty when valid)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Le nom du modèle est obligatoire."
    elif len(name.strip()) > NAME_MAX_LENGTH:
        errors["name"] = (
            f"Le nom du modèle ne peut pas dépasser {NAME_MAX_LENGTH} caractères."
        )
    if not content.strip():
        errors["content"] = "Le texte du modèle est obligatoire."
    elif found := unknown_placeholders(content):
        errors["content"] = unknown_message(found)
    elif sms_text.measure(content).parts > MAX_PARTS:
        errors["content"] = (
            f"Le texte est trop long : plus de {MAX_PARTS} SMS. Raccourcissez-le."
        )
    return errors
