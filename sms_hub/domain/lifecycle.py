"""A campaign's lifecycle: statuses, the actions each allows, where they lead.

The one table of the product's rules about statuses. The UI (badges,
enabled icons, tooltips), the services (what they refuse, the
compare-and-set of a launch or a cancel) and the status poller (what a
Sarbacane state means) all read it, so each rule of the user documentation
is decided here once.

Two statuses are Hub3E's own (Sarbacane has no state for them): *Planifiée*
(a send requested for a future date) and *Envoi annulé par l'utilisateur*.
The four others mirror Sarbacane's ``state`` values. A seventh,
*Suppression en cours*, is transient: a delete claims the campaign with it
before asking Sarbacane, so a launch at the same moment is refused (and a
failed delete puts the previous status back).
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
    DELETING = "deleting"


class Action(StrEnum):
    RECIPIENTS = "recipients"
    STATS_HUB3E = "stats_hub3e"
    STATS_SARBACANE = "stats_sarbacane"
    OPEN_IN_SARBACANE = "open_in_sarbacane"
    EXCLUSIONS = "exclusions"
    IMPORT_CONTACTS = "import_contacts"
    LAUNCH = "launch"
    CANCEL = "cancel"
    DUPLICATE = "duplicate"
    MODIFY = "modify"
    RESEND_FAILED = "resend_failed"
    HISTORY = "history"
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
    Status.DELETING: StatusInfo("Suppression en cours", "tomato", None),
}

#: Statuses during which Sarbacane is (or will be) sending: the poller follows them.
ACTIVE_STATUSES: frozenset[Status] = frozenset(
    {Status.SCHEDULED, Status.RECEIVED, Status.SENDING}
)

EDITABLE_STATUSES: frozenset[Status] = frozenset({Status.DRAFT, Status.CANCELLED})


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
    Action.DUPLICATE: ActionInfo("Dupliquer la campagne", "copy"),
    Action.MODIFY: ActionInfo("Modifier la campagne", "pencil"),
    Action.RESEND_FAILED: ActionInfo("Renvoyer aux échecs", "repeat"),
    Action.HISTORY: ActionInfo("Historique", "history"),
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
NO_FAILURE = (
    "Aucun SMS de cette campagne n'a échoué : il n'y a personne à qui le renvoyer."
)
_NOTHING_TO_CANCEL = "Aucun envoi en cours ou planifié à annuler."
_CANCEL_FIRST = (
    "Les campagnes en cours d'envoi ne peuvent pas être supprimées directement "
    "et doivent d'abord être annulées."
)


@dataclass(frozen=True)
class Rule:
    """When an action is allowed, why it is refused, and where it leads.

    ``leads_to`` is the status the action moves the campaign to (None: it
    does not change the status, or, for a delete, the campaign is gone);
    a launch with a date leads to ``leads_to_when_dated`` instead.
    ``needs_failure``: the campaign must have recipients whose SMS failed
    (once that is known: see :func:`refusal`).
    ``done_in`` are the statuses in which a repeat of the action (a double
    click, a second tab) finds it already done: it is then a no-op.
    """

    allowed_from: frozenset[Status]
    refused: str = ""
    needs_recipient: bool = False
    needs_failure: bool = False
    leads_to: Status | None = None
    leads_to_when_dated: Status | None = None
    removes_campaign: bool = False
    done_in: frozenset[Status] = frozenset()


_ALL = frozenset(Status)

RULES: dict[Action, Rule] = {
    Action.RECIPIENTS: Rule(_ALL),
    Action.STATS_HUB3E: Rule(frozenset({Status.FINISHED}), _ONLY_FINISHED),
    Action.STATS_SARBACANE: Rule(frozenset({Status.FINISHED}), _ONLY_FINISHED),
    Action.OPEN_IN_SARBACANE: Rule(frozenset({Status.DRAFT}), _ONLY_DRAFT),
    Action.EXCLUSIONS: Rule(EDITABLE_STATUSES, _ONLY_EDITABLE),
    Action.IMPORT_CONTACTS: Rule(EDITABLE_STATUSES, _ONLY_EDITABLE),
    Action.LAUNCH: Rule(
        EDITABLE_STATUSES,
        _ONLY_EDITABLE,
        needs_recipient=True,
        leads_to=Status.RECEIVED,
        leads_to_when_dated=Status.SCHEDULED,
        done_in=ACTIVE_STATUSES,
    ),
    Action.CANCEL: Rule(
        ACTIVE_STATUSES,
        _NOTHING_TO_CANCEL,
        leads_to=Status.CANCELLED,
        done_in=frozenset({Status.CANCELLED}),
    ),
    Action.DUPLICATE: Rule(_ALL),
    # Sarbacane cannot update a campaign: a modification replaces it there.
    Action.MODIFY: Rule(EDITABLE_STATUSES, _ONLY_EDITABLE),
    Action.RESEND_FAILED: Rule(
        frozenset({Status.FINISHED}), _ONLY_FINISHED, needs_failure=True
    ),
    Action.HISTORY: Rule(_ALL),
    # A delete interrupted after its claim (a crash) can be asked again.
    Action.DELETE: Rule(
        _ALL - ACTIVE_STATUSES,
        _CANCEL_FIRST,
        leads_to=Status.DELETING,
        removes_campaign=True,
    ),
}


def refusal(
    action: Action,
    status: Status,
    recipient_count: int,
    failed_count: int | None = None,
) -> str | None:
    """Why ``action`` is not allowed for a campaign, or None when it is.

    ``failed_count``: how many of its recipients' SMS failed, None while the
    campaign's report has not been read (the action then stays offered, and
    the count is read when it is chosen).
    """
    rule = RULES[action]
    if status not in rule.allowed_from:
        return rule.refused
    if rule.needs_recipient and recipient_count < 1:
        return _NEEDS_RECIPIENT
    if rule.needs_failure and failed_count is not None and failed_count < 1:
        return NO_FAILURE
    return None


def is_allowed(
    action: Action,
    status: Status,
    recipient_count: int,
    failed_count: int | None = None,
) -> bool:
    return refusal(action, status, recipient_count, failed_count) is None


#: The actions of the user documentation's list, in its order (the others
#: were added since: « Modifier », « Dupliquer », « Renvoyer aux échecs »,
#: « Historique »).
DOCUMENTED_ACTIONS: tuple[Action, ...] = tuple(
    a
    for a in ACTION_ORDER
    if a not in {Action.MODIFY, Action.DUPLICATE, Action.RESEND_FAILED, Action.HISTORY}
)


def primary_actions(status: Status) -> tuple[Action, ...]:
    """The actions a row shows first, as icons, for a campaign in ``status``:
    the documented ones this status allows, in the documentation's order.

    The others (the added actions, and those this status refuses, with
    their reason) are listed in the row's menu « Plus d'actions ».
    """
    return tuple(a for a in DOCUMENTED_ACTIONS if status in RULES[a].allowed_from)


def on_row(
    action: Action,
    status: Status,
    recipient_count: int,
    failed_count: int | None = None,
) -> bool:
    """Whether ``action`` is an icon on the row (else an item of its menu).

    A primary action refused for another reason (a draft without any
    recipient cannot be launched) moves to the menu too, where its reason
    is written under its label: a touch screen has no hover tooltip.
    """
    return action in primary_actions(status) and is_allowed(
        action, status, recipient_count, failed_count
    )


def already_done(action: Action, status: Status) -> bool:
    """Whether a repeat of ``action`` finds the campaign already where it leads."""
    return status in RULES[action].done_in


@dataclass(frozen=True)
class Claim:
    """The compare-and-set of an action: from one of these statuses to that one."""

    from_statuses: frozenset[Status]
    to_status: Status

    def undo(self, previous: Status) -> Claim:
        """The claim that puts the status back after a definite refusal."""
        return Claim(frozenset({self.to_status}), previous)


def claim(action: Action, *, dated: bool = False) -> Claim:
    """The status change ``action`` makes, as the services claim it.

    A delete claims *Suppression en cours* while Sarbacane deletes the
    campaign: a launch claimed at the same moment finds no editable status.
    """
    rule = RULES[action]
    target = rule.leads_to_when_dated if dated else rule.leads_to
    if target is None:
        raise ValueError(f"{action!r} does not change the status")
    return Claim(rule.allowed_from, target)


#: A campaign created from Hub3E starts as a draft, in Sarbacane too.
INITIAL_STATUS = Status.DRAFT


def sarbacane_state(status: Status) -> str | None:
    """The Sarbacane ``state`` a status mirrors (None for Hub3E's own)."""
    return STATUS_INFO[status].sarbacane_state


_FROM_SARBACANE: dict[str, Status] = {
    info.sarbacane_state: status
    for status, info in STATUS_INFO.items()
    if info.sarbacane_state
}

#: The Sarbacane states of a campaign being sent (the poller lists them).
REMOTE_ACTIVE_STATES: tuple[str, ...] = tuple(
    state for s in Status if s in ACTIVE_STATUSES and (state := sarbacane_state(s))
)
#: The Sarbacane state whose campaigns report a "sent / total" progress.
REMOTE_SENDING_STATE = sarbacane_state(Status.SENDING) or ""


def status_from_sarbacane(state: str | None) -> Status | None:
    """The Hub3E status a Sarbacane ``state`` maps to; None when unknown."""
    if not state:
        return None
    return _FROM_SARBACANE.get(state.upper())


def status_after_sync(
    local: Status, state: str | None, *, stopped: bool
) -> Status | None:
    """The status the poller moves a campaign to, or None to leave it.

    ``stopped``: Sarbacane cancelled the campaign or no longer has it, which
    counts as a cancel when the table allows one. A remote ``DRAFT`` never
    moves a campaign back; an unknown state leaves it as it is.
    """
    if stopped:
        cancel = RULES[Action.CANCEL]
        return cancel.leads_to if local in cancel.allowed_from else None
    mapped = status_from_sarbacane(state)
    if mapped is None or mapped is INITIAL_STATUS:
        return None
    return mapped if mapped is not local else None


#: What a campaign shows (and the audit says) once Sarbacane no longer has it.
GONE_FROM_SARBACANE = "La campagne n'existe plus dans Sarbacane."

#: What the audit says when a campaign claimed as sent was never sent.
NOT_SENT_DETAIL = (
    "Sarbacane n'a reçu aucun envoi de cette campagne : elle est revenue au "
    "statut Brouillon."
)


def status_when_never_sent(
    local: Status, state: str | None, waited: timedelta, threshold: timedelta
) -> Status | None:
    """*Brouillon* for a campaign claimed *Reçue* that Sarbacane still holds
    as a draft ``threshold`` after the claim, else None.

    A launch claims *Reçue* before it calls Sarbacane; if the call never
    arrived (an unusable account, a crash), Sarbacane's campaign stays
    ``DRAFT`` and nothing is sent. Before ``threshold`` the call may still be
    on its way (retries), so the status is left alone.
    """
    if local is not Status.RECEIVED or waited < threshold:
        return None
    return INITIAL_STATUS if status_from_sarbacane(state) is INITIAL_STATUS else None


#: Where a cancel leads when Sarbacane answers that the campaign was never
#: sent (``CAMPAIGN_NOT_SENT``): back to *Brouillon*, as Sarbacane holds it.
#: Not *Envoi annulé*: nobody received anything, and a cancelled campaign's
#: relaunch would warn that contacts probably received the SMS already.
CANCEL_OF_UNSENT_LEADS_TO = INITIAL_STATUS


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
