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
from sms_hub.components.icon_action import ICON_PX, icon_action
from sms_hub.components.layout import page_shell, spinner_until
from sms_hub.components.search_field import search_input
from sms_hub.components.status_badge import status_badge
from sms_hub.domain.adoption import ADOPTED_BADGE
from sms_hub.domain.lifecycle import ACTION_INFO, STUCK_WARNING, Action
from sms_hub.domain.paging import CampaignSort
from sms_hub.pages.campaigns.actions import (
    ACTION_HANDLERS,
    action_views,
    campaign_modals,
)
from sms_hub.pages.campaigns.create_modal import CreateCampaignState
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.services.views import ActionView, CampaignRow
from sms_hub.settings import get_settings
from sms_hub.state.live import CentreFeed
from sms_hub.state.session import SessionState

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
            # Enabled once the portal's sign-in has ended (a click before it
            # would have no centre to create for).
            disabled=~SessionState.signed_in,
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


def _sortable_header(label: str, sort: CampaignSort, after: str = "") -> rx.Component:
    """A header sorting by ``label``'s column; ``after``: what else the column
    shows (not a sort key)."""
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
        after,
        aria_sort=rx.cond(
            is_current,
            rx.cond(CampaignsState.descending, "descending", "ascending"),
            "none",
        ),
    )


def _columns() -> list[str | rx.Component]:
    return [
        _sortable_header("Nom", CampaignSort.NAME),
        _sortable_header("Type", CampaignSort.KIND, after=" / Expéditeur"),
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


#: The accessible name of each row's menu of the actions not shown as icons.
MORE_ACTIONS = "Plus d'actions"


def _menu_item_content(action: Action, view: ActionView) -> rx.Component:
    """Icon and label; a refused action's reason written under its label."""
    info = ACTION_INFO[action]
    return rx.hstack(
        rx.icon(info.icon, size=16, flex_shrink="0", margin_top="2px"),
        rx.vstack(
            rx.text(info.label, size="2"),
            rx.cond(
                ~view.enabled,
                rx.text(view.reason, size="1", class_name="menu-reason"),
            ),
            spacing="0",
        ),
        spacing="2",
        align="start",
    )


def _menu_item(
    row: CampaignRow, action: Action, view: ActionView
) -> tuple[rx.Component, rx.Component]:
    """The item of an action available now, and of the action refused."""
    info = ACTION_INFO[action]
    content = _menu_item_content(action, view)
    if info.opens_new_tab:
        allowed = rx.dropdown_menu.item(
            rx.el.a(
                content,
                href=view.href,
                target="_blank",
                rel="noopener noreferrer",
            ),
            as_child=True,
            class_name="menu-action",
        )
    else:
        allowed = rx.dropdown_menu.item(
            content,
            on_select=ACTION_HANDLERS[action](row.id, row.name),
            color_scheme="red" if action is Action.DELETE else None,
            class_name="menu-action",
        )
    refused = rx.dropdown_menu.item(
        content, disabled=True, class_name="menu-action menu-action-refused"
    )
    return allowed, refused


def _menu_items(row: CampaignRow) -> list[rx.Component]:
    """The actions available now first, then those refused (with their reason)."""
    items = {a: _menu_item(row, a, v) for a, v in action_views(row).items()}
    views = action_views(row)
    return [
        *[rx.cond(~v.on_row & v.enabled, items[a][0]) for a, v in views.items()],
        rx.dropdown_menu.separator(),
        *[rx.cond(~v.enabled, items[a][1]) for a, v in views.items()],
    ]


def _more_actions(row: CampaignRow) -> rx.Component:
    """The row's menu: the actions not shown as icons, by their label."""
    return rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=ICON_PX),
                variant="ghost",
                color_scheme="gray",
                size="2",
                aria_label=MORE_ACTIONS,
                title=MORE_ACTIONS,
                class_name="more-actions",
            ),
        ),
        rx.dropdown_menu.content(
            *_menu_items(row),
            align="end",
            max_width="min(360px, calc(100vw - 16px))",
            class_name="more-actions-menu",
        ),
        # Not modal: the rest of the page is not hidden from assistive
        # technologies while the menu is open (Escape or a click closes it).
        modal=False,
    )


def _actions(row: CampaignRow) -> rx.Component:
    """The status's first actions as icons (``lifecycle.on_row``), then the menu."""
    return rx.hstack(
        *[
            rx.cond(view.on_row, _action(row, a, view))
            for a, view in action_views(row).items()
        ],
        _more_actions(row),
        spacing="1",
        align="center",
        wrap="nowrap",
        class_name="row-actions",
    )


def _row(row: CampaignRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.link(
                    row.name,
                    href=f"/campagnes/{row.id}",
                    weight="medium",
                    class_name="campaign-name",
                ),
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
        rx.table.cell(
            rx.vstack(
                rx.text(row.kind_label, size="2"),
                rx.code(row.sender, variant="ghost", size="2"),
                spacing="0",
            ),
            custom_attrs={"data-label": "Type et expéditeur"},
        ),
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
            ),
            custom_attrs={"data-label": "Statut"},
        ),
        rx.table.cell(
            row.recipient_count_label,
            text_align="right",
            custom_attrs={"data-label": "Destinataires"},
        ),
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
            ),
            custom_attrs={"data-label": "Création"},
        ),
        rx.table.cell(_actions(row), class_name="actions-cell"),
        align="center",
        class_name="campaign-row",
    )


def _table() -> rx.Component:
    return paged_table(
        data_table(_columns(), CampaignsState.rows, _row, class_name="campaigns-table"),
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
        session=SessionState,
    )
