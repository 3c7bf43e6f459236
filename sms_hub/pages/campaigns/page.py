"""Page "Gestion des campagnes de SMSing": the campaigns table and its modals."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import pager
from sms_hub.components.icon_action import action_icon_button
from sms_hub.components.layout import page_shell
from sms_hub.components.modal import confirm_dialog
from sms_hub.components.status_badge import status_badge
from sms_hub.domain.statuses import ACTION_INFO, ACTION_ORDER, STUCK_WARNING, Action
from sms_hub.pages.campaigns.create_modal import create_campaign_modal
from sms_hub.pages.campaigns.launch_modal import (
    CancelState,
    LaunchState,
    cancel_dialog,
    launch_modal,
)
from sms_hub.pages.campaigns.recipients_modal import (
    ExclusionsState,
    ImportState,
    RecipientsState,
    exclusions_modal,
    import_modal,
    recipients_modal,
)
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.services.views import CampaignRow
from sms_hub.settings import get_settings
from sms_hub.store.queries import CampaignSort

TITLE = "Gestion des campagnes de SMSing"
#: How often an open tab checks whether its training centre's campaigns changed.
LIVE_REFRESH_MS = 500


def _advanced_campaign_url() -> str:
    settings = get_settings()
    return settings.sarbacane_link(settings.sarbacane_new_campaign_path)


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("plus", size=16),
            "Créer une campagne standard",
            on_click=CampaignsState.open_create,
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
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Rechercher par nom",
            aria_label="Rechercher une campagne par nom",
            value=CampaignsState.search,
            on_change=CampaignsState.set_search,
            debounce_timeout=300,
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


def _header() -> rx.Component:
    return rx.table.header(
        rx.table.row(
            _sortable_header("Nom", CampaignSort.NAME),
            _sortable_header("Type", CampaignSort.KIND),
            rx.table.column_header_cell("Expéditeur"),
            _sortable_header("Statut", CampaignSort.STATUS),
            _sortable_header("Destinataires", CampaignSort.RECIPIENTS),
            _sortable_header("Création", CampaignSort.CREATED),
            rx.table.column_header_cell("Actions"),
        )
    )


#: The handler each in-app action icon opens, called with (campaign id, name).
ACTION_HANDLERS = {
    Action.RECIPIENTS: RecipientsState.open_recipients,
    Action.STATS_HUB3E: CampaignsState.open_statistics,
    Action.EXCLUSIONS: ExclusionsState.open_exclusions,
    Action.IMPORT_CONTACTS: ImportState.open_import,
    Action.LAUNCH: LaunchState.open_launch,
    Action.CANCEL: CancelState.open_cancel,
    Action.DELETE: CampaignsState.ask_delete,
}


def _action(row: CampaignRow, index: int, action: Action) -> rx.Component:
    view = row.actions[index]
    info = ACTION_INFO[action]
    if info.opens_new_tab:
        return action_icon_button(
            icon=info.icon,
            label=info.label,
            enabled=view.enabled,
            reason=view.reason,
            href=view.href,
        )
    return action_icon_button(
        icon=info.icon,
        label=info.label,
        enabled=view.enabled,
        reason=view.reason,
        on_click=ACTION_HANDLERS[action](row.id, row.name),
        color_scheme="red" if action is Action.DELETE else "gray",
    )


def _actions(row: CampaignRow) -> rx.Component:
    return rx.hstack(
        *[_action(row, i, action) for i, action in enumerate(ACTION_ORDER)],
        spacing="1",
        wrap="nowrap",
    )


def _row(row: CampaignRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row.name, weight="medium")),
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
                                on_click=CancelState.open_cancel(row.id, row.name),
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
        rx.table.cell(row.recipient_count, text_align="right"),
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


def _empty_state() -> rx.Component:
    return rx.cond(
        CampaignsState.search != "",
        rx.callout(
            "Aucune campagne ne correspond à cette recherche.",
            icon="search-x",
            color_scheme="gray",
        ),
        rx.callout(
            "Aucune campagne pour le moment. Cliquez sur « Créer une campagne "
            "standard » pour créer votre première campagne de SMSing.",
            icon="info",
        ),
    )


def _pagination() -> rx.Component:
    return pager(
        rx.text(
            CampaignsState.total,
            rx.cond(CampaignsState.total > 1, " campagnes", " campagne"),
            size="2",
            color_scheme="gray",
        ),
        CampaignsState.page,
        CampaignsState.page_count,
        CampaignsState.go_to_page,
    )


def _table() -> rx.Component:
    return rx.cond(
        CampaignsState.rows.length() > 0,
        rx.vstack(
            rx.box(
                rx.table.root(
                    _header(),
                    rx.table.body(rx.foreach(CampaignsState.rows, _row)),
                    variant="surface",
                    size="2",
                    width="100%",
                ),
                width="100%",
                overflow_x="auto",
            ),
            _pagination(),
            width="100%",
            spacing="3",
        ),
        rx.cond(CampaignsState.loaded, _empty_state(), rx.spinner(size="3")),
    )


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        "Supprimer la campagne",
        rx.text(
            "Supprimer la campagne « ",
            CampaignsState.delete_name,
            " » ? Attention : toute suppression est définitive.",
        ),
        confirm_label="Supprimer définitivement",
        on_confirm=CampaignsState.confirm_delete,
        busy=CampaignsState.deleting,
        open_=CampaignsState.delete_open,
        on_open_change=CampaignsState.set_delete_open,
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
        create_campaign_modal(),
        _delete_dialog(),
        recipients_modal(),
        import_modal(),
        exclusions_modal(),
        launch_modal(),
        cancel_dialog(),
        rx.moment(
            interval=LIVE_REFRESH_MS,
            on_change=CampaignsState.follow_changes,
            display="none",
        ),
        session=CampaignsState,
    )
