"""Dialog "Supprimer la campagne" and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.modal import confirm_dialog
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.errors import ServiceError


class DeleteCampaignState(CampaignModalState):
    """« Supprimer la campagne »."""

    delete_open: bool = False
    deleting: bool = False

    @rx.event
    def ask_delete(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.delete_open = True

    @rx.event
    def set_delete_open(self, is_open: bool):
        self.delete_open = is_open

    @rx.event
    async def confirm_delete(self):
        if self.deleting:
            return
        self.deleting = True
        yield
        try:
            name = await campaign_service.delete_campaign(
                self._actor(), self.campaign_id
            )
        except ServiceError as error:
            self.deleting = self.delete_open = False
            yield rx.toast.error(error.user_message)
            return
        self.deleting = self.delete_open = False
        await self._refresh()
        yield rx.toast.success(f"La campagne « {name} » a été supprimée.")


def delete_dialog() -> rx.Component:
    s = DeleteCampaignState
    return confirm_dialog(
        "Supprimer la campagne",
        rx.text(
            "Supprimer la campagne « ",
            s.campaign_name,
            " » ? Attention : toute suppression est définitive.",
        ),
        confirm_label="Supprimer définitivement",
        on_confirm=s.confirm_delete,
        busy=s.deleting,
        open_=s.delete_open,
        on_open_change=s.set_delete_open,
    )
