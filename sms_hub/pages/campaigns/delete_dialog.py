"""Dialog "Supprimer la campagne" and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.modal import confirm_dialog
from sms_hub.domain.lifecycle import ACTION_INFO, Action
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import campaigns as campaign_service
from sms_hub.state.confirm import ConfirmDialogState


class DeleteCampaignState(ConfirmDialogState, CampaignModalState, rx.State):
    """« Supprimer la campagne »."""

    @rx.event
    def ask_delete(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.dialog_open = True

    async def _confirmed(self) -> str:
        name = await campaign_service.delete_campaign(
            (await self._actor()), self.campaign_id
        )
        await self._changed()
        return f"La campagne « {name} » a été supprimée."


def delete_dialog() -> rx.Component:
    s = DeleteCampaignState
    return confirm_dialog(
        ACTION_INFO[Action.DELETE].label,
        "Supprimer la campagne « ",
        s.campaign_name,
        " » ? Attention : toute suppression est définitive.",
        confirm_label="Supprimer définitivement",
        state=s,
    )
