"""Dialog "Annuler l'envoi de la campagne" and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.modal import confirm_dialog
from sms_hub.domain.lifecycle import ACTION_INFO, CANCEL_WARNING, Action
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import sending
from sms_hub.state.confirm import ConfirmDialogState


class CancelState(ConfirmDialogState, CampaignModalState, rx.State):
    """« Annuler l'envoi de la campagne »."""

    @rx.event
    def open_cancel(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.dialog_open = True

    def _closable(self) -> bool:
        return not self.busy

    async def _confirmed(self) -> str:
        await sending.cancel((await self._actor()), self.campaign_id)
        await self._changed()
        return f"L'envoi de la campagne « {self.campaign_name} » a été annulé."


def cancel_dialog() -> rx.Component:
    s = CancelState
    return confirm_dialog(
        ACTION_INFO[Action.CANCEL].label,
        "Campagne « ",
        s.campaign_name,
        " ». ",
        CANCEL_WARNING,
        confirm_label="Annuler l'envoi",
        keep_label="Ne pas annuler",
        state=s,
    )
