"""Page "Gestion des campagnes de SMSing": the campaigns table and its modals."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import (
    count_text,
    data_table,
    empty_message,
    paged_table,
    pager,
)
from sms_hub.components.icon_action import icon_action
from sms_hub.components.layout import page_shell, spinner_until
from sms_hub.components.search_field import search_input
from sms_hub.components.status_badge import status_badge
from sms_hub.domain.adoption import ADOPTED_BADGE
from sms_hub.domain.statuses import ACTION_INFO, STUCK_WARNING, Action
from sms_hub.pages.campaigns.actions import (
    ACTION_HANDLERS,
    action_views,
    campaign_modals,
)
from sms_hub.pages.campaigns.create_modal import CreateCampaignState
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.services.paging import CampaignSort
from sms_hub.services.views import ActionView, CampaignRow
from sms_hub.settings import get_settings
from sms_hub.state.live import CentreFeed

TITLE = "Gestion des campagnes de SMSing"


def _advanced_campaign_url() -> str:
    settings = get_settings()
    return settings.sarbacane_link(settings.sarbacane_new_campaign_path)


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("plus", size=16),
            "Créer une campagne standard",
            on_click=CreateCampaignState.open_create,
            size="3",
        ),
        rx.button(
            rx.link(
                rx.icon("external-link", size=16),
                "Créer une campagne avancée",
                href=_advanced_campaign_url(),
                is_external=True,
                title="Ouvre l'interface de création de campagnes de Sarbacane "
                "dans un nouvel onglet",
            ),
            as_child=True,
            variant="outline",
            size="3",
        ),
        rx.spacer(),
        search_input(
            CampaignsState.search,
            CampaignsState.set_search,
            placeholder="Rechercher par nom",
            aria_label="Rechercher une campagne par nom",
            width="320px",
            size="3",
        ),
        width="100%",
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _sortable_header(label: str, sort: CampaignSort) -> rx.Component:
    is_current = CampaignsState.sort == sort.value
    arrow = rx.cond(
        is_current,
        rx.cond(
            CampaignsState.descending,
            rx.icon("arrow-down", size=14),
            rx.icon("arrow-up", size=14),
        ),
        rx.icon("arrow-up-down", size=14, opacity="0.4"),
    )
    return rx.table.column_header_cell(
        rx.el.button(
            rx.hstack(label, arrow, spacing="1", align="center"),
            on_click=CampaignsState.sort_by(sort.value),
            class_name="sort-button",
            aria_label=f"Trier par {label.lower()}",
        ),
        aria_sort=rx.cond(
            is_current,
            rx.cond(CampaignsState.descending, "descending", "ascending"),
            "none",
        ),
    )


def _columns() -> list[str | rx.Component]:
    return [
        _sortable_header("Nom", CampaignSort.NAME),
        _sortable_header("Type", CampaignSort.KIND),
        "Expéditeur",
        _sortable_header("Statut", CampaignSort.STATUS),
        _sortable_header("Destinataires", CampaignSort.RECIPIENTS),
        _sortable_header("Création", CampaignSort.CREATED),
        "Actions",
    ]


def _action(row: CampaignRow, action: Action, view: ActionView) -> rx.Component:
    info = ACTION_INFO[action]
    if info.opens_new_tab:
        return icon_action(
            info.icon,
            info.label,
            enabled=view.enabled,
            reason=view.reason,
            href=view.href,
        )
    return icon_action(
        info.icon,
        info.label,
        ACTION_HANDLERS[action](row.id, row.name),
        enabled=view.enabled,
        reason=view.reason,
        color_scheme="red" if action is Action.DELETE else "gray",
    )


def _actions(row: CampaignRow) -> rx.Component:
    return rx.hstack(
        *[_action(row, a, view) for a, view in action_views(row).items()],
        spacing="1",
        align="center",
        wrap="nowrap",
    )


def _row(row: CampaignRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(row.name, weight="medium"),
                rx.cond(
                    row.adopted,
                    rx.badge(
                        ADOPTED_BADGE,
                        color_scheme="orange",
                        variant="surface",
                        size="1",
                        class_name="adopted-badge",
                    ),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            )
        ),
        rx.table.cell(row.kind_label),
        rx.table.cell(rx.code(row.sender, variant="ghost")),
        rx.table.cell(
            rx.vstack(
                status_badge(row.status_label, row.status_colour, row.status_animated),
                rx.cond(
                    row.progress != "",
                    rx.text(row.progress, size="1", color_scheme="violet"),
                ),
                rx.cond(
                    row.stuck,
                    rx.callout(
                        rx.vstack(
                            rx.text(STUCK_WARNING, size="1"),
                            rx.button(
                                "Annuler l'envoi",
                                size="1",
                                color_scheme="red",
                                variant="soft",
                                on_click=ACTION_HANDLERS[Action.CANCEL](
                                    row.id, row.name
                                ),
                            ),
                            spacing="1",
                        ),
                        icon="triangle-alert",
                        color_scheme="amber",
                        size="1",
                        max_width="320px",
                    ),
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(row.recipient_count_label, text_align="right"),
        rx.table.cell(
            rx.vstack(
                rx.text(row.created_at, size="2"),
                rx.cond(
                    row.scheduled_at != "",
                    rx.text(
                        "Planifiée le ", row.scheduled_at, size="1", color_scheme="blue"
                    ),
                ),
                spacing="0",
            )
        ),
        rx.table.cell(_actions(row)),
        align="center",
        class_name="campaign-row",
    )


def _table() -> rx.Component:
    return paged_table(
        data_table(_columns(), CampaignsState.rows, _row),
        pager(
            count_text(
                CampaignsState.total_label,
                rx.cond(CampaignsState.total > 1, " campagnes", " campagne"),
            ),
            CampaignsState.page,
            CampaignsState.page_count,
            CampaignsState.page_label,
            CampaignsState.go_to_page,
        ),
        has_rows=CampaignsState.rows.length() > 0,
        empty=spinner_until(
            CampaignsState.loaded,
            empty_message(
                CampaignsState.search != "",
                "Aucune campagne ne correspond à cette recherche.",
                "Aucune campagne pour le moment. Cliquez sur « Créer une campagne "
                "standard » pour créer votre première campagne de SMSing.",
            ),
        ),
    )


def _live_rows() -> rx.Component:
    """Remounted, so reloading the rows, whenever the centre's feed changes.

    The key sits on the parent: its child (with the mount trigger) is a
    component of its own, mounted again each time the version changes.
    """
    return rx.box(
        rx.el.div(on_mount=CampaignsState.follow_changes),
        key=CentreFeed.version,
        display="none",
    )


def campaigns_page() -> rx.Component:
    return page_shell(
        TITLE,
        rx.vstack(
            _toolbar(),
            _table(),
            width="100%",
            spacing="4",
        ),
        *campaign_modals(),
        _live_rows(),
        session=CampaignsState,
    )
