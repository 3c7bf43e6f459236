"""Dialog "Annuler l'envoi de la campagne" and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.modal import confirm_dialog
from sms_hub.domain.statuses import CANCEL_WARNING
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import sending
from sms_hub.services.errors import ServiceError


class CancelState(CampaignModalState):
    """« Annuler l'envoi de la campagne »."""

    cancel_open: bool = False
    cancelling: bool = False

    @rx.event
    def open_cancel(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.cancel_open = True

    @rx.event
    def set_cancel_open(self, is_open: bool):
        if not self.cancelling:
            self.cancel_open = is_open

    @rx.event
    async def confirm_cancel(self):
        if self.cancelling:
            return
        self.cancelling = True
        yield
        try:
            await sending.cancel(self._actor(), self.campaign_id)
        except ServiceError as error:
            self.cancelling = False
            self.cancel_open = False
            yield rx.toast.error(error.user_message)
            return
        self.cancelling = False
        self.cancel_open = False
        await self._refresh()
        yield rx.toast.success(
            f"L'envoi de la campagne « {self.campaign_name} » a été annulé."
        )


def cancel_dialog() -> rx.Component:
    s = CancelState
    return confirm_dialog(
        "Annuler l'envoi de la campagne",
        rx.text("Campagne « ", s.campaign_name, " ». ", CANCEL_WARNING),
        confirm_label="Annuler l'envoi",
        keep_label="Ne pas annuler",
        on_confirm=s.confirm_cancel,
        busy=s.cancelling,
        open_=s.cancel_open,
        on_open_change=s.set_cancel_open,
    )
