"""What the audit trail records: the action done and how it ended.

The values are the strings stored in ``AuditEvent.action`` and ``outcome``.
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


class AuditOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
