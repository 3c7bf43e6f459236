"""A labelled form control with its help text and error message under it."""

from __future__ import annotations

import reflex as rx


def form_field(
    label: str,
    control: rx.Component,
    *,
    field_id: str,
    error: rx.Var,
    help_text: rx.Component | None = None,
) -> rx.Component:
    """``control`` must carry ``id=field_id`` so the label names it."""
    children = [
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        control,
    ]
    if help_text is not None:
        children.append(help_text)
    children.append(
        rx.cond(
            error != "",
            rx.text(
                error,
                size="1",
                color_scheme="red",
                role="alert",
                id=f"{field_id}-error",
            ),
        )
    )
    return rx.vstack(*children, spacing="1", width="100%", align="stretch")


def text_field(
    label: str,
    field_id: str,
    value: rx.Var,
    on_change: rx.EventHandler,
    *,
    error: rx.Var,
    help_text: rx.Component | None = None,
    **input_props: object,
) -> rx.Component:
    """A labelled one-line text input, named ``field_id`` in its form."""
    control = rx.input(
        id=field_id,
        name=field_id,
        value=value,
        on_change=on_change,
        size="3",
        **input_props,
    )
    return form_field(
        label, control, field_id=field_id, error=error, help_text=help_text
    )


def help_note(text: str) -> rx.Component:
    return rx.text(text, size="1", color_scheme="gray")


def checkbox_row(checkbox: rx.Component, *label: rx.Component) -> rx.Component:
    """A checkbox or radio item and its label, clickable as one (its name)."""
    return rx.el.label(rx.hstack(checkbox, *label, spacing="2", align="center"))
