"""« Désinscrit (STOP) »: the badge of an unsubscribed contact or recipient,
and the filter of their tables (« Désinscrits uniquement » / all)."""

from __future__ import annotations

import reflex as rx

from sms_hub.domain.unsubscribes import BADGE, FILTER_ALL, FILTER_ONLY

ALL = "all"
ONLY = "only"


def unsubscribed_badge(unsubscribed: rx.Var) -> rx.Component:
    return rx.cond(
        unsubscribed,
        rx.badge(
            rx.icon("user-x", size=12),
            BADGE,
            color_scheme="red",
            variant="soft",
            high_contrast=True,
            radius="full",
            white_space="nowrap",
        ),
    )


def unsubscribed_filter(
    field_id: str, only: rx.Var, on_change: rx.EventHandler
) -> rx.Component:
    """A labelled select: every contact, or the unsubscribed ones only;
    ``on_change`` receives :data:`ALL` or :data:`ONLY`."""
    return rx.hstack(
        rx.el.label("Afficher", html_for=field_id, class_name="field-label"),
        rx.select.root(
            rx.select.trigger(id=field_id),
            rx.select.content(
                rx.select.item(FILTER_ALL, value=ALL),
                rx.select.item(FILTER_ONLY, value=ONLY),
            ),
            value=rx.cond(only, ONLY, ALL),
            on_change=on_change,
        ),
        align="center",
        spacing="2",
    )
