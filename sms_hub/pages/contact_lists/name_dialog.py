"""Dialog "Créer une liste" / "Renommer la liste" and its state."""

from __future__ import annotations

from typing import Any

import reflex as rx

from sms_hub.components.form_field import text_field
from sms_hub.components.modal import close_button, modal
from sms_hub.pages.contact_lists.contacts_state import ListsDialogState
from sms_hub.services import contact_lists as service
from sms_hub.services.errors import InvalidInput, ServiceError


class ListNameState(ListsDialogState, rx.State):
    name_open: bool = False
    name_list_id: int = 0  # 0: a new list
    name_value: str = ""
    name_error: str = ""
    saving: bool = False

    @rx.var
    def name_dialog_title(self) -> str:
        return "Renommer la liste" if self.name_list_id else "Créer une liste"

    @rx.event
    def open_create(self):
        self.name_list_id, self.name_value, self.name_error = 0, "", ""
        self.name_open = True

    @rx.event
    def open_rename(self, list_id: int, name: str):
        self.name_list_id, self.name_value, self.name_error = list_id, name, ""
        self.name_open = True

    @rx.event
    def set_name_open(self, is_open: bool):
        self.name_open = is_open

    @rx.event
    def set_name_value(self, value: str):
        self.name_value = value

    @rx.event
    async def submit_name(self, form_data: dict[str, Any]):
        if self.saving:
            return
        self.saving, self.name_error = True, ""
        yield
        try:
            if self.name_list_id:
                row = await service.rename_contact_list(
                    await self._actor(), self.name_list_id, self.name_value
                )
                message = f"La liste a été renommée « {row.name} »."
            else:
                row = await service.create_contact_list(
                    await self._actor(), self.name_value
                )
                message = f"La liste « {row.name} » a été créée."
        except InvalidInput as error:
            self.name_error = error.field_errors.get("name", error.user_message)
            self.saving = False
            return
        except ServiceError as error:
            self.saving, self.name_open = False, False
            yield rx.toast.error(error.user_message)
            return
        self.saving, self.name_open = False, False
        await self._refresh_lists()
        if not self.name_list_id or await self._selected_id() == row.id:
            await self._select(row.id)
        yield rx.toast.success(message)


def name_dialog() -> rx.Component:
    s = ListNameState
    return modal(
        s.name_dialog_title,
        text_field(
            "Nom de la liste",
            "list-name",
            s.name_value,
            s.set_name_value,
            error=s.name_error,
            placeholder="Ex. : Stagiaires session de janvier",
            max_length=200,
            auto_focus=True,
        ),
        buttons=[
            close_button("Annuler"),
            rx.button(
                rx.cond(s.name_list_id != 0, "Renommer", "Créer la liste"),
                type="submit",
                loading=s.saving,
            ),
        ],
        on_submit=s.submit_name,
        open_=s.name_open,
        on_open_change=s.set_name_open,
        width="480px",
    )
