"""« Données d'un contact »: the page (admins only)."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.layout import (
    page_shell,
    refused_or,
    section_card,
    spinner_until,
)
from sms_hub.components.modal import confirm_dialog
from sms_hub.pages.contact_data.state import QUERY_FIELD_ID, ROUTE, ContactDataState
from sms_hub.services.contact_data import SARBACANE_KEEPS
from sms_hub.state.session import SessionState

TITLE = "Données d'un contact"
S = ContactDataState

__all__ = ["ROUTE", "TITLE", "contact_data_page"]


def _search() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(
                "Numéro de mobile ou adresse e-mail",
                html_for=QUERY_FIELD_ID,
                class_name="field-label",
            ),
            rx.hstack(
                rx.input(
                    id=QUERY_FIELD_ID,
                    name=QUERY_FIELD_ID,
                    value=S.query,
                    on_change=S.set_query,
                    placeholder="06 12 34 56 78 ou prenom.nom@exemple.fr",
                    width="100%",
                    max_width="28em",
                ),
                rx.button(
                    rx.icon("search", size=16),
                    "Rechercher",
                    type="submit",
                    loading=S.searching,
                ),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                S.error != "",
                rx.text(S.error, color_scheme="red", size="2", role="alert"),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.search,
        width="100%",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["kind"]),
        rx.table.cell(row["place"]),
        rx.table.cell(row["status"]),
        rx.table.cell(row["phone"], white_space="nowrap"),
        rx.table.cell(row["email"]),
        rx.table.cell(rx.text(row["first_name"], " ", row["last_name"])),
        rx.table.cell(row["outcome"]),
    )


def _results() -> rx.Component:
    headers = (
        "Type",
        "Liste ou campagne",
        "Statut",
        "Téléphone",
        "E-mail",
        "Nom",
        "Résultat d'envoi",
    )
    return rx.cond(
        S.searched != "",
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(h) for h in headers])
                    ),
                    rx.table.body(rx.foreach(S.rows, _row)),
                    variant="surface",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("download", size=16),
                        "Exporter",
                        variant="soft",
                        on_click=S.export,
                    ),
                    rx.button(
                        rx.icon("trash-2", size=16),
                        "Effacer ce contact",
                        color_scheme="red",
                        on_click=S.ask_erase,
                    ),
                    spacing="3",
                ),
                spacing="4",
                width="100%",
            ),
            rx.text(
                "Aucune donnée n'est conservée pour ce contact.",
                color_scheme="gray",
                size="2",
                role="status",
            ),
        ),
    )


def _body() -> rx.Component:
    return refused_or(
        S.refused,
        spinner_until(
            S.loaded,
            section_card(
                rx.heading("Rechercher un contact", size="4", as_="h2"),
                rx.text(
                    "Retrouvez tout ce que le centre conserve sur une personne "
                    "(listes de contacts, destinataires de campagnes, résultats "
                    "d'envoi) pour lui en donner une copie ou l'effacer.",
                    size="2",
                    color_scheme="gray",
                ),
                _search(),
                rx.cond(
                    S.erased_message != "",
                    rx.callout(
                        S.erased_message,
                        icon="circle-check",
                        color_scheme="green",
                        role="status",
                    ),
                ),
                _results(),
                rx.callout(SARBACANE_KEEPS, icon="info", color_scheme="blue"),
                spacing="4",
                size="3",
            ),
        ),
    )


def _erase_dialog() -> rx.Component:
    return confirm_dialog(
        "Effacer ce contact",
        "Effacer « ",
        S.searched,
        " » de toutes les listes et de tous les brouillons, et l'anonymiser dans "
        "les campagnes envoyées (leurs statistiques restent justes) ? "
        "Attention : l'effacement est définitif. Une demande de STOP reste "
        "respectée. ",
        SARBACANE_KEEPS,
        confirm_label="Effacer définitivement",
        state=S,
    )


def contact_data_page() -> rx.Component:
    return page_shell(
        TITLE, _body(), _erase_dialog(), session=SessionState, section=ROUTE
    )
