"""Campaign statuses and the actions each one allows: the one source of truth.

The UI (badges, enabled icons, tooltips), the services (what they refuse) and
the tests all read this table, so a rule of the seed is decided here once.

Two statuses are Hub3E's own (Sarbacane has no state for them): *Planifiée*
(a send requested for a future date) and *Envoi annulé par l'utilisateur*.
The four others mirror Sarbacane's ``state`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RECEIVED = "received"
    SENDING = "sending"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class Action(StrEnum):
    RECIPIENTS = "recipients"
    STATS_HUB3E = "stats_hub3e"
    STATS_SARBACANE = "stats_sarbacane"
    OPEN_IN_SARBACANE = "open_in_sarbacane"
    EXCLUSIONS = "exclusions"
    IMPORT_CONTACTS = "import_contacts"
    LAUNCH = "launch"
    CANCEL = "cancel"
    DELETE = "delete"


@dataclass(frozen=True)
class StatusInfo:
    label: str
    colour: str
    sarbacane_state: str | None
    animated: bool = False


STATUS_INFO: dict[Status, StatusInfo] = {
    Status.DRAFT: StatusInfo("Brouillon", "gray", "DRAFT"),
    Status.SCHEDULED: StatusInfo("Planifiée", "blue", None),
    Status.RECEIVED: StatusInfo("Reçue par le serveur d'envoi", "amber", "MODERATION"),
    Status.SENDING: StatusInfo("Envoi en cours", "violet", "ROUTING", animated=True),
    Status.FINISHED: StatusInfo("Envoi terminé", "green", "FINISH"),
    Status.CANCELLED: StatusInfo("Envoi annulé par l'utilisateur", "red", None),
}

#: Statuses during which Sarbacane is (or will be) sending: the poller follows them.
ACTIVE_STATUSES: frozenset[Status] = frozenset(
    {Status.SCHEDULED, Status.RECEIVED, Status.SENDING}
)

_EDITABLE = frozenset({Status.DRAFT, Status.CANCELLED})


@dataclass(frozen=True)
class ActionInfo:
    """An action icon: its tooltip (also its accessible name) and icon."""

    label: str
    icon: str
    opens_new_tab: bool = False


ACTION_INFO: dict[Action, ActionInfo] = {
    Action.RECIPIENTS: ActionInfo("Voir la liste des destinataires", "list"),
    Action.STATS_HUB3E: ActionInfo(
        "Voir les données statistiques de la campagne sur l'interface Hub3E",
        "chart-line",
    ),
    Action.STATS_SARBACANE: ActionInfo(
        "Voir les données statistiques de la campagne sur l'interface Sarbacane",
        "chart-no-axes-column",
        opens_new_tab=True,
    ),
    Action.OPEN_IN_SARBACANE: ActionInfo(
        "Ouvrir la campagne dans Sarbacane", "external-link", opens_new_tab=True
    ),
    Action.EXCLUSIONS: ActionInfo(
        "Choisir les listes d'exclusion à utiliser pour la campagne", "user-x"
    ),
    Action.IMPORT_CONTACTS: ActionInfo(
        "Importer les contacts d'une liste de contacts dans la campagne",
        "book-user",
    ),
    Action.LAUNCH: ActionInfo("Lancer ou planifier l'envoi de la campagne", "send"),
    Action.CANCEL: ActionInfo("Annuler l'envoi de la campagne", "circle-stop"),
    Action.DELETE: ActionInfo("Supprimer la campagne", "trash-2"),
}

ACTION_ORDER: tuple[Action, ...] = tuple(Action)

_ONLY_FINISHED = (
    "Disponible uniquement lorsque la campagne est au statut Envoi terminé."
)
_ONLY_DRAFT = "Disponible uniquement lorsque la campagne est au statut Brouillon."
_ONLY_EDITABLE = (
    "Disponible uniquement lorsque la campagne est au statut Brouillon "
    "ou Envoi annulé par l'utilisateur."
)
_NEEDS_RECIPIENT = (
    "La campagne doit comporter au minimum 1 destinataire : "
    "importez d'abord les contacts d'une liste."
)
_NOTHING_TO_CANCEL = "Aucun envoi en cours ou planifié à annuler."
_CANCEL_FIRST = (
    "Les campagnes en cours d'envoi ne peuvent pas être supprimées directement "
    "et doivent d'abord être annulées."
)


def refusal(action: Action, status: Status, recipient_count: int) -> str | None:
    """Why ``action`` is not allowed for a campaign, or None when it is."""
    match action:
        case Action.RECIPIENTS:
            return None
        case Action.STATS_HUB3E | Action.STATS_SARBACANE:
            return None if status is Status.FINISHED else _ONLY_FINISHED
        case Action.OPEN_IN_SARBACANE:
            return None if status is Status.DRAFT else _ONLY_DRAFT
        case Action.EXCLUSIONS | Action.IMPORT_CONTACTS:
            return None if status in _EDITABLE else _ONLY_EDITABLE
        case Action.LAUNCH:
            if status not in _EDITABLE:
                return _ONLY_EDITABLE
            return None if recipient_count >= 1 else _NEEDS_RECIPIENT
        case Action.CANCEL:
            return None if status in ACTIVE_STATUSES else _NOTHING_TO_CANCEL
        case Action.DELETE:
            return _CANCEL_FIRST if status in ACTIVE_STATUSES else None
    raise ValueError(f"unknown action {action!r}")


def is_allowed(action: Action, status: Status, recipient_count: int) -> bool:
    return refusal(action, status, recipient_count) is None


_FROM_SARBACANE: dict[str, Status] = {
    info.sarbacane_state: status
    for status, info in STATUS_INFO.items()
    if info.sarbacane_state
}


def status_from_sarbacane(state: str | None) -> Status | None:
    """The Hub3E status a Sarbacane ``state`` maps to; None when unknown."""
    if not state:
        return None
    return _FROM_SARBACANE.get(state.upper())


CANCEL_WARNING = (
    "Cette action interrompra l'envoi des SMS de la campagne. Dans le cas d'une "
    "annulation en cours d'envoi il est probable que des contacts aient déjà reçu "
    "des SMS, les SMS déjà reçus par les contacts ne peuvent pas être annulés."
)
RELAUNCH_WARNING = (
    "L'envoi de cette campagne a été annulé : il est probable que des contacts "
    "aient déjà reçu le SMS. Ils le recevront une seconde fois."
)
STUCK_WARNING = (
    "La campagne est restée au statut Reçue par le serveur d'envoi : une campagne "
    "créée sur Sarbacane sans modèle de SMSing y reste bloquée. Il faut alors "
    "annuler l'envoi de la campagne."
)


def is_stuck(
    status: Status, since: datetime, now: datetime, threshold: timedelta
) -> bool:
    """Whether a campaign stays *Reçue par le serveur d'envoi* suspiciously long."""
    return status is Status.RECEIVED and now - since >= threshold
