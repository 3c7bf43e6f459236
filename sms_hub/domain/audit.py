"""What the audit trail records: the action done and how it ended.

The values are the strings stored in ``AuditEvent.action`` and ``outcome``;
the labels are how « Historique » shows them.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    CREATE = "create"
    DELETE = "delete"
    LAUNCH = "launch"
    CANCEL = "cancel"
    IMPORT_CONTACTS = "import_contacts"
    EXCLUSIONS = "exclusions"
    DUPLICATE = "duplicate"
    RESEND_FAILED = "resend_failed"
    SETTINGS = "settings"
    LIST_CREATE = "list_create"
    LIST_RENAME = "list_rename"
    LIST_DELETE = "list_delete"
    LIST_IMPORT = "list_import"
    TEMPLATE_CREATE = "template_create"
    TEMPLATE_EDIT = "template_edit"
    TEMPLATE_DELETE = "template_delete"
    MODIFY = "modify"
    CONTACT_EXPORT = "contact_export"
    CONTACT_ERASE = "contact_erase"


class AuditOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"


AUDIT_ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.CREATE: "Création",
    AuditAction.DELETE: "Suppression",
    AuditAction.LAUNCH: "Lancement ou planification de l'envoi",
    AuditAction.CANCEL: "Annulation de l'envoi",
    AuditAction.IMPORT_CONTACTS: "Import de contacts",
    AuditAction.EXCLUSIONS: "Listes d'exclusion",
    AuditAction.DUPLICATE: "Duplication",
    AuditAction.MODIFY: "Modifiée",
    AuditAction.CONTACT_EXPORT: "Export des données d'un contact",
    AuditAction.CONTACT_ERASE: "Effacement d'un contact",
    AuditAction.RESEND_FAILED: "Renvoi aux échecs",
    AuditAction.SETTINGS: "Paramètres du centre",
    AuditAction.LIST_CREATE: "Création d'une liste de contacts",
    AuditAction.LIST_RENAME: "Renommage d'une liste de contacts",
    AuditAction.LIST_DELETE: "Suppression d'une liste de contacts",
    AuditAction.LIST_IMPORT: "Import CSV dans une liste de contacts",
    AuditAction.TEMPLATE_CREATE: "Création d'un modèle de SMS",
    AuditAction.TEMPLATE_EDIT: "Modification d'un modèle de SMS",
    AuditAction.TEMPLATE_DELETE: "Suppression d'un modèle de SMS",
}

AUDIT_OUTCOME_LABELS: dict[AuditOutcome, str] = {
    AuditOutcome.OK: "Réussi",
    AuditOutcome.FAILED: "Échec",
}

#: The events about contact lists (no campaign; the list is named in the detail).
LIST_ACTIONS: frozenset[AuditAction] = frozenset(
    {
        AuditAction.LIST_CREATE,
        AuditAction.LIST_RENAME,
        AuditAction.LIST_DELETE,
        AuditAction.LIST_IMPORT,
    }
)


def action_label(action: str) -> str:
    """The French label of a stored action (the value itself when unknown)."""
    try:
        return AUDIT_ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return action


def outcome_label(outcome: str) -> str:
    try:
        return AUDIT_OUTCOME_LABELS[AuditOutcome(outcome)]
    except ValueError:
        return outcome
