"""What a service can refuse, each with a French message for the user.

ServiceError            base; ``user_message`` is shown as is
├── NotFound            the campaign (or list) is not the tenant's, or gone
├── NotAllowed          the status table forbids the action right now
│   └── AlreadyDone     …because a repeat (double click, second tab) finds it done
├── InvalidInput        form fields are invalid; ``field_errors`` per field
└── GatewayError        Sarbacane refused or did not answer (nothing changed)
"""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotFound(ServiceError):
    def __init__(self, user_message: str = "Cette campagne n'existe plus.") -> None:
        super().__init__(user_message)


class NotAllowed(ServiceError):
    pass


class OutsideWindow(NotAllowed):
    """The send falls outside the sending calendar (the message says when it may)."""


class AlreadyDone(NotAllowed):
    """The campaign is already where the action leads: a repeat, a no-op."""


class InvalidInput(ServiceError):
    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("Certains champs sont à corriger.")
        self.field_errors = field_errors


class GatewayError(ServiceError):
    pass


class InvalidFile(ServiceError):
    """The file cannot be imported (not a CSV, empty, no phone column, too large)."""
