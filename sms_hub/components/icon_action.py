"""One icon button per action: its accessible name is its tooltip text.

A disabled action stays visible and greyed; hovering or focusing it tells
why it is not available (the reason comes from ``domain.statuses``).
"""

from __future__ import annotations

import reflex as rx


def _tooltip_text(label: str, enabled: rx.Var, reason: rx.Var) -> rx.Var:
    return rx.cond(enabled, label, label + " — " + reason)


def action_icon_button(
    *,
    icon: str,
    label: str,
    enabled: rx.Var,
    reason: rx.Var,
    on_click: rx.EventHandler | None = None,
    href: rx.Var | None = None,
    color_scheme: str = "gray",
) -> rx.Component:
    """An icon button; with ``href`` it is a link opened in a new tab."""
    button = rx.icon_button(
        rx.icon(icon, size=16),
        aria_label=label,
        title=_tooltip_text(label, enabled, reason),
        disabled=~enabled,
        variant="ghost",
        color_scheme=color_scheme,
        size="2",
        on_click=on_click,
    )
    if href is not None:
        button = rx.cond(
            enabled,
            rx.icon_button(
                rx.el.a(
                    rx.icon(icon, size=16),
                    href=href,
                    target="_blank",
                    rel="noopener noreferrer",
                    aria_label=label,
                    title=label,
                ),
                as_child=True,
                variant="ghost",
                color_scheme=color_scheme,
                size="2",
            ),
            button,
        )
    return rx.tooltip(
        rx.box(button, display="inline-flex"),
        content=_tooltip_text(label, enabled, reason),
    )
