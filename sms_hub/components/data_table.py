"""Tables of rows: header, rows, the message when empty, server-side pager."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx


def data_table(
    columns: Sequence[str | rx.Component],
    rows: rx.Var,
    row: Callable[[rx.Var], rx.Component],
    *,
    size: str = "2",
    variant: str = "surface",
    class_name: str = "",
) -> rx.Component:
    """A column given as text is a plain header cell."""
    cells = [
        rx.table.column_header_cell(column) if isinstance(column, str) else column
        for column in columns
    ]
    return rx.table.root(
        rx.table.header(rx.table.row(*cells)),
        rx.table.body(rx.foreach(rows, row)),
        variant=variant,
        size=size,
        width="100%",
        class_name=class_name,
    )


def paged_table(
    table: rx.Component, pager_: rx.Component, *, has_rows: rx.Var, empty: rx.Component
) -> rx.Component:
    """The table (scrolling sideways if too wide) and its pager, or ``empty``."""
    return rx.cond(
        has_rows,
        rx.vstack(
            rx.box(table, width="100%", overflow_x="auto"),
            pager_,
            width="100%",
            spacing="3",
        ),
        empty,
    )


def empty_message(searching: rx.Var, no_match: str, nothing: str) -> rx.Component:
    """What an empty table says: nothing matches the search, or nothing yet."""
    return rx.cond(
        searching,
        rx.callout(no_match, icon="search-x", color_scheme="gray"),
        rx.callout(nothing, icon="info"),
    )


def count_text(*parts: rx.Var | str) -> rx.Component:
    """The row count beside a pager."""
    return rx.text(*parts, size="2", color_scheme="gray")


def pager(
    count: rx.Component,
    page: rx.Var,
    page_count: rx.Var,
    position: rx.Var,
    go_to: Callable[[rx.Var], rx.event.EventSpec],
    *,
    size: str = "2",
) -> rx.Component:
    """Précédent, Page X sur Y, Suivant; ``go_to(n)`` loads page ``n``.

    ``position`` is the « Page X sur Y » text (``domain.paging.page_position``).
    """
    return rx.hstack(
        count,
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            "Précédent",
            variant="soft",
            size=size,
            disabled=page <= 1,
            on_click=go_to(page - 1),
        ),
        rx.text(position, size="2"),
        rx.button(
            "Suivant",
            rx.icon("chevron-right", size=16),
            variant="soft",
            size=size,
            disabled=page >= page_count,
            on_click=go_to(page + 1),
        ),
        width="100%",
        align="center",
        spacing="3",
        wrap="wrap",
    )


def download_button(
    on_click: rx.EventSpec | rx.EventHandler, label: str = "Exporter (CSV)"
) -> rx.Component:
    """The button that downloads a table's rows (or a report) as CSV."""
    return rx.button(
        rx.icon("download", size=16), label, variant="soft", on_click=on_click
    )
