"""Dialog « Historique » of a campaign: its audit events, a page at a time."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.history_table import history_table
from sms_hub.components.modal import close_button, modal
from sms_hub.domain.lifecycle import ACTION_INFO, Action
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import history
from sms_hub.services.context import Actor
from sms_hub.state.history_dialog import HistoryDialogState


class HistoryState(HistoryDialogState, CampaignModalState, rx.State):
    """« Historique » of a campaign."""

    async def _fetch_events(
        self, actor: Actor, offset: int, limit: int
    ) -> history.HistoryPage:
        found = await history.campaign_history(
            actor, self.campaign_id, offset=offset, limit=limit
        )
        self.campaign_name = found.campaign_name
        return found

    @rx.event
    async def open_history(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        return await self._open_history()


def history_dialog() -> rx.Component:
    s = HistoryState
    return modal(
        ACTION_INFO[Action.HISTORY].label,
        history_table(
            s.events,
            s.total,
            s.total_label,
            s.page,
            s.page_count,
            s.page_label,
            s.go_to_page,
            empty="Aucun événement enregistré pour cette campagne.",
        ),
        buttons=[close_button()],
        description=[
            "Qui a fait quoi sur la campagne « ",
            s.campaign_name,
            " », quand, et avec quel résultat (le plus récent en premier).",
        ],
        open_=s.history_open,
        on_open_change=s.set_history_open,
        width="880px",
        spacing="3",
    )
