"""A confirmation dialog (role alertdialog) for a definitive action."""

from __future__ import annotations

import reflex as rx


def confirm_dialog(
    title: str,
    description: rx.Component,
    *,
    confirm_label: str,
    on_confirm: rx.EventHandler,
    busy: rx.Var,
    open_: rx.Var,
    on_open_change: rx.EventHandler,
    keep_label: str = "Annuler",
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(keep_label, variant="soft", color_scheme="gray")
                ),
                rx.button(
                    confirm_label,
                    color_scheme="red",
                    loading=busy,
                    on_click=on_confirm,
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=open_,
        on_open_change=on_open_change,
    )
