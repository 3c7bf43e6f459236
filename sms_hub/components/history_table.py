"""The table of an « Historique »: date, user, action, outcome, detail; paged."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from sms_hub.components.data_table import count_text, data_table, pager

COLUMNS = ["Date", "Utilisateur", "Action", "Résultat", "Détail"]


def _outcome(row: rx.Var) -> rx.Component:
    return rx.badge(
        row.outcome, color_scheme=rx.cond(row.failed, "red", "green"), variant="soft"
    )


def _event_row(row: rx.Var) -> rx.Component:
    """``row`` has ``when``, ``who``, ``what``, ``outcome``, ``failed``, ``detail``."""
    return rx.table.row(
        rx.table.cell(rx.text(row.when, white_space="nowrap")),
        rx.table.cell(row.who),
        rx.table.row_header_cell(row.what),
        rx.table.cell(_outcome(row)),
        rx.table.cell(rx.text(row.detail, size="1", color_scheme="gray")),
        align="center",
    )


def event_rows(rows: rx.Var) -> rx.Component:
    """The events ``rows`` as a table, without a pager."""
    return rx.box(
        data_table(COLUMNS, rows, _event_row, size="1"),
        width="100%",
        overflow_x="auto",
    )


def history_table(
    rows: rx.Var,
    total: rx.Var,
    total_label: rx.Var,
    page: rx.Var,
    page_count: rx.Var,
    position: rx.Var,
    go_to: Callable[[rx.Var], rx.event.EventSpec],
    *,
    empty: str,
) -> rx.Component:
    """The events of one page and its pager, or ``empty`` when there is none.

    ``total_label`` and ``position`` are the French texts of the count and of
    « Page X sur Y »."""
    return rx.cond(
        total > 0,
        rx.vstack(
            event_rows(rows),
            pager(
                count_text(
                    total_label, rx.cond(total > 1, " événements", " événement")
                ),
                page,
                page_count,
                position,
                go_to,
                size="1",
            ),
            width="100%",
            spacing="3",
        ),
        rx.callout(empty, icon="info"),
    )
