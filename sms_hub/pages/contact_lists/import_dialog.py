"""Dialog "Importer un fichier CSV" of a contact list: file, progress, report."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import data_table, download_button
from sms_hub.components.form_field import help_note
from sms_hub.components.modal import close_button, error_callout, modal
from sms_hub.components.upload_zone import upload_zone
from sms_hub.pages.contact_lists.import_state import (
    REPORT_ROWS_SHOWN,
    UPLOAD_ID,
    CsvImportState,
    RejectedRowView,
    ReportCount,
)

S = CsvImportState

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


def _file_picker() -> rx.Component:
    chosen = rx.selected_files(UPLOAD_ID)
    return rx.vstack(
        rx.el.label(
            "Fichier CSV à importer",
            html_for="csv-file-button",
            class_name="field-label",
        ),
        upload_zone(
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
            input_label="Fichier CSV à importer",
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
            " et ",
            S.max_rows_label,
            " lignes.",
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
        rx.table.cell(rx.code(row.value, variant="ghost", word_break="break-all")),
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
                    data_table(
                        ["Ligne", "Motif", "Numéro lu", "Détail"],
                        S.report_rows,
                        _rejected_row,
                        size="1",
                    ),
                    max_height="320px",
                    overflow_y="auto",
                    width="100%",
                ),
                download_button(S.download_report, "Télécharger le rapport (CSV)"),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def import_dialog() -> rx.Component:
    return modal(
        "Importer un fichier CSV",
        error_callout(S.import_error),
        rx.cond(
            S.report_ready,
            _report(),
            rx.cond(S.importing, _progress(), _file_picker()),
        ),
        buttons=[
            close_button(),
            rx.cond(
                S.report_ready,
                rx.button(
                    "Importer un autre fichier",
                    on_click=S.open_import(S.import_list_id, S.import_list_name),
                ),
                rx.button(
                    rx.icon("upload", size=16),
                    "Importer",
                    loading=S.importing,
                    disabled=rx.selected_files(UPLOAD_ID).length() == 0,
                    on_click=S.import_file(rx.upload_files_chunk(upload_id=UPLOAD_ID)),
                ),
            ),
        ],
        description=[
            "Les contacts du fichier sont ajoutés à la liste « ",
            S.import_list_name,
            " ».",
        ],
        open_=S.import_open,
        on_open_change=S.set_import_open,
        width="760px",
    )
