"""One icon button per action: its accessible name is its tooltip text.

An action that may be unavailable gets ``enabled`` and ``reason``: it stays
visible and greyed, and hovering or focusing it tells why (the reason comes
from ``domain.statuses``).
"""

from __future__ import annotations

import reflex as rx
from reflex_components_radix.themes.components.icon_button import (
    RADIX_TO_LUCIDE_SIZE,
)

SIZE = "2"
#: The icon size ``rx.icon_button(size=SIZE)`` gives its icon child. A link
#: rendered through ``as_child`` is not resized that way, so it is given the
#: same size itself: same icon, same box, same line as its neighbours.
ICON_PX = RADIX_TO_LUCIDE_SIZE[SIZE]


def _tooltip_text(label: str, enabled: rx.Var, reason: rx.Var) -> rx.Var:
    return rx.cond(enabled, label, label + " — " + reason)


def _icon_button(
    content: rx.Component, color_scheme: str, **props: object
) -> rx.Component:
    return rx.icon_button(
        content, variant="ghost", color_scheme=color_scheme, size=SIZE, **props
    )


def _new_tab_link(icon: str, label: str, href: rx.Var, color_scheme: str):
    anchor = rx.el.a(
        rx.icon(icon, size=ICON_PX),
        href=href,
        target="_blank",
        rel="noopener noreferrer",
        aria_label=label,
        title=label,
    )
    return _icon_button(anchor, color_scheme, as_child=True)


def icon_action(
    icon: str,
    label: str | rx.Var,
    on_click: rx.EventSpec | None = None,
    *,
    enabled: rx.Var | None = None,
    reason: rx.Var | None = None,
    href: rx.Var | None = None,
    color_scheme: str = "gray",
) -> rx.Component:
    """An icon button; with ``href`` it is a link opened in a new tab.

    Without ``enabled`` the action is always available.
    """
    if enabled is None:
        button = _icon_button(
            rx.icon(icon, size=ICON_PX),
            color_scheme,
            aria_label=label,
            on_click=on_click,
        )
        return rx.tooltip(button, content=label)
    tooltip = _tooltip_text(label, enabled, reason)
    button = _icon_button(
        rx.icon(icon, size=ICON_PX),
        color_scheme,
        aria_label=label,
        title=tooltip,
        disabled=~enabled,
        on_click=on_click,
    )
    if href is not None:
        button = rx.cond(
            enabled, _new_tab_link(icon, label, href, color_scheme), button
        )
    return rx.tooltip(rx.box(button, display="inline-flex"), content=tooltip)
