"""A campaign's own page (« /campagnes/<id> »): its SMS as received, its
data, its latest events, its statistics once finished, and every action of
the campaigns table, each a labelled button (a refused one says why)."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.history_table import event_rows
from sms_hub.components.layout import page_shell, section_card, spinner_until
from sms_hub.components.sms_preview import phone_preview
from sms_hub.components.status_badge import status_badge
from sms_hub.domain.adoption import ADOPTED_BADGE
from sms_hub.domain.lifecycle import ACTION_INFO, ACTION_ORDER, STUCK_WARNING, Action
from sms_hub.pages.campaign_detail.state import CampaignDetailState
from sms_hub.pages.campaigns.actions import ACTION_HANDLERS, campaign_modals
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.state.live import CentreFeed
from sms_hub.state.session import SessionState

ROUTE = "/campagnes/[campagne]"
TITLE = "Campagne"

S = CampaignDetailState
D = CampaignDetailState.detail


def _back() -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("arrow-left", size=16), "Retour aux campagnes", spacing="1"),
        href=CampaignsState.list_address,
        size="2",
        id="back-to-campaigns",
        width="fit-content",
    )


def _item(label: str, *value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(label, min_width="150px"),
        rx.data_list.value(*value),
        align="center",
    )


def _status() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            status_badge(D.status_label, D.status_colour, D.status_animated),
            rx.cond(
                D.progress != "",
                rx.text(D.progress, size="2", color_scheme="violet"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            D.stuck,
            rx.callout(
                rx.vstack(
                    rx.text(STUCK_WARNING, size="2"),
                    rx.button(
                        "Annuler l'envoi",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=ACTION_HANDLERS[Action.CANCEL](D.id, D.name),
                    ),
                    spacing="1",
                ),
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
            ),
        ),
        spacing="1",
        align="start",
        # Said when it changes while the page is open (live status).
        aria_live="polite",
        id="campaign-status",
    )


def _summary() -> rx.Component:
    return section_card(
        rx.heading("Informations", size="4", as_="h2"),
        rx.data_list.root(
            _item("Type", D.kind_label),
            _item("Expéditeur", rx.code(D.sender, variant="ghost", size="2")),
            _item("Statut", _status()),
            _item(
                "Destinataires",
                rx.hstack(
                    rx.text(D.recipient_count_label, id="recipient-count"),
                    rx.button(
                        rx.icon("list", size=16),
                        "Voir les destinataires",
                        on_click=ACTION_HANDLERS[Action.RECIPIENTS](D.id, D.name),
                        variant="soft",
                        size="1",
                    ),
                    spacing="3",
                    align="center",
                ),
            ),
            _item(
                "Listes d'exclusion",
                rx.cond(
                    D.exclusions.length() > 0,
                    rx.el.ul(
                        rx.foreach(D.exclusions, lambda name: rx.el.li(name)),
                        class_name="exclusion-names",
                    ),
                    rx.text("Aucune"),
                ),
            ),
            _item(
                "Envoi",
                rx.cond(
                    D.scheduled_at != "",
                    rx.text("Planifiée le ", D.scheduled_at, color_scheme="blue"),
                    rx.text("Non planifié"),
                ),
            ),
            _item(
                "Origine",
                rx.cond(
                    D.adopted,
                    rx.badge(
                        ADOPTED_BADGE,
                        color_scheme="orange",
                        variant="surface",
                        class_name="adopted-badge",
                    ),
                    rx.text(D.origin_label),
                ),
            ),
            _item("Créée le", D.created_at),
            orientation={"initial": "vertical", "sm": "horizontal"},
            size="2",
            width="100%",
        ),
    )


def _figure(figure: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(figure.label, size="1", color_scheme="gray", high_contrast=True),
            rx.hstack(
                rx.text(figure.value, size="5", weight="bold"),
                rx.cond(
                    figure.rate != "",
                    rx.text(figure.rate, size="2", color_scheme="gray"),
                ),
                spacing="2",
                align="baseline",
            ),
            spacing="1",
        ),
        size="1",
    )


def _statistics() -> rx.Component:
    return rx.cond(
        D.finished,
        section_card(
            rx.hstack(
                rx.heading("Statistiques", size="4", as_="h2"),
                rx.spacer(),
                rx.link(
                    rx.hstack(
                        rx.icon("chart-line", size=16),
                        "Voir les statistiques détaillées",
                        spacing="1",
                        align="center",
                    ),
                    href=D.statistics_href,
                    size="2",
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                D.statistics_note != "",
                rx.callout(D.statistics_note, icon="circle-alert", color_scheme="red"),
                rx.grid(
                    rx.foreach(D.figures, _figure),
                    columns="repeat(auto-fill, minmax(120px, 1fr))",
                    spacing="2",
                    width="100%",
                    class_name="campaign-figures",
                ),
            ),
        ),
    )


def _action_button(action: Action, enabled: rx.Var) -> rx.Component:
    info = ACTION_INFO[action]
    content = (rx.icon(info.icon, size=16), info.label)
    colour = "red" if action is Action.DELETE else "gray"
    if info.opens_new_tab:
        view = D.actions[ACTION_ORDER.index(action)]
        return rx.cond(
            enabled,
            rx.button(
                rx.link(
                    *content,
                    rx.icon("external-link", size=14),
                    href=view.href,
                    is_external=True,
                    title="Ouvre Sarbacane dans un nouvel onglet",
                ),
                as_child=True,
                variant="soft",
                color_scheme=colour,
            ),
            rx.button(*content, disabled=True, variant="soft"),
        )
    return rx.button(
        *content,
        on_click=ACTION_HANDLERS[action](D.id, D.name),
        disabled=~enabled,
        variant="soft",
        color_scheme=colour,
    )


def _actions() -> rx.Component:
    """The actions available now as buttons; then each refused one, its
    reason written beside it."""
    views = [(a, D.actions[i]) for i, a in enumerate(ACTION_ORDER)]
    return section_card(
        rx.heading("Actions", size="4", as_="h2"),
        rx.flex(
            *[rx.cond(v.enabled, _action_button(a, v.enabled)) for a, v in views],
            spacing="2",
            wrap="wrap",
            class_name="campaign-actions",
        ),
        rx.heading(
            "Indisponibles pour le moment",
            size="2",
            as_="h3",
            color_scheme="gray",
            high_contrast=True,
            margin_top="2",
        ),
        rx.el.ul(
            *[
                rx.cond(
                    ~v.enabled,
                    rx.el.li(
                        _action_button(a, v.enabled),
                        rx.text(v.reason, size="2", class_name="action-reason"),
                        class_name="refused-action",
                    ),
                )
                for a, v in views
            ],
            class_name="refused-actions",
        ),
    )


def _history() -> rx.Component:
    return section_card(
        rx.hstack(
            rx.heading("Historique", size="4", as_="h2"),
            rx.text(
                D.events_note,
                size="2",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.spacer(),
            rx.button(
                rx.icon("history", size=16),
                "Voir tout l'historique",
                on_click=ACTION_HANDLERS[Action.HISTORY](D.id, D.name),
                variant="soft",
                size="2",
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            D.events.length() > 0,
            event_rows(D.events),
            rx.text("Aucun événement.", color_scheme="gray", high_contrast=True),
        ),
    )


def _text() -> rx.Component:
    return rx.vstack(
        phone_preview(
            D.sender,
            D.parts,
            "Aucun texte.",
            title="Le SMS tel qu'il sera reçu",
        ),
        rx.cond(
            D.text_note != "",
            rx.callout(D.text_note, icon="info", color_scheme="amber", size="1"),
        ),
        spacing="3",
        align="center",
        width="100%",
    )


def _campaign() -> rx.Component:
    return rx.el.div(
        rx.vstack(
            _summary(),
            _statistics(),
            _actions(),
            _history(),
            spacing="4",
            width="100%",
            min_width="0",
        ),
        rx.box(_text(), class_name="detail-preview"),
        class_name="detail-layout",
    )


def _missing() -> rx.Component:
    return rx.callout(S.missing, icon="circle-alert", color_scheme="red", role="alert")


def _live() -> rx.Component:
    """Remounted, so reloading the campaign, whenever the centre's feed changes."""
    return rx.box(
        rx.el.div(on_mount=S.follow_changes),
        key=CentreFeed.version,
        display="none",
    )


def campaign_detail_page() -> rx.Component:
    return page_shell(
        S.heading,
        rx.vstack(
            _back(),
            spinner_until(
                S.loaded,
                rx.cond(S.missing != "", _missing(), _campaign()),
            ),
            width="100%",
            spacing="4",
        ),
        *campaign_modals(),
        _live(),
        session=SessionState,
    )
