"""What a tab shows when one of its events fails unexpectedly.

Reflex's own handler shows an English « An error occurred. »; staff get a
French sentence instead. An event of a tab whose sign-in has not finished
yet (a click during the portal's hand-over) or has expired says so.
"""

import logging

import reflex as rx
from reflex.event import EventSpec

from sms_hub.state.session import NotSignedIn

log = logging.getLogger(__name__)

NOT_SIGNED_IN = (
    "Votre session n'est pas encore ouverte ou a expiré : patientez un instant, "
    "ou rouvrez la page depuis le portail Hub3E."
)
UNEXPECTED = (
    "Une erreur inattendue est survenue. Réessayez ; si elle se reproduit, "
    "contactez l'administrateur de la plateforme."
)


def backend_error(exception: Exception) -> EventSpec:
    """The app's ``backend_exception_handler``: a French toast, the trace in the log.

    No postponed annotations here: Reflex evaluates this signature's
    annotations in its own module to check the handler.
    """
    if isinstance(exception, NotSignedIn):
        return rx.toast.error(NOT_SIGNED_IN, close_button=True)
    log.error("unexpected error in an event", exc_info=exception)
    return rx.toast.error(UNEXPECTED, close_button=True)
