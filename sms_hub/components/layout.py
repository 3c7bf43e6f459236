"""The frame of every page (title, training centre, demo marker) and the
pieces a page body is made of."""

from __future__ import annotations

import reflex as rx


def _identity(session: type[rx.State]) -> rx.Component:
    return rx.hstack(
        rx.icon("building-2", size=16, color=rx.color("gray", 10)),
        rx.text(session.tenant_name, size="2", color_scheme="gray"),
        rx.cond(
            session.is_demo,
            rx.badge(
                "démo",
                color_scheme="orange",
                variant="surface",
                high_contrast=True,
                title="Centre de formation et utilisateur de démonstration",
            ),
        ),
        spacing="2",
        align="center",
    )


#: The app's sections, in the order of the navigation bar.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("Campagnes de SMSing", "/", "messages-square"),
    ("Listes de contacts", "/listes", "contact"),
    ("Modèles de SMS", "/modeles", "file-text"),
)


#: Shown to the centre's admins only.
ADMIN_SECTION = ("Paramètres du centre", "/parametres", "settings")
CONTACT_DATA_SECTION = ("Données d'un contact", "/donnees-contact", "user-search")


def _nav_link(label: str, href: str, icon: str, current: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), label, spacing="2", align="center"),
        href=href,
        weight="medium" if href == current else "regular",
        underline="none" if href != current else "always",
        aria_current="page" if href == current else None,
        color_scheme="indigo" if href == current else "gray",
        size="2",
    )


def _nav(current: str, session: type[rx.State]) -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            *[_nav_link(*section, current) for section in SECTIONS],
            rx.cond(session.is_admin, _nav_link(*CONTACT_DATA_SECTION, current)),
            rx.cond(session.is_admin, _nav_link(*ADMIN_SECTION, current)),
            spacing="5",
        ),
        aria_label="Navigation principale",
    )


def refused_or(refusal: rx.Var, body: rx.Component) -> rx.Component:
    """``body``, or in its place the red callout saying why it is refused."""
    return rx.cond(
        refusal != "",
        rx.callout(refusal, icon="lock", color_scheme="red", role="alert", size="3"),
        body,
    )


def spinner_until(loaded: rx.Var, content: rx.Component) -> rx.Component:
    """A spinner until ``loaded``, then ``content``."""
    return rx.cond(loaded, content, rx.spinner(size="3"))


def section_card(
    *children: rx.Component, spacing: str = "3", size: str | None = None
) -> rx.Component:
    """A full-width card stacking ``children`` (its heading first)."""
    card_props = {} if size is None else {"size": size}
    return rx.card(
        rx.vstack(*children, spacing=spacing, width="100%"),
        width="100%",
        **card_props,
    )


def page_shell(
    title: str,
    body: rx.Component,
    *overlays: rx.Component,
    session: type[rx.State],
    section: str = "/",
) -> rx.Component:
    return rx.box(
        rx.vstack(
            _nav(section, session),
            rx.hstack(
                rx.vstack(
                    rx.text("Marketing Automation", size="2", color_scheme="gray"),
                    rx.heading(title, size="7", as_="h1"),
                    spacing="1",
                ),
                rx.spacer(),
                _identity(session),
                width="100%",
                align="end",
            ),
            rx.separator(size="4"),
            refused_or(session.sign_in_error, body),
            spacing="5",
            width="100%",
            max_width="1400px",
            margin_x="auto",
        ),
        *overlays,
        padding=["1em", "1.5em", "2em"],
        width="100%",
        min_height="100vh",
        background=rx.color("gray", 2),
    )
