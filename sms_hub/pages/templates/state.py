"""State of the page « Modèles de SMS »: the list, the edit dialog, deletion."""

from __future__ import annotations

import reflex as rx

from sms_hub.services import sms_templates as service
from sms_hub.services.errors import InvalidInput, ServiceError
from sms_hub.state.confirm import ConfirmDialogState
from sms_hub.state.session import SignedInState

_NO_ERRORS: dict[str, str] = {"name": "", "content": ""}


class TemplatesState(SignedInState, rx.State):
    templates: list[service.TemplateView] = []
    loaded: bool = False

    async def _refresh(self) -> None:
        self.templates = await service.list_templates(await self._actor())
        self.loaded = True

    @rx.event
    async def on_load(self, launch: dict | None = None):
        if await self._ensure_session(launch):
            await self._refresh()


class TemplatesPageMixin(SignedInState, mixin=True):
    """A dialog of the page, a direct child of the root: reloads the list
    (``TemplatesState``, reached with ``get_state``) after its action."""

    async def _refresh(self) -> None:
        await (await self.get_state(TemplatesState))._refresh()


class EditTemplateState(TemplatesPageMixin, rx.State):
    edit_open: bool = False
    edit_id: int = 0
    edit_name: str = ""
    edit_content: str = ""
    edit_errors: dict[str, str] = _NO_ERRORS
    saving: bool = False

    @rx.event
    def open_new(self):
        self.edit_id, self.edit_name, self.edit_content = 0, "", ""
        self.edit_errors, self.edit_open = _NO_ERRORS, True

    @rx.event
    def open_edit(self, template_id: int, name: str, content: str):
        self.edit_id, self.edit_name, self.edit_content = template_id, name, content
        self.edit_errors, self.edit_open = _NO_ERRORS, True

    @rx.event
    def set_edit_open(self, is_open: bool):
        if not self.saving:
            self.edit_open = is_open

    @rx.event
    def set_edit_name(self, value: str):
        self.edit_name = value
        self.edit_errors = {**self.edit_errors, "name": ""}

    @rx.event
    def set_edit_content(self, value: str):
        self.edit_content = value
        self.edit_errors = {**self.edit_errors, "content": ""}

    @rx.event
    async def save(self, _form: dict | None = None):
        if self.saving:
            return
        self.saving = True
        try:
            saved = await service.save_template(
                await self._actor(),
                self.edit_id or None,
                self.edit_name,
                self.edit_content,
            )
        except InvalidInput as error:
            self.edit_errors = {**_NO_ERRORS, **error.field_errors}
            return
        except ServiceError as error:
            self.edit_open = False
            return rx.toast.error(error.user_message)
        finally:
            self.saving = False
        self.edit_open = False
        await self._refresh()
        return rx.toast.success(f"Le modèle « {saved.name} » est enregistré.")


class DeleteTemplateState(ConfirmDialogState, TemplatesPageMixin, rx.State):
    delete_id: int = 0
    delete_name: str = ""

    @rx.event
    def ask_delete(self, template_id: int, name: str):
        self.delete_id, self.delete_name = template_id, name
        self.dialog_open = True

    async def _confirmed(self) -> str:
        await service.delete_template(await self._actor(), self.delete_id)
        await self._refresh()
        return f"Le modèle « {self.delete_name} » a été supprimé."
