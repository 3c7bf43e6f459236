"""Page "Listes de contacts": the lists, the selected list's contacts, the CSV import."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import pager
from sms_hub.components.form_field import form_field, help_note
from sms_hub.components.layout import page_shell
from sms_hub.components.modal import confirm_dialog
from sms_hub.pages.contact_lists.import_state import (
    REPORT_ROWS_SHOWN,
    UPLOAD_ID,
    ContactListsState,
    RejectedRowView,
    ReportCount,
)
from sms_hub.services.contact_lists import ContactListRow, ContactRow

ROUTE = "/listes"
TITLE = "Listes de contacts"

S = ContactListsState

FORMAT_HELP = (
    "La première ligne du fichier donne les intitulés des colonnes. Colonne "
    "obligatoire : « Téléphone » (ou « Mobile », « Portable », « Tél. »…). "
    "Colonnes facultatives : « Nom », « Prénom », « Email ». Séparateur "
    "point-virgule, virgule ou tabulation ; fichier enregistré par Excel, "
    "LibreOffice ou en UTF-8. Seuls les numéros de mobile sont importés."
)
ALL_OR_NOTHING_NOTE = (
    "L'import se fait en une fois : si une erreur l'interrompt, aucun contact du "
    "fichier n'est ajouté et la liste reste inchangée."
)


# --- Small pieces -------------------------------------------------------------


def _icon_action(
    icon: str, label: rx.Var | str, on_click: rx.EventSpec, color: str = "gray"
) -> rx.Component:
    """An icon button whose accessible name is its tooltip."""
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=16),
            aria_label=label,
            variant="ghost",
            color_scheme=color,
            size="2",
            on_click=on_click,
        ),
        content=label,
    )


def _labelled_search(
    label: str, field_id: str, value: rx.Var, on_change: rx.EventHandler
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            id=field_id,
            value=value,
            on_change=on_change,
            debounce_timeout=300,
            width="300px",
            max_width="100%",
        ),
        spacing="1",
    )


# --- Lists ----------------------------------------------------------------------


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("plus", size=16),
            "Créer une liste",
            on_click=S.open_create,
            size="3",
        ),
        rx.button(
            rx.link(rx.icon("arrow-left", size=16), "Retour aux campagnes", href="/"),
            as_child=True,
            variant="outline",
            size="3",
        ),
        rx.spacer(),
        _labelled_search(
            "Rechercher une liste", "lists-search", S.lists_search, S.search_lists
        ),
        width="100%",
        align="end",
        spacing="3",
        wrap="wrap",
    )


def _list_actions(row: ContactListRow) -> rx.Component:
    quoted = " « " + row.name + " »"
    return rx.hstack(
        _icon_action("users", "Voir les contacts de" + quoted, S.select_list(row.id)),
        _icon_action(
            "upload",
            "Importer un fichier CSV dans" + quoted,
            S.open_import(row.id, row.name),
        ),
        _icon_action(
            "download",
            "Exporter les contacts de" + quoted + " (CSV)",
            S.export_contacts(row.id, row.name),
        ),
        _icon_action(
            "pencil", "Renommer la liste" + quoted, S.open_rename(row.id, row.name)
        ),
        _icon_action(
            "trash-2",
            "Supprimer la liste" + quoted,
            S.ask_delete(row.id, row.name, row.contact_count),
            color="red",
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
    empty = rx.cond(
        S.lists_search != "",
        rx.callout(
            "Aucune liste ne correspond à cette recherche.",
            icon="search-x",
            color_scheme="gray",
        ),
        rx.callout(
            "Aucune liste de contacts pour le moment. Cliquez sur « Créer une "
            "liste », puis importez un fichier CSV.",
            icon="info",
        ),
    )
    return rx.cond(
        S.lists.length() > 0,
        rx.vstack(
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Nom"),
                            rx.table.column_header_cell("Contacts", text_align="right"),
                            rx.table.column_header_cell("Mise à jour"),
                            rx.table.column_header_cell("Actions"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.lists, _list_row)),
                    variant="surface",
                    size="2",
                    width="100%",
                ),
                width="100%",
                overflow_x="auto",
            ),
            pager(
                rx.text(S.lists_total_label, size="2", color_scheme="gray"),
                S.lists_page,
                S.lists_page_count,
                S.lists_go_to,
            ),
            width="100%",
            spacing="3",
        ),
        rx.cond(S.loaded, empty, rx.spinner(size="3")),
    )


# --- Contacts of the selected list ------------------------------------------------


def _contact_row(contact: ContactRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(contact.last_name),
        rx.table.cell(contact.first_name),
        rx.table.cell(contact.email),
        rx.table.cell(rx.text(contact.phone_label, white_space="nowrap")),
    )


def _contacts_table() -> rx.Component:
    return rx.cond(
        S.contacts.length() > 0,
        rx.vstack(
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Nom"),
                            rx.table.column_header_cell("Prénom"),
                            rx.table.column_header_cell("Email"),
                            rx.table.column_header_cell("Téléphone"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.contacts, _contact_row)),
                    variant="surface",
                    size="1",
                    width="100%",
                ),
                width="100%",
                overflow_x="auto",
            ),
            pager(
                rx.text(S.contacts_total_label, size="2", color_scheme="gray"),
                S.contacts_page,
                S.contacts_page_count,
                S.contacts_go_to,
            ),
            width="100%",
            spacing="3",
        ),
        rx.cond(
            S.contacts_search != "",
            rx.callout(
                "Aucun contact ne correspond à cette recherche.",
                icon="search-x",
                color_scheme="gray",
            ),
            rx.callout(
                "Cette liste ne contient aucun contact. Cliquez sur « Importer un "
                "fichier CSV » pour en ajouter.",
                icon="info",
            ),
        ),
    )


def _contacts_section() -> rx.Component:
    return rx.cond(
        S.selected_id != 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        "Contacts de la liste « ",
                        S.selected_name,
                        " »",
                        size="4",
                        as_="h2",
                    ),
                    rx.spacer(),
                    rx.button(
                        rx.icon("upload", size=16),
                        "Importer un fichier CSV",
                        on_click=S.open_import(S.selected_id, S.selected_name),
                    ),
                    rx.button(
                        rx.icon("download", size=16),
                        "Exporter (CSV)",
                        variant="soft",
                        on_click=S.export_contacts(S.selected_id, S.selected_name),
                    ),
                    _icon_action("x", "Fermer la liste", S.close_list),
                    width="100%",
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                _labelled_search(
                    "Rechercher un contact (nom, email ou numéro)",
                    "contacts-search",
                    S.contacts_search,
                    S.search_contacts,
                ),
                _contacts_table(),
                width="100%",
                spacing="4",
            ),
            width="100%",
        ),
    )


# --- Dialogs ------------------------------------------------------------------------


def _name_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.name_dialog_title),
            rx.form(
                rx.vstack(
                    form_field(
                        "Nom de la liste",
                        rx.input(
                            id="list-name",
                            name="list-name",
                            value=S.name_value,
                            on_change=S.set_name_value,
                            placeholder="Ex. : Stagiaires session de janvier",
                            max_length=200,
                            size="3",
                            auto_focus=True,
                        ),
                        field_id="list-name",
                        error=S.name_error,
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                "Annuler",
                                variant="soft",
                                color_scheme="gray",
                                type="button",
                            )
                        ),
                        rx.button(
                            rx.cond(S.name_list_id != 0, "Renommer", "Créer la liste"),
                            type="submit",
                            loading=S.saving,
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="4",
                    margin_top="1em",
                ),
                on_submit=S.submit_name,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=S.name_open,
        on_open_change=S.set_name_open,
    )


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        "Supprimer la liste",
        rx.text(
            "Supprimer la liste « ",
            S.delete_name,
            " » et ses ",
            S.delete_count_label,
            " ? Attention : toute suppression est définitive. Les "
            "campagnes qui ont déjà importé ces contacts les conservent.",
        ),
        confirm_label="Supprimer définitivement",
        on_confirm=S.confirm_delete,
        busy=S.deleting,
        open_=S.delete_open,
        on_open_change=S.set_delete_open,
    )


def _file_picker() -> rx.Component:
    chosen = rx.selected_files(UPLOAD_ID)
    return rx.vstack(
        rx.el.label(
            "Fichier CSV à importer",
            html_for="csv-file-button",
            class_name="field-label",
        ),
        rx.upload(
            rx.vstack(
                rx.icon("file-spreadsheet", size=28, color=rx.color("gray", 10)),
                rx.text("Glissez-déposez le fichier ici, ou", size="2"),
                rx.button(
                    "Choisir un fichier…",
                    id="csv-file-button",
                    type="button",
                    variant="soft",
                    aria_describedby="csv-file-chosen csv-file-help",
                ),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            multiple=False,
            max_files=1,
            max_size=S.max_upload_bytes,
            accept={
                "text/csv": [".csv"],
                "text/plain": [".txt", ".csv"],
                "application/vnd.ms-excel": [".csv"],
            },
            no_keyboard=True,
            on_drop_rejected=S.file_refused,
            border=f"1px dashed {rx.color('gray', 8)}",
            border_radius="var(--radius-3)",
            padding="1.5em",
            width="100%",
        ),
        rx.text(
            rx.cond(
                chosen.length() > 0,
                "Fichier choisi : " + chosen.join(", "),
                "Aucun fichier choisi.",
            ),
            id="csv-file-chosen",
            size="2",
            aria_live="polite",
        ),
        rx.text(
            FORMAT_HELP,
            " Taille maximale : ",
            S.max_upload_label,
            ".",
            id="csv-file-help",
            size="1",
            color_scheme="gray",
        ),
        help_note(ALL_OR_NOTHING_NOTE),
        spacing="2",
        width="100%",
    )


def _progress() -> rx.Component:
    return rx.vstack(
        rx.text(S.import_progress_label, size="2", role="status"),
        rx.progress(
            value=S.import_percent,
            max=100,
            aria_label="Progression de l'import",
            width="100%",
        ),
        help_note(
            "Vous pouvez fermer cette fenêtre : l'import continue et la liste se met "
            "à jour à la fin."
        ),
        spacing="2",
        width="100%",
    )


def _count(count: ReportCount) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(count.label),
        rx.data_list.value(rx.badge(count.value, color_scheme=count.colour, size="2")),
    )


def _rejected_row(row: RejectedRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.line, text_align="right"),
        rx.table.cell(row.label),
        rx.table.cell(rx.code(row.value, variant="ghost")),
        rx.table.cell(row.detail),
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.callout(
            S.report_title, icon="circle-check", color_scheme="green", role="status"
        ),
        rx.data_list.root(
            rx.foreach(S.report_counts, _count), orientation="horizontal"
        ),
        rx.cond(
            S.report_rejected > 0,
            rx.vstack(
                rx.heading("Lignes non importées", size="3", as_="h3"),
                rx.cond(
                    S.report_rejected > REPORT_ROWS_SHOWN,
                    help_note(
                        f"Les {REPORT_ROWS_SHOWN} premières lignes sont affichées ; "
                        "le rapport complet est dans le fichier CSV."
                    ),
                ),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Ligne"),
                                rx.table.column_header_cell("Motif"),
                                rx.table.column_header_cell("Numéro lu"),
                                rx.table.column_header_cell("Détail"),
                            )
                        ),
                        rx.table.body(rx.foreach(S.report_rows, _rejected_row)),
                        size="1",
                        variant="surface",
                        width="100%",
                    ),
                    max_height="320px",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.button(
                    rx.icon("download", size=16),
                    "Télécharger le rapport (CSV)",
                    variant="soft",
                    on_click=S.download_report,
                ),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Importer un fichier CSV"),
            rx.dialog.description(
                "Les contacts du fichier sont ajoutés à la liste « ",
                S.import_list_name,
                " ».",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                rx.cond(
                    S.import_error != "",
                    rx.callout(
                        S.import_error,
                        icon="circle-alert",
                        color_scheme="red",
                        role="alert",
                    ),
                ),
                rx.cond(
                    S.report_ready,
                    _report(),
                    rx.cond(S.importing, _progress(), _file_picker()),
                ),
                rx.hstack(
                    rx.dialog.close(
                        rx.button("Fermer", variant="soft", color_scheme="gray")
                    ),
                    rx.cond(
                        S.report_ready,
                        rx.button(
                            "Importer un autre fichier",
                            on_click=S.open_import(
                                S.import_list_id, S.import_list_name
                            ),
                        ),
                        rx.button(
                            rx.icon("upload", size=16),
                            "Importer",
                            loading=S.importing,
                            disabled=rx.selected_files(UPLOAD_ID).length() == 0,
                            on_click=S.import_file(
                                rx.upload_files_chunk(upload_id=UPLOAD_ID)
                            ),
                        ),
                    ),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="4",
                margin_top="1em",
            ),
            max_width="760px",
        ),
        open=S.import_open,
        on_open_change=S.set_import_open,
    )


def contact_lists_page() -> rx.Component:
    return page_shell(
        TITLE,
        rx.vstack(
            _toolbar(),
            _lists_table(),
            _contacts_section(),
            width="100%",
            spacing="5",
        ),
        _name_dialog(),
        _delete_dialog(),
        _import_dialog(),
        session=S,
        section=ROUTE,
    )
