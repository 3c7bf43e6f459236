"""The state of a confirmation dialog: open, busy while its action runs."""

from __future__ import annotations

import reflex as rx

from sms_hub.services.errors import ServiceError


class ConfirmDialogState(rx.State, mixin=True):
    """Mix into a page's substate; it implements ``_confirmed``.

    A refused action closes the dialog and shows the service's message.
    """

    dialog_open: bool = False
    busy: bool = False

    async def _confirmed(self) -> str:
        """Run the confirmed action; the message of its success toast."""
        raise NotImplementedError

    def _closable(self) -> bool:
        return True

    @rx.event
    def set_dialog_open(self, is_open: bool):
        if self._closable():
            self.dialog_open = is_open

    @rx.event
    async def confirm(self):
        if self.busy:
            return
        self.busy = True
        yield
        try:
            message = await self._confirmed()
        except ServiceError as error:
            self.busy = self.dialog_open = False
            yield rx.toast.error(error.user_message)
            return
        self.busy = self.dialog_open = False
        yield rx.toast.success(message)
