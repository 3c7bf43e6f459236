"""« Paramètres du centre »: the page, read top to bottom like its layout."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.form_field import (
    checkbox_row,
    form_field,
    help_note,
    text_field,
)
from sms_hub.components.layout import (
    page_shell,
    refused_or,
    section_card,
    spinner_until,
)
from sms_hub.domain.calendar import TIMEZONES
from sms_hub.domain.centre_settings import DAY_LABELS
from sms_hub.domain.retention import RETENTION_HELP
from sms_hub.domain.sender import SENDER_HELP
from sms_hub.pages.settings.state import (
    ACCOUNT_FIELD_ID,
    KEY_FIELD_ID,
    ROUTE,
    SettingsState,
)
from sms_hub.state.session import SessionState

TITLE = "Paramètres du centre"
S = SettingsState


def _section(title: str, *children: rx.Component) -> rx.Component:
    return section_card(
        rx.heading(title, size="4", as_="h2"), *children, spacing="4", size="3"
    )


def _key_status() -> rx.Component:
    return rx.cond(
        S.key_configured_on != "",
        rx.hstack(
            rx.icon("key-round", size=14, color=rx.color("green", 11)),
            rx.text(
                "Clé d'API configurée le ",
                S.key_configured_on,
                ". Laissez le champ vide pour la conserver.",
                size="1",
                color_scheme="green",
            ),
            spacing="1",
            align="center",
            id="api-key-status",
        ),
        rx.text(
            "Aucune clé d'API n'est configurée.",
            size="1",
            color_scheme="gray",
            id="api-key-status",
        ),
    )


def _connection_result() -> rx.Component:
    return rx.cond(
        S.connection_message != "",
        rx.callout(
            S.connection_message,
            icon=rx.cond(S.connection_ok, "circle-check", "circle-x"),
            color_scheme=rx.cond(S.connection_ok, "green", "red"),
            role="status",
            size="1",
        ),
    )


def _account_section() -> rx.Component:
    return _section(
        "Compte Sarbacane",
        form_field(
            "Identifiant du compte Sarbacane",
            rx.input(
                id=ACCOUNT_FIELD_ID,
                name="account_id",
                value=S.account_id,
                on_change=S.set_account_id,
                autocomplete="off",
                size="3",
            ),
            field_id=ACCOUNT_FIELD_ID,
            error=S.errors.get("account_id", ""),
        ),
        form_field(
            "Clé d'API Sarbacane",
            rx.input(
                id=KEY_FIELD_ID,
                name="api_key",
                type="password",
                autocomplete="new-password",
                placeholder="Saisissez une nouvelle clé pour la remplacer",
                size="3",
            ),
            field_id=KEY_FIELD_ID,
            error=S.errors.get("api_key", ""),
            help_text=_key_status(),
        ),
        rx.hstack(
            rx.button(
                rx.icon("plug-zap", size=16),
                "Tester la connexion",
                type="button",
                variant="outline",
                on_click=S.test_connection,
                disabled=S.busy,
                size="2",
            ),
        ),
        _connection_result(),
    )


def _day_box(day: int, label: str) -> rx.Component:
    return checkbox_row(
        rx.checkbox(
            checked=S.days[day],
            on_change=lambda value: S.set_day(day, value),
            aria_label=label,
        ),
        rx.text(label, size="2"),
    )


def _window_section() -> rx.Component:
    return _section(
        "Envoi des SMS Marketing",
        rx.vstack(
            rx.text("Jours d'envoi", class_name="field-label", id="days-label"),
            rx.hstack(
                *[_day_box(day, label) for day, label in enumerate(DAY_LABELS)],
                spacing="4",
                wrap="wrap",
                role="group",
                aria_labelledby="days-label",
            ),
            rx.cond(
                S.errors.get("sending_days", "") != "",
                rx.text(S.errors["sending_days"], size="1", color_scheme="red"),
            ),
            spacing="1",
            width="100%",
        ),
        rx.hstack(
            text_field(
                "Début de la plage d'envoi",
                "window-start",
                S.window_start,
                S.set_window_start,
                error=S.errors.get("window", ""),
                type="time",
            ),
            text_field(
                "Fin de la plage d'envoi",
                "window-end",
                S.window_end,
                S.set_window_end,
                error="",
                type="time",
            ),
            spacing="4",
            width="100%",
        ),
        help_note(
            "Les SMS commerciaux sont envoyés du lundi au samedi, hors jours "
            "fériés, dans une plage comprise entre 08h00 et 22h00 au plus large."
        ),
        form_field(
            "Fuseau horaire",
            rx.el.select(
                *[
                    rx.el.option(label, value=zone)
                    for zone, (label, _subdivision) in TIMEZONES.items()
                ],
                id="timezone",
                name="timezone",
                value=S.timezone,
                on_change=S.set_timezone,
                class_name="native-select",
            ),
            field_id="timezone",
            error=S.errors.get("timezone", ""),
            help_text=help_note(
                "Les dates d'envoi sont saisies et affichées dans ce fuseau ; "
                "les jours fériés du département d'outre-mer s'appliquent."
            ),
        ),
        checkbox_row(
            rx.checkbox(
                checked=S.alsace_moselle,
                on_change=S.set_alsace_moselle,
                aria_label="Jours fériés d'Alsace-Moselle",
            ),
            rx.text(
                "Jours fériés d'Alsace-Moselle (Vendredi saint, 26 décembre)", size="2"
            ),
        ),
    )


def _message_section() -> rx.Component:
    return _section(
        "Contenu des SMS",
        text_field(
            "Libellé d'expéditeur par défaut",
            "default-sender",
            S.default_sender,
            S.set_default_sender,
            error=S.errors.get("default_sender", ""),
            help_text=help_note(SENDER_HELP),
            max_length=11,
        ),
        text_field(
            "Mention de désinscription",
            "opt-out-mention",
            S.mention,
            S.set_mention,
            error=S.errors.get("opt_out_mention", ""),
            help_text=help_note(
                "Ajoutée à la fin de chaque SMS Marketing, par exemple "
                "« STOP au 36111 »."
            ),
            max_length=40,
        ),
    )


def _retention_section() -> rx.Component:
    return _section(
        "Durée de conservation",
        text_field(
            "Durée de conservation (mois après la dernière campagne reçue)",
            "retention-months",
            S.retention_months,
            S.set_retention_months,
            error=S.errors.get("retention_months", ""),
            help_text=help_note(RETENTION_HELP),
            input_mode="numeric",
            max_length=3,
        ),
        rx.text(
            S.retention_last_run,
            size="2",
            color_scheme="gray",
            high_contrast=True,
            id="retention-last-run",
        ),
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("save", size=16),
            "Enregistrer",
            type="submit",
            loading=S.busy,
            size="3",
        ),
        rx.cond(
            S.saved_message != "",
            rx.text(
                S.saved_message,
                color_scheme="green",
                high_contrast=True,
                role="status",
                size="2",
            ),
        ),
        rx.cond(
            S.errors.get("form", "") != "",
            rx.text(S.errors["form"], color_scheme="red", role="alert", size="2"),
        ),
        spacing="4",
        align="center",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _account_section(),
            _window_section(),
            _message_section(),
            _retention_section(),
            _actions(),
            spacing="5",
            width="100%",
            max_width="760px",
        ),
        on_submit=S.save,
        reset_on_submit=False,
        width="100%",
    )


def _body() -> rx.Component:
    return refused_or(S.refused, spinner_until(S.loaded, _form()))


def settings_page() -> rx.Component:
    return page_shell(TITLE, _body(), session=SessionState, section=ROUTE)
