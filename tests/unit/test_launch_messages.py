"""The launch dialog says the sending calendar's refusal once: a send now
refused while the window is closed updates the calendar's callout, and the
red error line stays for everything else."""

from sms_hub.pages.campaigns.launch_modal import launch_messages, window_text
from sms_hub.services.errors import GatewayError, NotAllowed, OutsideWindow

NOTE = (
    "Pour les destinataires de France métropolitaine (heure locale 21:30), "
    "les SMS commerciaux sont envoyés entre 08h00 et 20h00."
)
SLOT = "07/12/2026 08:00"
REFUSED = (
    "Pour les destinataires de France métropolitaine (heure locale 21:31), "
    "les SMS commerciaux sont envoyés entre 08h00 et 20h00. "
    "Prochain créneau autorisé : 07/12/2026 08:00."
)


def test_the_callout_reads_the_reason_and_the_next_slot():
    assert window_text(NOTE, SLOT) == f"{NOTE} Prochain créneau autorisé : {SLOT}."
    assert window_text("", "") == ""


def test_a_send_now_refused_by_the_calendar_is_said_once_in_the_callout():
    shown, error = launch_messages(
        window_text(NOTE, SLOT), OutsideWindow(REFUSED), deferred=False
    )
    assert (shown, error) == (REFUSED, "")
    assert REFUSED not in error


def test_a_refused_deferred_date_is_the_error_line_and_the_callout_stays():
    refused = OutsideWindow("Le dimanche, les SMS commerciaux ne sont pas envoyés.")
    shown, error = launch_messages(window_text(NOTE, SLOT), refused, deferred=True)
    assert shown == window_text(NOTE, SLOT)
    assert error == refused.user_message


def test_any_other_refusal_is_the_error_line():
    for failure in (NotAllowed("Refusé."), GatewayError("Sarbacane ne répond pas.")):
        shown, error = launch_messages(window_text(NOTE, SLOT), failure, False)
        assert (shown, error) == (window_text(NOTE, SLOT), failure.user_message)
