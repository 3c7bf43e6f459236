"""Campaign kinds and the rules of the "Créer une campagne standard" form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sms_hub.domain import sms_text
from sms_hub.domain.sender import validate_sender
from sms_hub.domain.sms_templates import placeholder_error
from sms_hub.domain.sms_text import MAX_PARTS


class CampaignKind(StrEnum):
    """Values are Sarbacane's ``kind`` strings."""

    MARKETING = "SMS_MARKETING"
    NOTIFICATION = "SMS_NOTIFICATION"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def has_opt_out(self) -> bool:
        return has_opt_out(self)


KIND_LABELS: dict[CampaignKind, str] = {
    CampaignKind.MARKETING: "SMS Marketing",
    CampaignKind.NOTIFICATION: "Notification SMS",
}

NOTIFICATION_NOTE = (
    "Les campagnes de type Notification SMS ne comportent pas de possibilité de "
    "se désinscrire par SMS et ne doivent pas être utilisées pour envoyer des "
    "messages commerciaux."
)
NAME_NOTE = "Chaque campagne d'emailing / de SMSing doit avoir un nom."

#: Longest campaign name. Sarbacane documents no limit of its own (its API
#: guide and help pages were searched); 100 keeps a name readable in a row.
NAME_MAX_LENGTH = 100
NAME_LIMIT_NOTE = f"{NAME_MAX_LENGTH} caractères au maximum."


def has_opt_out(kind: str) -> bool:
    """Whether texts of this kind end with the opt-out mention (SMS Marketing)."""
    return kind == CampaignKind.MARKETING


def final_text(content: str, kind: str, mention: str) -> str:
    """The SMS as recipients get it: the mention follows SMS Marketing texts.

    ``content`` is taken as typed, without trimming.
    """
    return sms_text.compose(content, mention if has_opt_out(kind) else None)


def kind_label(kind: str) -> str:
    """The French label of a Sarbacane kind, or the kind itself when unknown."""
    try:
        return CampaignKind(kind).label
    except ValueError:
        return kind


@dataclass(frozen=True)
class NewCampaign:
    """What the creation form submits, already trimmed."""

    name: str
    kind: CampaignKind
    sender: str
    content: str

    @classmethod
    def from_form(cls, name: str, kind: str, sender: str, content: str) -> NewCampaign:
        try:
            parsed_kind = CampaignKind(kind)
        except ValueError:
            parsed_kind = CampaignKind.MARKETING
        return cls(name.strip(), parsed_kind, sender.strip(), content.strip())


def validate_new_campaign(campaign: NewCampaign, content_parts: int) -> dict[str, str]:
    """French error message per invalid field (empty when the form is valid).

    ``content_parts`` is the number of SMS parts of the final message (opt-out
    mention included), as ``sms_text.measure`` counts them.
    """
    errors: dict[str, str] = {}
    if not campaign.name:
        errors["name"] = "Le nom de la campagne est obligatoire. " + NAME_NOTE
    elif len(campaign.name) > NAME_MAX_LENGTH:
        errors["name"] = (
            f"Le nom de la campagne ne peut pas dépasser {NAME_MAX_LENGTH} caractères."
        )
    sender_error = validate_sender(campaign.sender)
    if sender_error:
        errors["sender"] = sender_error
    if not campaign.content:
        errors["content"] = "Le contenu du SMS est obligatoire."
    elif placeholder_message := placeholder_error(campaign.content):
        errors["content"] = placeholder_message
    elif content_parts > MAX_PARTS:
        errors["content"] = (
            f"Le SMS est trop long : {content_parts} SMS, {MAX_PARTS} au maximum. "
            "Raccourcissez le texte."
        )
    return errors


#: What a copy's name adds to its original's (« Dupliquer la campagne »,
#: « Renvoyer aux échecs »).
COPY_SUFFIX = " (copie)"
RESEND_SUFFIX = " (renvoi aux échecs)"


def copy_name(name: str, suffix: str = COPY_SUFFIX) -> str:
    """``<name> (copie)``, the original name shortened so it fits the limit."""
    room = NAME_MAX_LENGTH - len(suffix)
    return name[:room].rstrip() + suffix


def sarbacane_name(name: str, marker: str) -> str:
    """The campaign's name in Sarbacane: its Hub3E name and its marker."""
    return f"{name} [{marker}]"


#: The end of a Sarbacane name written by ``sarbacane_name`` (``H3E-`` and 12 hex).
_HUB_MARKER = re.compile(r" \[H3E-[0-9a-f]{12}\]$")


def made_by_hub(sarbacane_campaign_name: str | None) -> bool:
    """Whether SMS Hub wrote this Sarbacane campaign (its name ends with a
    creation's marker): such a campaign is linked by the creation itself,
    never adopted as one made in Sarbacane's interface."""
    return bool(sarbacane_campaign_name) and bool(
        _HUB_MARKER.search(sarbacane_campaign_name or "")
    )


#: Sarbacane's unsubscribe list of an account (the « STOP » answers land there).
UNSUBSCRIBE_LIST_ID = "DEFAULT_BLACKLIST"

NO_STOP_LIST_WARNING = (
    "Cette campagne SMS Marketing sera envoyée sans la liste des désinscrits "
    "(STOP) : des personnes qui ont demandé à ne plus recevoir de SMS le recevront."
)
NO_STOP_LIST_CONFIRM = "Je confirme l'envoi sans la liste des désinscrits (STOP)."
NO_STOP_LIST_REFUSED = (
    f"{NO_STOP_LIST_WARNING} Ajoutez-la dans « Choisir les listes d'exclusion », "
    "ou confirmez l'envoi sans elle."
)
#: What the launch's audit event adds when it was confirmed without the list.
NO_STOP_LIST_AUDIT = "sans la liste des désinscrits (STOP) : confirmé par l'utilisateur"


def needs_unsubscribe_list(kind: str) -> bool:
    """SMS Marketing leave with the unsubscribe list (RGPD: the right to opt out).

    Notification SMS carry no opt-out and are not bound by it.
    """
    return kind == CampaignKind.MARKETING


def lacks_unsubscribe_list(kind: str, exclusion_ids: list[str]) -> bool:
    """Whether a campaign of ``kind`` with these exclusion lists would leave
    without the unsubscribe list it needs (its launch then asks to confirm)."""
    return needs_unsubscribe_list(kind) and UNSUBSCRIBE_LIST_ID not in exclusion_ids


def with_unsubscribe_list(
    kind: str, exclusions: list[tuple[str, str]], available: dict[str, str]
) -> list[tuple[str, str]]:
    """The (id, name) exclusion lists a campaign of ``kind`` is made with: its
    chosen ones, plus the unsubscribe list when it needs it and the account
    has one (``available``: the account's lists, id → name)."""
    ids = [i for i, _ in exclusions]
    if not lacks_unsubscribe_list(kind, ids) or UNSUBSCRIBE_LIST_ID not in available:
        return list(exclusions)
    return [*exclusions, (UNSUBSCRIBE_LIST_ID, available[UNSUBSCRIBE_LIST_ID])]
