"""The one place a Sarbacane error becomes a service error.

The gateway (``sms_hub/sarbacane``) speaks codes only: each error carries an
:class:`~sms_hub.sarbacane.ErrorKind`. Here a kind becomes the French
sentence users read (:data:`MESSAGES`, :func:`user_message`). Every use case
calls Sarbacane inside :func:`sarbacane_call`: a
:class:`~sms_hub.sarbacane.SarbacaneError` is undone (``undo``), audited as
failed (``audit``) and raised as :class:`GatewayError` with its French
message, so the pages only ever see service errors.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sms_hub import metrics
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.sarbacane import ErrorKind, SarbacaneError
from sms_hub.services import audit
from sms_hub.services.context import Actor, in_thread
from sms_hub.services.errors import GatewayError
from sms_hub.store import centre_queries
from sms_hub.store.db import transaction

log = logging.getLogger(__name__)

Undo = Callable[[SarbacaneError], Awaitable[None]]

#: What users read for each kind of Sarbacane failure (``{reason}``:
#: Sarbacane's own code for a refusal).
MESSAGES: dict[ErrorKind, str] = {
    ErrorKind.UNKNOWN: "Erreur Sarbacane.",
    ErrorKind.CONFIG: (
        "La connexion à Sarbacane est mal configurée (identifiants refusés). "
        "Contactez l'administrateur."
    ),
    ErrorKind.NOT_FOUND: "Cette campagne n'existe plus dans Sarbacane.",
    ErrorKind.REJECTED: "Sarbacane a refusé la demande : {reason}",
    ErrorKind.UNAVAILABLE: (
        "Sarbacane ne répond pas pour le moment. "
        "Réessayez dans quelques instants ; rien n'a été modifié."
    ),
    ErrorKind.UNCONFIRMED: (
        "Sarbacane ne répond pas pour le moment et n'a pas confirmé la demande. "
        "Vérifiez l'état de la campagne avant de réessayer."
    ),
}


def user_message(error: SarbacaneError) -> str:
    """The French sentence for a Sarbacane failure, as the screens show it."""
    message = MESSAGES[error.kind]
    if error.kind is ErrorKind.REJECTED:
        return message.format(reason=error.reason)
    return message


@asynccontextmanager
async def sarbacane_call(
    actor: Actor,
    audit_as: AuditAction | None = None,
    *,
    campaign_id: int | None = None,
    name: str = "",
    undo: Undo | None = None,
    hint: str = "",
) -> AsyncIterator[None]:
    """Translate a Sarbacane failure of the block into :class:`GatewayError`.

    ``undo(error)`` runs first (it may look at ``error.maybe_applied``);
    then, with ``audit_as``, a failed event for the campaign ``campaign_id``
    (or, without one, named ``name``); ``hint`` follows the message.
    """
    try:
        yield
    except SarbacaneError as error:
        await in_thread(_count_failure, actor.tenant_id)
        if undo is not None:
            await undo(error)
        if audit_as is not None:
            await in_thread(
                audit.record,
                actor,
                audit_as,
                AuditOutcome.FAILED,
                campaign_id=campaign_id,
                campaign_name=name,
                detail=user_message(error),
            )
        message = user_message(error)
        raise GatewayError(f"{message} {hint}" if hint else message) from error


def _count_failure(tenant_id: int) -> None:
    """One more failure for the centre (``sms_hub_centre_failures_total``);
    never in the way of the error's own translation."""
    try:
        with transaction() as session:
            found = centre_queries.tenant(session, tenant_id)
            slug = found.slug if found else str(tenant_id)
        metrics.centre_failed(slug, "action")
    except Exception:
        log.exception("metrics: the failure of centre %s was not counted", tenant_id)
