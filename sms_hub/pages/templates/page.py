"""Page « Modèles de SMS »: a centre's reusable texts."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.form_field import form_field, help_note, text_field
from sms_hub.components.icon_action import icon_action
from sms_hub.components.layout import page_shell, section_card, spinner_until
from sms_hub.components.modal import close_button, confirm_dialog, modal
from sms_hub.domain.sms_templates import NAME_MAX_LENGTH, PLACEHOLDERS
from sms_hub.pages.templates.state import (
    DeleteTemplateState,
    EditTemplateState,
    TemplatesState,
)
from sms_hub.services.sms_templates import TemplateView
from sms_hub.state.session import SessionState

TITLE = "Modèles de SMS"
ROUTE = "/modeles"
PLACEHOLDER_HELP = (
    "Champs à compléter à la création de la campagne : "
    + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    + "."
)

E = EditTemplateState


def _row(template: TemplateView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(template.name, weight="medium")),
        rx.table.cell(rx.text(template.content, size="2", white_space="pre-wrap")),
        rx.table.cell(
            rx.hstack(
                icon_action(
                    "pencil",
                    "Modifier le modèle « " + template.name + " »",
                    E.open_edit(template.id, template.name, template.content),
                ),
                icon_action(
                    "trash-2",
                    "Supprimer le modèle « " + template.name + " »",
                    DeleteTemplateState.ask_delete(template.id, template.name),
                    color_scheme="red",
                ),
                spacing="1",
                align="center",
            )
        ),
    )


def _table() -> rx.Component:
    return rx.cond(
        TemplatesState.templates.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Nom"),
                    rx.table.column_header_cell("Texte"),
                    rx.table.column_header_cell("Actions"),
                )
            ),
            rx.table.body(rx.foreach(TemplatesState.templates, _row)),
            variant="surface",
            width="100%",
        ),
        rx.callout("Aucun modèle de SMS. Créez-en un.", icon="info"),
    )


def _edit_dialog() -> rx.Component:
    return modal(
        rx.cond(E.edit_id == 0, "Nouveau modèle de SMS", "Modifier le modèle de SMS"),
        text_field(
            "Nom du modèle",
            "template-name",
            E.edit_name,
            E.set_edit_name,
            error=E.edit_errors["name"],
            max_length=NAME_MAX_LENGTH,
        ),
        form_field(
            "Texte du modèle",
            rx.text_area(
                id="template-content",
                name="template-content",
                value=E.edit_content,
                on_change=E.set_edit_content,
                rows="5",
                size="3",
            ),
            field_id="template-content",
            error=E.edit_errors["content"],
            help_text=help_note(PLACEHOLDER_HELP),
        ),
        buttons=[
            close_button("Annuler"),
            rx.button("Enregistrer le modèle", type="submit", loading=E.saving),
        ],
        description=["Un texte réutilisable pour vos campagnes SMS."],
        on_submit=E.save,
        open_=E.edit_open,
        on_open_change=E.set_edit_open,
    )


def _delete_dialog() -> rx.Component:
    s = DeleteTemplateState
    return confirm_dialog(
        "Supprimer le modèle",
        "Supprimer le modèle « ",
        s.delete_name,
        " » ? Les campagnes déjà créées avec ce modèle ne changent pas.",
        confirm_label="Supprimer le modèle",
        state=s,
    )


def templates_page() -> rx.Component:
    body = section_card(
        rx.vstack(
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=16), "Nouveau modèle", on_click=E.open_new
                ),
                width="100%",
            ),
            spinner_until(TemplatesState.loaded, _table()),
            spacing="4",
            width="100%",
        )
    )
    return page_shell(
        TITLE,
        body,
        _edit_dialog(),
        _delete_dialog(),
        session=SessionState,
        section=ROUTE,
    )
