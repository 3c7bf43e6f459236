"""Server-side paging controls: a count, Précédent, Page X sur Y, Suivant."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx


def pager(
    count: rx.Component,
    page: rx.Var,
    page_count: rx.Var,
    go_to: Callable[[rx.Var], rx.event.EventSpec],
    *,
    size: str = "2",
) -> rx.Component:
    """``go_to(n)`` is the state's handler that loads page ``n``."""
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
        rx.text("Page ", page, " sur ", page_count, size="2"),
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
    )
