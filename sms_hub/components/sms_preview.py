"""The SMS as the phone shows it: the sender, then each part in a bubble."""

from __future__ import annotations

import reflex as rx


def _bubble(part: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(part.label, size="1", color_scheme="gray", high_contrast=True),
        rx.text(part.text, size="2", class_name="sms-bubble"),
        spacing="1",
        align="start",
        width="100%",
    )


def phone_preview(
    sender: rx.Var, parts: rx.Var, empty: str | rx.Var, *, title: str
) -> rx.Component:
    """``parts`` (``SmsPart``: label and text, the opt-out mention included)
    under the sender's label; ``empty`` when there is no text."""
    return rx.vstack(
        rx.text(title, class_name="field-label"),
        rx.vstack(
            rx.text(sender, weight="bold", size="2", align="center"),
            rx.cond(
                parts.length() > 0,
                rx.foreach(parts, _bubble),
                rx.text(empty, size="2", color_scheme="gray", high_contrast=True),
            ),
            class_name="phone-preview",
            role="group",
            aria_label="Aperçu du SMS sur le téléphone",
            # It scrolls when the SMS is long: reachable from the keyboard.
            tab_index=0,
            spacing="2",
        ),
        spacing="1",
        align="center",
        class_name="create-preview-column",
    )
