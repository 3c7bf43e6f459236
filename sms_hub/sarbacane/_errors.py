"""Errors raised by the Sarbacane client.

Every error carries a French ``user_message`` that can be shown as is, the
HTTP status (``None`` when no response arrived) and Sarbacane's ``code`` (the
``message`` field of its JSON error body, when there was one)::

    SarbacaneError
    ├── SarbacaneConfigError   credentials missing or refused (401); never retried
    ├── SarbacaneNotFound      plain 404: the campaign or list no longer exists
    ├── SarbacaneRejected      any other 4xx: Sarbacane refused the request
    └── SarbacaneUnavailable   timeouts, connection errors, 5xx, lock errors,
                               SERVICE_*_UNREACHABLE, 429: after the retries
"""

from __future__ import annotations

CONFIG_MESSAGE = (
    "La connexion à Sarbacane est mal configurée (identifiants refusés). "
    "Contactez l'administrateur."
)
NOT_FOUND_MESSAGE = "Cette campagne n'existe plus dans Sarbacane."
REJECTED_MESSAGE = "Sarbacane a refusé la demande : {message}"
UNAVAILABLE_MESSAGE = (
    "Sarbacane ne répond pas pour le moment. "
    "Réessayez dans quelques instants ; rien n'a été modifié."
)
MAYBE_APPLIED_MESSAGE = (
    "Sarbacane ne répond pas pour le moment et n'a pas confirmé la demande. "
    "Vérifiez l'état de la campagne avant de réessayer."
)


class SarbacaneError(Exception):
    """Base of every error of the Sarbacane gateway."""

    default_message = "Erreur Sarbacane."

    def __init__(
        self,
        detail: str = "",
        *,
        status_code: int | None = None,
        code: str | None = None,
        user_message: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.user_message = user_message or self.default_message
        super().__init__(detail or self.user_message)


class SarbacaneConfigError(SarbacaneError):
    """Credentials missing or refused: only an administrator can fix it."""

    default_message = CONFIG_MESSAGE


class SarbacaneNotFound(SarbacaneError):
    """The campaign (or list) does not exist, or no longer exists."""

    default_message = NOT_FOUND_MESSAGE


class SarbacaneRejected(SarbacaneError):
    """Sarbacane understood the request and refused it."""

    def __init__(
        self,
        detail: str = "",
        *,
        status_code: int | None = None,
        code: str | None = None,
        user_message: str | None = None,
    ) -> None:
        message = user_message or REJECTED_MESSAGE.format(
            message=code or detail or f"HTTP {status_code}"
        )
        super().__init__(
            detail, status_code=status_code, code=code, user_message=message
        )


class SarbacaneUnavailable(SarbacaneError):
    """Sarbacane did not answer usefully, even after the retries.

    ``maybe_applied`` is true when the last request may have taken effect
    without its answer reaching us (the message then says to check).
    """

    default_message = UNAVAILABLE_MESSAGE

    def __init__(
        self,
        detail: str = "",
        *,
        status_code: int | None = None,
        code: str | None = None,
        user_message: str | None = None,
        maybe_applied: bool = False,
    ) -> None:
        self.maybe_applied = maybe_applied
        if user_message is None and maybe_applied:
            user_message = MAYBE_APPLIED_MESSAGE
        super().__init__(
            detail, status_code=status_code, code=code, user_message=user_message
        )
