"""Modifying a campaign: what changed, and the steps of a replacement.

Sarbacane's API has no call that updates a campaign (name, sender, kind and
text are fixed at creation), so a modification replaces the Sarbacane
campaign behind the same Hub3E campaign. The replacement is a small state
machine persisted with the campaign, so that whatever fails, the campaign is
linked to exactly one Sarbacane campaign and none is left orphaned there:

- ``CREATE``: about to create the new one (its marker is known, its id not);
  an interruption is cleaned by deleting whatever carries the marker.
- ``PREPARE``: the new one exists (its id is known) and gets the exclusion
  lists; an interruption deletes it and keeps the previous version.
- ``DELETE_OLD``: the campaign is linked to the new one; the previous one is
  deleted in Sarbacane (retried until it is).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sms_hub.domain.campaign import has_opt_out
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.statistics import CampaignStats


class Phase(StrEnum):
    CREATE = "create"
    PREPARE = "prepare"
    DELETE_OLD = "delete_old"


#: The fields a modification can change, with how the history names them.
FIELD_LABELS: dict[str, str] = {
    "name": "nom",
    "kind": "type",
    "sender": "expéditeur",
    "content": "texte",
}

NO_CHANGE = "Aucune modification."
KEPT_PREVIOUS = (
    "La modification n'a pas abouti : la version précédente de la campagne est "
    "conservée."
)
SAVED = "La campagne est modifiée : la nouvelle version est enregistrée."
SAVED_PUSH_PENDING = (
    "La modification est enregistrée, mais tous les destinataires n'ont pas "
    "encore été transmis à Sarbacane : ils le seront en relançant l'import ou "
    "au lancement de l'envoi."
)
ALREADY_RUNNING = (
    "Une modification de cette campagne est déjà en cours : attendez qu'elle se "
    "termine."
)
EDITED_IN_SARBACANE = (
    "Cette campagne a été modifiée dans Sarbacane depuis sa dernière lecture "
    "par Hub3E : l'enregistrement la remplacera par la version ci-dessous."
)


@dataclass(frozen=True)
class Replacement:
    """A replacement under way, as stored with the campaign (JSON)."""

    phase: Phase
    marker: str
    old_id: str
    name: str
    kind: str
    sender: str
    content: str
    new_id: str = ""
    holder: str = ""

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> Replacement:
        data = json.loads(text)
        data["phase"] = Phase(data["phase"])
        return cls(**data)


def changed_fields(current: dict[str, str], wanted: dict[str, str]) -> tuple[str, ...]:
    """The fields (in ``FIELD_LABELS`` order) whose value differs."""
    return tuple(f for f in FIELD_LABELS if current.get(f) != wanted.get(f))


def changes_detail(changed: tuple[str, ...]) -> str:
    """The history's detail of a modification: « Modifié : nom, texte »."""
    return "Modifié : " + ", ".join(FIELD_LABELS[f] for f in changed)


def typed_text(content: str, kind: str, mention: str) -> str:
    """The text as the user typed it: the stored SMS without the opt-out
    mention an SMS Marketing ends with (the form adds it again)."""
    mention = mention.strip()
    if not has_opt_out(kind) or not mention or not content.rstrip().endswith(mention):
        return content
    text = content.rstrip()[: -len(mention)]
    return text[:-1] if text.endswith("\n") else text


def edited_since_seen(edited: datetime | None, seen: datetime) -> bool:
    """Whether Sarbacane's ``edited`` date of the campaign is later than when
    Hub3E last wrote to or read it (someone changed it in Sarbacane)."""
    if edited is None:
        return False
    return _aware(edited) > _aware(seen)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def partial_send_detail(stats: CampaignStats) -> str:
    """What the history keeps of a cancelled send whose Sarbacane campaign a
    modification replaces (its report goes with it)."""
    return (
        f"Envoi annulé précédent : {number_fr(stats.sent)} envoyé(s), "
        f"{number_fr(stats.delivered)} délivré(s), {number_fr(stats.failed)} "
        f"échec(s), {number_fr(stats.stop)} STOP, "
        f"{number_fr(stats.credits_used)} crédit(s) utilisé(s)."
    )
