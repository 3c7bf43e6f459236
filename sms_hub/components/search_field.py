"""Search inputs: the query goes to the server once typing pauses."""

from __future__ import annotations

import reflex as rx

#: Milliseconds of no typing before the search runs.
SEARCH_DEBOUNCE_MS = 300


def search_input(
    value: rx.Var, on_change: rx.EventHandler, *, icon: bool = True, **props: object
) -> rx.Component:
    """A search box; ``props`` name it (``aria_label`` or ``id``) and size it."""
    slot = [rx.input.slot(rx.icon("search", size=16))] if icon else []
    return rx.input(
        *slot,
        value=value,
        on_change=on_change,
        debounce_timeout=SEARCH_DEBOUNCE_MS,
        **props,
    )


def search_field(
    label: str, field_id: str, value: rx.Var, on_change: rx.EventHandler
) -> rx.Component:
    """A search box with its visible label above it."""
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        search_input(value, on_change, id=field_id, width="300px", max_width="100%"),
        spacing="1",
    )
