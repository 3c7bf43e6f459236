"""Modal "Lancer ou planifier l'envoi de la campagne" and its state."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from sms_hub.components.form_field import checkbox_row
from sms_hub.components.modal import close_button, error_callout, modal
from sms_hub.domain import calendar
from sms_hub.domain.campaign import NO_STOP_LIST_CONFIRM
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.rate_limit import SARBACANE_READS
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import sending
from sms_hub.services.errors import OutsideWindow, ServiceError


def window_text(note: str, slot: str) -> str:
    """The calendar's callout: why a send now is not allowed, and the next slot."""
    return f"{note} Prochain créneau autorisé : {slot}." if note else ""


def launch_messages(shown: str, error: ServiceError, deferred: bool) -> tuple[str, str]:
    """(the calendar's callout, the red error line) after a refused launch.

    A send now refused by the sending calendar says so in the callout (the
    refusal's fresher wording), not a second time in red; any other refusal,
    or a deferred date refused, is the error line.
    """
    if isinstance(error, OutsideWindow) and not deferred:
        return error.user_message, ""
    return shown, error.user_message


class LaunchState(CampaignModalState, rx.State):
    """« Lancer ou planifier l'envoi de la campagne »."""

    launch_open: bool = False
    recipients: str = ""
    exclusions: str = ""
    parts: int = 0
    encoding: str = ""
    credits_needed: str = ""
    credits_left: str = ""
    relaunch_warning: str = ""
    window_note: str = ""
    #: The calendar's callout (``window_text``), red once a send now was refused.
    window_message: str = ""
    window_refused: bool = False
    next_slot: str = ""
    next_slot_date: str = ""
    next_slot_time: str = ""
    deferred: bool = False
    send_date: str = ""
    send_time: str = ""
    timezone: str = "Europe/Paris"
    time_label: str = "Heure d'envoi (heure de Paris)"
    launch_error: str = ""
    launching: bool = False
    #: An SMS Marketing without the STOP list: the risk, and the user's consent.
    stop_list_warning: str = ""
    stop_list_confirmed: bool = False
    #: A campaign made in Sarbacane whose SMS text Hub3E does not see.
    no_template_warning: str = ""
    #: « 3 destinataires désinscrits ne recevront pas ce SMS » (or empty).
    unsubscribed_message: str = ""

    @rx.event
    async def open_launch(self, campaign_id: int, name: str):
        if refused := await self._too_fast(SARBACANE_READS):
            yield refused
            return
        self._target(campaign_id, name)
        self.launch_error, self.deferred = "", False
        self.send_date = self.send_time = ""
        self.stop_list_confirmed = False
        try:
            preview = await sending.preview((await self._actor()), campaign_id)
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        self.recipients = number_fr(preview.recipients)
        self.exclusions = ", ".join(preview.exclusions) or "aucune"
        self.parts, self.encoding = preview.parts, preview.encoding
        self.credits_needed = (
            f"{number_fr(preview.credits_needed)} crédits SMS"
            if preview.credits_needed is not None
            else "inconnus (le texte du SMS n'est pas visible depuis Hub3E)"
        )
        self.credits_left = (
            number_fr(preview.credits_left)
            if preview.credits_left is not None
            else "inconnu"
        )
        self.relaunch_warning = preview.relaunch_warning
        self.stop_list_warning = preview.stop_list_warning
        self.no_template_warning = preview.no_template_warning
        self.unsubscribed_message = preview.unsubscribed_message
        self.window_note, self.next_slot = preview.window_note, preview.next_slot
        self.window_message = window_text(preview.window_note, preview.next_slot)
        self.window_refused = False
        self.timezone = preview.timezone
        self.time_label = (
            f"Heure d'envoi ({calendar.LOCAL_TIME_LABELS[preview.timezone]})"
        )
        slot = preview.next_slot_local
        self.next_slot_date = slot.date().isoformat() if slot else ""
        self.next_slot_time = slot.strftime("%H:%M") if slot else ""
        self.launch_open = True

    @rx.event
    def set_launch_open(self, is_open: bool):
        if not self.launching:
            self.launch_open = is_open

    @rx.event
    def set_stop_list_confirmed(self, checked: bool):
        self.stop_list_confirmed = checked

    @rx.event
    def set_deferred(self, checked: bool):
        self.deferred = checked

    @rx.event
    def set_send_date(self, value: str):
        self.send_date = value

    @rx.event
    def set_send_time(self, value: str):
        self.send_time = value

    @rx.event
    def use_next_slot(self):
        """Fill the date and time with the next allowed slot (one click)."""
        self.deferred = True
        self.send_date, self.send_time = self.next_slot_date, self.next_slot_time

    def _when_utc(self) -> datetime | None:
        if not self.deferred:
            return None
        if not self.send_date or not self.send_time:
            raise ValueError("Indiquez la date et l'heure du lancement différé.")
        try:
            local = datetime.fromisoformat(f"{self.send_date}T{self.send_time}")
        except ValueError as error:
            raise ValueError("La date ou l'heure saisie n'est pas valide.") from error
        return calendar.to_utc(local, self.timezone)

    @rx.event
    async def confirm_launch(self):
        if self.launching or not self.launch_open:
            return  # a click on a dialog closed meanwhile: nothing to do
        try:
            when = self._when_utc()
        except ValueError as error:
            self.launch_error = str(error)
            return
        self.launching, self.launch_error = True, ""
        yield
        try:
            done = await sending.launch(
                (await self._actor()),
                self.campaign_id,
                when,
                without_stop_list_confirmed=self.stop_list_confirmed,
            )
        except ServiceError as error:
            shown, self.launch_error = launch_messages(
                self.window_message, error, self.deferred
            )
            self.window_refused = self.window_refused or not self.launch_error
            self.window_message = shown
            self.launching = False
            return
        self.launching = False
        self.launch_open = False
        if done:  # else another tab or click launched it, and told the centre
            await self._changed()
            yield rx.toast.success(
                f"La campagne « {self.campaign_name} » est planifiée."
                if when
                else f"L'envoi de la campagne « {self.campaign_name} » est lancé."
            )


def _fact(label: str, value: rx.Component | rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _facts() -> rx.Component:
    s = LaunchState
    return rx.data_list.root(
        _fact("Destinataires", s.recipients),
        _fact("Listes d'exclusion", s.exclusions),
        _fact("SMS par message", rx.text(s.parts, " (encodage ", s.encoding, ")")),
        _fact("Crédits estimés", s.credits_needed),
        _fact("Crédits restants", s.credits_left),
        size="2",
    )


def _stop_list_warning() -> rx.Component:
    """The risk of an SMS Marketing without the STOP list, and its consent box."""
    s = LaunchState
    return rx.cond(
        s.stop_list_warning != "",
        rx.callout(
            rx.vstack(
                rx.text(s.stop_list_warning),
                checkbox_row(
                    rx.checkbox(
                        checked=s.stop_list_confirmed,
                        on_change=s.set_stop_list_confirmed,
                        aria_label=NO_STOP_LIST_CONFIRM,
                    ),
                    rx.text(NO_STOP_LIST_CONFIRM),
                ),
                spacing="2",
            ),
            icon="shield-alert",
            color_scheme="red",
        ),
    )


def _window_note() -> rx.Component:
    s = LaunchState
    return rx.cond(
        s.window_message != "",
        rx.callout(
            rx.vstack(
                rx.cond(
                    s.window_refused,
                    rx.text(s.window_message, role="alert"),
                    rx.text(s.window_message),
                ),
                rx.button(
                    "Planifier au prochain créneau",
                    size="1",
                    variant="soft",
                    on_click=s.use_next_slot,
                ),
                spacing="2",
            ),
            icon="clock",
            color_scheme=rx.cond(s.window_refused, "red", "amber"),
        ),
    )


def _when_field(
    label: str | rx.Var,
    field_id: str,
    kind: str,
    value: rx.Var,
    on_change: rx.EventHandler,
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        rx.input(id=field_id, type=kind, value=value, on_change=on_change),
        spacing="1",
    )


def _deferral() -> rx.Component:
    s = LaunchState
    return rx.fragment(
        checkbox_row(
            rx.checkbox(
                checked=s.deferred,
                on_change=s.set_deferred,
                aria_label="Lancement différé de la campagne",
            ),
            rx.text("Lancement différé de la campagne"),
        ),
        rx.cond(
            s.deferred,
            rx.hstack(
                _when_field(
                    "Date d'envoi", "send-date", "date", s.send_date, s.set_send_date
                ),
                _when_field(
                    s.time_label,
                    "send-time",
                    "time",
                    s.send_time,
                    s.set_send_time,
                ),
                spacing="4",
            ),
        ),
    )


def launch_modal() -> rx.Component:
    s = LaunchState
    return modal(
        "Lancer ou planifier l'envoi",
        rx.cond(
            s.relaunch_warning != "",
            rx.callout(s.relaunch_warning, icon="triangle-alert", color_scheme="amber"),
        ),
        rx.cond(
            s.no_template_warning != "",
            rx.callout(
                s.no_template_warning,
                icon="triangle-alert",
                color_scheme="amber",
                class_name="no-template-warning",
            ),
        ),
        _facts(),
        rx.cond(
            s.unsubscribed_message != "",
            rx.callout(s.unsubscribed_message, icon="user-x", color_scheme="blue"),
        ),
        _stop_list_warning(),
        _window_note(),
        _deferral(),
        error_callout(s.launch_error),
        buttons=[
            close_button("Annuler"),
            rx.button(
                rx.cond(s.deferred, "Planifier la campagne", "Lancer la campagne"),
                on_click=s.confirm_launch,
                loading=s.launching,
                disabled=(s.stop_list_warning != "") & ~s.stop_list_confirmed,
            ),
        ],
        description=["Campagne « ", s.campaign_name, " »"],
        open_=s.launch_open,
        on_open_change=s.set_launch_open,
        width="600px",
    )
