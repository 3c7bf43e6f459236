"""Modal "Importer les contacts d'une liste de contacts dans la campagne"."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.form_field import checkbox_row
from sms_hub.components.modal import close_button, error_callout, modal
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.rate_limit import COUNTS
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import audience
from sms_hub.services.errors import ServiceError


class ImportState(CampaignModalState, rx.State):
    """« Importer les contacts d'une liste de contacts dans la campagne »."""

    import_open: bool = False
    list_options: list[audience.ListOption] = []
    chosen_lists: list[int] = []
    contacts_to_add: int = 0
    importing: bool = False
    import_done: int = 0
    import_total: int = 0
    import_message: str = ""
    import_error: str = ""

    @rx.var
    def contacts_to_add_label(self) -> str:
        return number_fr(self.contacts_to_add)

    @rx.var
    def import_done_label(self) -> str:
        return number_fr(self.import_done)

    @rx.var
    def import_total_label(self) -> str:
        return number_fr(self.import_total)

    @rx.event
    async def open_import(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.list_options = await audience.list_options(await self._actor())
        self.chosen_lists, self.contacts_to_add = [], 0
        self.import_message = self.import_error = ""
        self.import_done = self.import_total = 0
        self.import_open = True

    @rx.event
    def set_import_open(self, is_open: bool):
        if not self.importing:
            self.import_open = is_open

    @rx.event
    async def toggle_list(self, list_id: int, checked: bool):
        if refused := await self._too_fast(COUNTS):
            return refused
        chosen = set(self.chosen_lists)
        if checked:
            chosen.add(list_id)
        else:
            chosen.discard(list_id)
        self.chosen_lists = sorted(chosen)
        self.contacts_to_add = await audience.contacts_to_add(
            (await self._actor()), self.campaign_id, self.chosen_lists
        )

    @rx.event(background=True)
    async def run_import(self):
        async with self:
            if self.importing or not self.chosen_lists:
                return
            self.importing = True
            self.import_message = self.import_error = ""
            actor, campaign_id = (await self._actor()), self.campaign_id
            list_ids = list(self.chosen_lists)

        async def report(done: int, total: int) -> None:
            async with self:
                self.import_done, self.import_total = done, total

        try:
            summary = await audience.import_lists(actor, campaign_id, list_ids, report)
        except ServiceError as error:
            async with self:
                self.importing = False
                self.import_error = error.user_message
                await self._changed()
            return
        async with self:
            self.importing = False
            self.import_done = self.import_total = summary.total
            self.import_message = (
                f"{number_fr(summary.added)} destinataire(s) ajouté(s), "
                f"{number_fr(summary.skipped)} ignoré(s) car déjà présents "
                f"(même numéro). La campagne compte {number_fr(summary.total)} "
                "destinataire(s)."
            )
            if summary.unsubscribed_message:
                self.import_message += " " + summary.unsubscribed_message
            await self._changed()


def _list_option(option: audience.ListOption) -> rx.Component:
    s = ImportState
    return checkbox_row(
        rx.checkbox(
            checked=s.chosen_lists.contains(option.id),
            on_change=lambda checked: s.toggle_list(option.id, checked),
            disabled=s.importing,
            aria_label=option.name,
        ),
        rx.text(option.name, weight="medium"),
        rx.text("(", option.contact_count_label, " contacts)", color_scheme="gray"),
    )


def _progress() -> rx.Component:
    s = ImportState
    return rx.cond(
        s.importing,
        rx.vstack(
            rx.progress(
                value=s.import_done,
                max=rx.cond(s.import_total > 0, s.import_total, 1),
                width="100%",
            ),
            rx.text(
                "Transmission à Sarbacane : ",
                s.import_done_label,
                " / ",
                s.import_total_label,
                size="2",
            ),
            width="100%",
        ),
    )


def import_modal() -> rx.Component:
    s = ImportState
    return modal(
        "Importer les contacts d'une liste",
        rx.cond(
            s.list_options.length() > 0,
            rx.vstack(
                rx.text("Listes de contacts", weight="medium", size="2"),
                rx.foreach(s.list_options, _list_option),
                spacing="2",
            ),
            rx.callout(
                "Aucune liste de contacts. Créez-en une depuis la page "
                "« Listes de contacts ».",
                icon="info",
            ),
        ),
        rx.cond(
            s.chosen_lists.length() > 0,
            rx.text(
                s.contacts_to_add_label,
                " contact(s) avec un numéro de mobile dans les listes choisies "
                "(les numéros déjà présents dans la campagne sont ignorés).",
                size="2",
            ),
        ),
        _progress(),
        rx.cond(
            s.import_message != "",
            rx.callout(s.import_message, icon="circle-check", color_scheme="green"),
        ),
        error_callout(s.import_error),
        buttons=[
            close_button(),
            rx.button(
                "Importer les contacts",
                on_click=s.run_import,
                loading=s.importing,
                disabled=s.chosen_lists.length() == 0,
            ),
        ],
        description=[
            rx.text(
                "Copie l'adresse email et le numéro de téléphone portable des "
                "contacts dans la campagne « ",
                s.campaign_name,
                " ».",
            )
        ],
        open_=s.import_open,
        on_open_change=s.set_import_open,
        spacing="3",
    )
