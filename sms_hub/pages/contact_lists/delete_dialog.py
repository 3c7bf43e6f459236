"""Dialog "Supprimer la liste" and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.modal import confirm_dialog
from sms_hub.domain.formatting import count_fr
from sms_hub.pages.contact_lists.contacts_state import ListsDialogState
from sms_hub.services import contact_lists as service
from sms_hub.state.confirm import ConfirmDialogState


class DeleteListState(ConfirmDialogState, ListsDialogState, rx.State):
    delete_id: int = 0
    delete_name: str = ""
    delete_count: int = 0

    @rx.var
    def delete_count_label(self) -> str:
        return count_fr(self.delete_count, "contact", "contacts")

    @rx.event
    def ask_delete(self, list_id: int, name: str, count: int):
        self.delete_id, self.delete_name, self.delete_count = list_id, name, count
        self.dialog_open = True

    async def _confirmed(self) -> str:
        name = await service.delete_contact_list(await self._actor(), self.delete_id)
        if await self._selected_id() == self.delete_id:
            await self._close_list()
        await self._refresh_lists()
        return f"La liste « {name} » a été supprimée."


def delete_dialog() -> rx.Component:
    s = DeleteListState
    return confirm_dialog(
        "Supprimer la liste",
        "Supprimer la liste « ",
        s.delete_name,
        " » et ses ",
        s.delete_count_label,
        " ? Attention : toute suppression est définitive. Les "
        "campagnes qui ont déjà importé ces contacts les conservent.",
        confirm_label="Supprimer définitivement",
        state=s,
    )
