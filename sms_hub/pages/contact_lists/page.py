"""Page "Listes de contacts": the lists, the selected list's contacts, the CSV import."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import (
    count_text,
    data_table,
    download_button,
    empty_message,
    paged_table,
    pager,
)
from sms_hub.components.icon_action import icon_action
from sms_hub.components.layout import page_shell, section_card, spinner_until
from sms_hub.components.search_field import search_field
from sms_hub.components.unsubscribed import unsubscribed_badge, unsubscribed_filter
from sms_hub.pages.contact_lists.contacts_state import ContactsState
from sms_hub.pages.contact_lists.delete_dialog import DeleteListState, delete_dialog
from sms_hub.pages.contact_lists.history_dialog import (
    TITLE as HISTORY_TITLE,
)
from sms_hub.pages.contact_lists.history_dialog import (
    ListsHistoryState,
    lists_history_dialog,
)
from sms_hub.pages.contact_lists.import_dialog import import_dialog
from sms_hub.pages.contact_lists.import_state import CsvImportState
from sms_hub.pages.contact_lists.lists_state import ContactListsState
from sms_hub.pages.contact_lists.name_dialog import ListNameState, name_dialog
from sms_hub.services.contact_lists import ContactListRow, ContactRow
from sms_hub.state.session import SessionState

ROUTE = "/listes"
TITLE = "Listes de contacts"

S = ContactsState
L = ContactListsState


# --- Lists ----------------------------------------------------------------------


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("plus", size=16),
            "Créer une liste",
            on_click=ListNameState.open_create,
            size="3",
        ),
        rx.button(
            rx.link(rx.icon("arrow-left", size=16), "Retour aux campagnes", href="/"),
            as_child=True,
            variant="outline",
            size="3",
        ),
        rx.button(
            rx.icon("history", size=16),
            HISTORY_TITLE,
            on_click=ListsHistoryState.open_history,
            variant="outline",
            size="3",
        ),
        rx.spacer(),
        search_field(
            "Rechercher une liste", "lists-search", L.lists_search, L.search_lists
        ),
        width="100%",
        align="end",
        spacing="3",
        wrap="wrap",
    )


def _list_actions(row: ContactListRow) -> rx.Component:
    quoted = " « " + row.name + " »"
    return rx.hstack(
        icon_action("users", "Voir les contacts de" + quoted, S.select_list(row.id)),
        icon_action(
            "upload",
            "Importer un fichier CSV dans" + quoted,
            CsvImportState.open_import(row.id, row.name),
        ),
        icon_action(
            "download",
            "Exporter les contacts de" + quoted + " (CSV)",
            S.export_contacts(row.id, row.name),
        ),
        icon_action(
            "pencil",
            "Renommer la liste" + quoted,
            ListNameState.open_rename(row.id, row.name),
        ),
        icon_action(
            "trash-2",
            "Supprimer la liste" + quoted,
            DeleteListState.ask_delete(row.id, row.name, row.contact_count),
            color_scheme="red",
        ),
        spacing="1",
        wrap="nowrap",
    )


def _list_row(row: ContactListRow) -> rx.Component:
    is_selected = row.id == S.selected_id
    return rx.table.row(
        rx.table.row_header_cell(
            rx.el.button(
                rx.text(row.name, weight="medium"),
                on_click=S.select_list(row.id),
                class_name="sort-button",
                aria_pressed=rx.cond(is_selected, "true", "false"),
                title="Voir les contacts de la liste",
            )
        ),
        rx.table.cell(row.contact_count_label, text_align="right"),
        rx.table.cell(row.updated_at),
        rx.table.cell(_list_actions(row)),
        align="center",
        background=rx.cond(is_selected, rx.color("accent", 3), "transparent"),
    )


def _lists_table() -> rx.Component:
    columns = [
        "Nom",
        rx.table.column_header_cell("Contacts", text_align="right"),
        "Mise à jour",
        "Actions",
    ]
    return paged_table(
        data_table(columns, L.lists, _list_row),
        pager(
            count_text(L.lists_total_label),
            L.page,
            L.page_count,
            L.page_label,
            L.go_to_page,
        ),
        has_rows=L.lists.length() > 0,
        empty=spinner_until(
            L.loaded,
            empty_message(
                L.lists_search != "",
                "Aucune liste ne correspond à cette recherche.",
                "Aucune liste de contacts pour le moment. Cliquez sur « Créer une "
                "liste », puis importez un fichier CSV.",
            ),
        ),
    )


# --- Contacts of the selected list ------------------------------------------------


def _contact_row(contact: ContactRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(contact.last_name),
        rx.table.cell(contact.first_name),
        rx.table.cell(contact.email),
        rx.table.cell(rx.text(contact.phone_label, white_space="nowrap")),
        rx.table.cell(unsubscribed_badge(contact.unsubscribed)),
    )


def _contacts_table() -> rx.Component:
    return paged_table(
        data_table(
            ["Nom", "Prénom", "Email", "Téléphone", "Désinscription"],
            S.contacts,
            _contact_row,
            size="1",
        ),
        pager(
            count_text(S.contacts_total_label),
            S.page,
            S.page_count,
            S.page_label,
            S.go_to_page,
        ),
        has_rows=S.contacts.length() > 0,
        empty=empty_message(
            (S.contacts_search != "") | S.only_unsubscribed,
            "Aucun contact ne correspond à cette recherche.",
            "Cette liste ne contient aucun contact. Cliquez sur « Importer un "
            "fichier CSV » pour en ajouter.",
        ),
    )


def _contacts_header() -> rx.Component:
    return rx.hstack(
        rx.heading(
            "Contacts de la liste « ", S.selected_name, " »", size="4", as_="h2"
        ),
        rx.spacer(),
        rx.button(
            rx.icon("upload", size=16),
            "Importer un fichier CSV",
            on_click=CsvImportState.open_import(S.selected_id, S.selected_name),
        ),
        download_button(S.export_contacts(S.selected_id, S.selected_name)),
        icon_action("x", "Fermer la liste", S.close_list),
        width="100%",
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _contacts_section() -> rx.Component:
    return rx.cond(
        S.selected_id != 0,
        section_card(
            _contacts_header(),
            rx.hstack(
                rx.box(
                    search_field(
                        "Rechercher un contact (nom, email ou numéro)",
                        "contacts-search",
                        S.contacts_search,
                        S.search_contacts,
                    ),
                    flex_grow="1",
                ),
                unsubscribed_filter(
                    "contacts-unsubscribed", S.only_unsubscribed, S.filter_unsubscribed
                ),
                width="100%",
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            _contacts_table(),
            spacing="4",
        ),
    )


def _unsubscribes_line() -> rx.Component:
    """The unsubscribe list's age, and « Actualiser » (read it now)."""
    return rx.hstack(
        rx.icon("user-x", size=16, aria_hidden="true"),
        rx.text(S.unsubscribes_label, size="2", color_scheme="gray"),
        rx.button(
            rx.icon("refresh-cw", size=14),
            "Actualiser",
            on_click=S.refresh_unsubscribes,
            loading=S.refreshing_unsubscribes,
            aria_label="Actualiser la liste des désinscrits",
            variant="soft",
            size="1",
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def contact_lists_page() -> rx.Component:
    return page_shell(
        TITLE,
        rx.vstack(
            _toolbar(),
            _unsubscribes_line(),
            _lists_table(),
            _contacts_section(),
            width="100%",
            spacing="5",
        ),
        name_dialog(),
        delete_dialog(),
        import_dialog(),
        lists_history_dialog(),
        session=SessionState,
        section=ROUTE,
    )
