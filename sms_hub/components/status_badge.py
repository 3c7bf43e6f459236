"""The campaign status badge, shared by every table."""

from __future__ import annotations

import reflex as rx


def status_badge(label: rx.Var, colour: rx.Var, animated: rx.Var) -> rx.Component:
    return rx.badge(
        rx.cond(animated, rx.spinner(size="1"), rx.fragment()),
        label,
        color_scheme=colour,
        variant="soft",
        high_contrast=True,
        size="2",
        radius="full",
        class_name="status-badge",
        white_space="nowrap",
    )
