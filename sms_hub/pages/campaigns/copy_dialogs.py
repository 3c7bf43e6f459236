"""Dialogs « Dupliquer la campagne » and « Renvoyer aux échecs » and their states.

Both show what the new draft will be before creating it, then create it
(a background event: the recipients' push reports its progress).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import reflex as rx

from sms_hub.components.form_field import checkbox_row
from sms_hub.components.modal import close_button, error_callout, modal
from sms_hub.domain.formatting import count_fr
from sms_hub.domain.lifecycle import ACTION_INFO, NO_FAILURE, Action
from sms_hub.pages.campaigns.state import CampaignModalState, CampaignsState
from sms_hub.services import copies
from sms_hub.services.context import Actor
from sms_hub.services.errors import ServiceError

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Une erreur inattendue a interrompu la création de la campagne. "
    "Vérifiez la liste des campagnes avant de réessayer."
)

#: Creates the copy: (actor, campaign id, progress) -> result.
Creator = Callable[[Actor, int, copies.Progress], Awaitable[copies.CopyResult]]


class CopyDialog(rx.State, mixin=True):
    """Open with a preview, create the copy, report. Subclasses say how."""

    copy_open: bool = False
    copy_loaded: bool = False
    copy_name: str = ""
    copy_recipients: int = 0
    copy_recipients_text: str = ""
    copy_exclusions: str = ""
    copying: bool = False
    copy_done: int = 0
    copy_total: int = 0
    copy_error: str = ""

    async def _preview(self, actor: Actor, campaign_id: int) -> copies.CopyPreview:
        raise NotImplementedError

    def _creator(self) -> Creator:
        """How to create the copy, with the dialog's choices as they are now."""
        raise NotImplementedError

    def _recipients_text(self, count: int) -> str:
        raise NotImplementedError

    async def _open_copy(self, campaign_id: int, name: str):
        self._target(campaign_id, name)  # type: ignore[attr-defined]
        self.copy_loaded, self.copy_error = False, ""
        self.copy_done = self.copy_total = 0
        self.copy_open = True
        yield
        try:
            preview = await self._preview((await self._actor()), campaign_id)  # type: ignore[attr-defined]
        except ServiceError as error:
            self.copy_open = False
            yield rx.toast.error(error.user_message)
            return
        self.copy_name = preview.name
        self.copy_recipients = preview.recipients
        self.copy_recipients_text = self._recipients_text(preview.recipients)
        self.copy_exclusions = ", ".join(preview.exclusions) or "aucune"
        self.copy_loaded = True

    @rx.event
    def set_copy_open(self, is_open: bool):
        if not self.copying:
            self.copy_open = is_open

    @rx.event(background=True)
    async def create_copy(self):
        async with self:
            if self.copying or not self.copy_loaded:
                return
            self.copying, self.copy_error = True, ""
            actor, campaign_id = (await self._actor()), self.campaign_id  # type: ignore[attr-defined]
            create = self._creator()

        async def report(done: int, total: int) -> None:
            async with self:
                self.copy_done, self.copy_total = done, total

        try:
            result = await create(actor, campaign_id, report)
        except ServiceError as error:
            async with self:
                self.copying = False
                self.copy_error = error.user_message
            return
        except Exception:
            log.exception("copy of campaign %s failed", campaign_id)
            async with self:
                self.copying = False
                self.copy_error = UNEXPECTED
                await self._changed()  # type: ignore[attr-defined]
            return
        async with self:
            self.copying = self.copy_open = False
            await self._show_newest_first()  # type: ignore[attr-defined]
        yield CampaignsState.show_address
        created = f"La campagne « {result.row.name} » a été créée au statut Brouillon"
        if result.push_error:
            yield rx.toast.warning(
                f"{created}, mais ses destinataires ne sont pas tous transmis à "
                f"Sarbacane : {result.push_error}",
                duration=15_000,
            )
            return
        copied = count_fr(result.recipients, "destinataire", "destinataires")
        yield rx.toast.success(f"{created} ({copied}).")


class DuplicateState(CopyDialog, CampaignModalState, rx.State):
    """« Dupliquer la campagne »."""

    with_recipients: bool = False

    async def _preview(self, actor: Actor, campaign_id: int) -> copies.CopyPreview:
        self.with_recipients = False
        return await copies.duplicate_preview(actor, campaign_id)

    def _creator(self) -> Creator:
        with_recipients = self.with_recipients

        async def create(
            actor: Actor, campaign_id: int, progress: copies.Progress
        ) -> copies.CopyResult:
            return await copies.duplicate_campaign(
                actor, campaign_id, with_recipients=with_recipients, progress=progress
            )

        return create

    def _recipients_text(self, count: int) -> str:
        return count_fr(count, "destinataire", "destinataires")

    @rx.event
    async def open_duplicate(self, campaign_id: int, name: str):
        async for update in self._open_copy(campaign_id, name):
            yield update

    @rx.event
    def set_with_recipients(self, checked: bool):
        self.with_recipients = checked


class ResendState(CopyDialog, CampaignModalState, rx.State):
    """« Renvoyer aux échecs »."""

    async def _preview(self, actor: Actor, campaign_id: int) -> copies.CopyPreview:
        return await copies.resend_preview(actor, campaign_id)

    def _creator(self) -> Creator:
        return copies.resend_to_failed

    def _recipients_text(self, count: int) -> str:
        return count_fr(count, "destinataire en échec", "destinataires en échec")

    @rx.event
    async def open_resend(self, campaign_id: int, name: str):
        async for update in self._open_copy(campaign_id, name):
            yield update


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, weight="medium", size="2", min_width="11em"),
        rx.text(value, size="2"),
        spacing="3",
        align="baseline",
    )


def _progress(s: type[CopyDialog]) -> rx.Component:
    return rx.cond(
        s.copying & (s.copy_total > 0),
        rx.vstack(
            rx.progress(value=s.copy_done, max=s.copy_total, width="100%"),
            rx.text(
                "Transmission à Sarbacane : ",
                s.copy_done,
                " / ",
                s.copy_total,
                size="2",
            ),
            width="100%",
        ),
    )


def _copy_modal(
    s: type[CopyDialog],
    title: str,
    intro: str,
    body: rx.Component,
    confirm_label: str,
    *,
    can_create: rx.Var,
) -> rx.Component:
    return modal(
        title,
        rx.cond(
            s.copy_loaded,
            rx.vstack(
                body,
                _fact("Nouvelle campagne", "« " + s.copy_name + " »"),
                _fact("Statut", rx.Var.create("Brouillon")),
                _fact("Listes d'exclusion", s.copy_exclusions),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.spinner(size="2"),
                rx.text("Chargement…", size="2"),
                spacing="2",
                align="center",
            ),
        ),
        _progress(s),
        error_callout(s.copy_error),
        buttons=[
            close_button(),
            rx.button(
                confirm_label,
                on_click=s.create_copy,
                loading=s.copying,
                disabled=~can_create,
            ),
        ],
        description=[intro, "« ", s.campaign_name, " »."],  # type: ignore[attr-defined]
        open_=s.copy_open,
        on_open_change=s.set_copy_open,
        spacing="3",
    )


def duplicate_dialog() -> rx.Component:
    s = DuplicateState
    recipients = checkbox_row(
        rx.checkbox(
            checked=s.with_recipients,
            on_change=s.set_with_recipients,
            disabled=s.copying | (s.copy_recipients == 0),
            aria_label="Copier aussi les destinataires ("
            + s.copy_recipients_text
            + ")",
        ),
        rx.text("Copier aussi les destinataires", size="2"),
        rx.text("(", s.copy_recipients_text, ")", size="2", color_scheme="gray"),
    )
    return _copy_modal(
        s,
        ACTION_INFO[Action.DUPLICATE].label,
        "Crée une nouvelle campagne au statut Brouillon avec le même type, le "
        "même expéditeur, le même contenu et les mêmes listes d'exclusion que ",
        recipients,
        "Créer la copie",
        can_create=s.copy_loaded,
    )


def resend_dialog() -> rx.Component:
    s = ResendState
    count = rx.vstack(
        rx.heading(s.copy_recipients_text, size="5", as_="p"),
        rx.cond(
            s.copy_recipients == 0,
            rx.callout(NO_FAILURE, icon="info"),
            rx.text(
                "La nouvelle campagne leur sera adressée à eux seuls. Les numéros "
                "ayant répondu STOP ne la recevront jamais. Vous pourrez la "
                "vérifier avant de la lancer.",
                size="2",
            ),
        ),
        spacing="2",
        width="100%",
    )
    return _copy_modal(
        s,
        ACTION_INFO[Action.RESEND_FAILED].label,
        "Crée une nouvelle campagne au statut Brouillon, avec le même type, "
        "expéditeur, contenu et listes d'exclusion, pour les destinataires dont "
        "le SMS a échoué lors de l'envoi de la campagne ",
        count,
        "Créer la campagne de renvoi",
        can_create=s.copy_loaded & (s.copy_recipients > 0),
    )
