"""The dialog layout every page shares: title, description, body, button row.

``modal`` is a dialog the user may close; ``confirm_dialog`` an alert dialog
(role alertdialog) for a definitive action.
"""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

Content = rx.Component | rx.Var | str


def close_button(label: str = "Fermer") -> rx.Component:
    """The grey button that closes a dialog (never submits its form)."""
    return rx.dialog.close(
        rx.button(label, variant="soft", color_scheme="gray", type="button")
    )


def button_row(*buttons: rx.Component) -> rx.Component:
    return rx.hstack(*buttons, justify="end", spacing="3", width="100%")


def error_callout(message: rx.Var) -> rx.Component:
    """A red alert with ``message``, shown only when there is one."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-alert", color_scheme="red", role="alert"),
    )


def modal(
    title: str | rx.Var,
    *body: rx.Component,
    buttons: Sequence[rx.Component],
    open_: rx.Var,
    on_open_change: rx.EventHandler,
    description: Sequence[Content] = (),
    on_submit: rx.EventHandler | None = None,
    width: str = "640px",
    spacing: str = "4",
) -> rx.Component:
    """A dialog; with ``on_submit`` its body and buttons are one form."""
    content = rx.vstack(
        *body, button_row(*buttons), spacing=spacing, margin_top="1em", width="100%"
    )
    if on_submit is not None:
        content = rx.form(content, on_submit=on_submit, reset_on_submit=False)
    header = [rx.dialog.title(title)]
    if description:
        header.append(
            rx.dialog.description(*description, size="2", color_scheme="gray")
        )
    return rx.dialog.root(
        rx.dialog.content(*header, content, max_width=width),
        open=open_,
        on_open_change=on_open_change,
    )


def confirm_dialog(
    title: str,
    *description: Content,
    confirm_label: str,
    state: type[rx.State],
    keep_label: str = "Annuler",
) -> rx.Component:
    """``description``: the parts of its text; ``state`` mixes in
    ``state.confirm.ConfirmDialogState``."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(rx.text(*description)),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(keep_label, variant="soft", color_scheme="gray")
                ),
                rx.button(
                    confirm_label,
                    color_scheme="red",
                    loading=state.busy,
                    on_click=state.confirm,
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=state.dialog_open,
        on_open_change=state.set_dialog_open,
    )
