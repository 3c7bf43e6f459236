"""Modals of a campaign's audience: recipients, contact import, exclusions."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import pager
from sms_hub.domain.contacts_csv import write_csv
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import audience
from sms_hub.services.errors import ServiceError

RECIPIENTS_PAGE_SIZE = 20
RGPD_NOTE = (
    "Le RGPD rend obligatoire la possibilité de se désinscrire des SMS marketing "
    "envoyés par un centre de formation. L'utilisation de la liste de "
    "désinscription par défaut est fortement recommandée pour exclure tout "
    "contact ayant demandé à être désinscrit des SMS commerciaux de votre centre "
    "de formation (en envoyant STOP). Les contacts d'une liste d'exclusion de "
    "Sarbacane sont identifiés par leur adresse email ou le numéro de téléphone "
    "portable."
)


class RecipientsState(CampaignModalState):
    """« Voir la liste des destinataires »."""

    recipients_open: bool = False
    recipients: list[audience.RecipientView] = []
    recipients_total: int = 0
    recipients_page: int = 1
    recipients_search: str = ""

    @rx.var
    def recipients_page_count(self) -> int:
        return max(1, -(-self.recipients_total // RECIPIENTS_PAGE_SIZE))

    async def _load_recipients(self) -> None:
        rows, total = await audience.recipients_page(
            self._actor(),
            self.campaign_id,
            search=self.recipients_search,
            offset=(self.recipients_page - 1) * RECIPIENTS_PAGE_SIZE,
            limit=RECIPIENTS_PAGE_SIZE,
        )
        self.recipients, self.recipients_total = rows, total

    @rx.event
    async def open_recipients(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.recipients_page, self.recipients_search = 1, ""
        await self._load_recipients()
        self.recipients_open = True

    @rx.event
    def set_recipients_open(self, is_open: bool):
        self.recipients_open = is_open

    @rx.event
    async def search_recipients(self, value: str):
        self.recipients_search, self.recipients_page = value, 1
        await self._load_recipients()

    @rx.event
    async def recipients_go_to(self, page: int):
        self.recipients_page = min(max(1, page), self.recipients_page_count)
        await self._load_recipients()

    @rx.event
    async def export_recipients(self):
        rows = await audience.all_recipients(self._actor(), self.campaign_id)
        data = write_csv([(r.email, r.phone) for r in rows], ("email", "mobile"))
        return rx.download(data=data, filename=f"destinataires-{self.campaign_id}.csv")


class ImportState(CampaignModalState):
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

    @rx.event
    async def open_import(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.list_options = await audience.list_options(self._actor())
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
        chosen = set(self.chosen_lists)
        if checked:
            chosen.add(list_id)
        else:
            chosen.discard(list_id)
        self.chosen_lists = sorted(chosen)
        self.contacts_to_add = await audience.contacts_to_add(
            self._actor(), self.campaign_id, self.chosen_lists
        )

    @rx.event(background=True)
    async def run_import(self):
        async with self:
            if self.importing or not self.chosen_lists:
                return
            self.importing = True
            self.import_message = self.import_error = ""
            actor, campaign_id = self._actor(), self.campaign_id
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
                await self._refresh()
            return
        async with self:
            self.importing = False
            self.import_done = self.import_total = summary.total
            self.import_message = (
                f"{summary.added} destinataire(s) ajouté(s), "
                f"{summary.skipped} ignoré(s) car déjà présents (même numéro). "
                f"La campagne compte {summary.total} destinataire(s)."
            )
            await self._refresh()


class ExclusionsState(CampaignModalState):
    """« Choisir les listes d'exclusion à utiliser pour la campagne »."""

    exclusions_open: bool = False
    exclusion_choices: list[audience.ExclusionChoice] = []
    chosen_exclusions: list[str] = []
    exclusions_error: str = ""
    saving_exclusions: bool = False

    @rx.event
    async def open_exclusions(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.exclusions_error = ""
        try:
            choices = await audience.exclusion_choices(self._actor(), campaign_id)
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        self.exclusion_choices = choices
        self.chosen_exclusions = [c.id for c in choices if c.chosen]
        self.exclusions_open = True

    @rx.event
    def set_exclusions_open(self, is_open: bool):
        self.exclusions_open = is_open

    @rx.event
    def toggle_exclusion(self, blacklist_id: str, checked: bool):
        chosen = [c for c in self.chosen_exclusions if c != blacklist_id]
        self.chosen_exclusions = [*chosen, blacklist_id] if checked else chosen

    @rx.event
    async def save_exclusions(self):
        self.saving_exclusions = True
        yield
        names = {c.id: c.name for c in self.exclusion_choices}
        chosen = [(i, names[i]) for i in self.chosen_exclusions if i in names]
        try:
            await audience.assign_exclusions(self._actor(), self.campaign_id, chosen)
        except ServiceError as error:
            self.exclusions_error = error.user_message
            self.saving_exclusions = False
            return
        self.saving_exclusions = False
        self.exclusions_open = False
        yield rx.toast.success(
            "Listes d'exclusion assignées à la campagne « "
            f"{self.campaign_name} » : {', '.join(n for _, n in chosen) or 'aucune'}."
        )


def _modal(title: str, description, body, *, open_, on_open_change, width="640px"):
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", color_scheme="gray"),
            body,
            max_width=width,
        ),
        open=open_,
        on_open_change=on_open_change,
    )


def _close_button(label: str = "Fermer") -> rx.Component:
    return rx.dialog.close(rx.button(label, variant="soft", color_scheme="gray"))


def _recipient_row(row: audience.RecipientView) -> rx.Component:
    return rx.table.row(rx.table.cell(row.email), rx.table.cell(row.phone))


def recipients_modal() -> rx.Component:
    s = RecipientsState
    return _modal(
        "Liste des destinataires",
        rx.text(
            "Campagne « ",
            s.campaign_name,
            " » : l'adresse email et le numéro de téléphone de chaque contact "
            "qui recevra un SMS de la campagne.",
        ),
        rx.vstack(
            rx.hstack(
                rx.input(
                    placeholder="Rechercher un email ou un numéro",
                    aria_label="Rechercher un destinataire",
                    value=s.recipients_search,
                    on_change=s.search_recipients,
                    debounce_timeout=300,
                    width="100%",
                ),
                rx.button(
                    rx.icon("download", size=16),
                    "Exporter (CSV)",
                    variant="soft",
                    on_click=s.export_recipients,
                ),
                width="100%",
            ),
            rx.cond(
                s.recipients_total > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Email"),
                            rx.table.column_header_cell("Mobile"),
                        )
                    ),
                    rx.table.body(rx.foreach(s.recipients, _recipient_row)),
                    size="1",
                    width="100%",
                ),
                rx.callout(
                    "Aucun destinataire. Importez les contacts d'une liste de "
                    "contacts dans la campagne.",
                    icon="info",
                ),
            ),
            pager(
                rx.text(s.recipients_total, " destinataire(s)", size="2"),
                s.recipients_page,
                s.recipients_page_count,
                s.recipients_go_to,
                size="1",
            ),
            rx.hstack(_close_button(), justify="end", width="100%"),
            spacing="3",
            margin_top="1em",
        ),
        open_=s.recipients_open,
        on_open_change=s.set_recipients_open,
        width="720px",
    )


def _checkbox_option(checkbox: rx.Component, *label: rx.Component) -> rx.Component:
    """A checkbox and its label, clickable as one (its accessible name)."""
    return rx.el.label(rx.hstack(checkbox, *label, spacing="2", align="center"))


def _list_option(option: audience.ListOption) -> rx.Component:
    s = ImportState
    return _checkbox_option(
        rx.checkbox(
            checked=s.chosen_lists.contains(option.id),
            on_change=lambda checked: s.toggle_list(option.id, checked),
            disabled=s.importing,
        ),
        rx.text(option.name, weight="medium"),
        rx.text("(", option.contact_count, " contacts)", color_scheme="gray"),
    )


def import_modal() -> rx.Component:
    s = ImportState
    return _modal(
        "Importer les contacts d'une liste",
        rx.text(
            "Copie l'adresse email et le numéro de téléphone portable des contacts "
            "dans la campagne « ",
            s.campaign_name,
            " ».",
        ),
        rx.vstack(
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
                    s.contacts_to_add,
                    " contact(s) avec un numéro de mobile dans les listes choisies "
                    "(les numéros déjà présents dans la campagne sont ignorés).",
                    size="2",
                ),
            ),
            rx.cond(
                s.importing,
                rx.vstack(
                    rx.progress(
                        value=s.import_done,
                        max=rx.cond(s.import_total > 0, s.import_total, 1),
                        width="100%",
                    ),
                    rx.text(
                        "Transmission à Sarbacane : ",
                        s.import_done,
                        " / ",
                        s.import_total,
                        size="2",
                    ),
                    width="100%",
                ),
            ),
            rx.cond(
                s.import_message != "",
                rx.callout(s.import_message, icon="circle-check", color_scheme="green"),
            ),
            rx.cond(
                s.import_error != "",
                rx.callout(
                    s.import_error,
                    icon="circle-alert",
                    color_scheme="red",
                    role="alert",
                ),
            ),
            rx.hstack(
                _close_button(),
                rx.button(
                    "Importer les contacts",
                    on_click=s.run_import,
                    loading=s.importing,
                    disabled=s.chosen_lists.length() == 0,
                ),
                justify="end",
                spacing="3",
                width="100%",
            ),
            spacing="3",
            margin_top="1em",
            width="100%",
        ),
        open_=s.import_open,
        on_open_change=s.set_import_open,
    )


def _exclusion_option(choice: audience.ExclusionChoice) -> rx.Component:
    s = ExclusionsState
    return _checkbox_option(
        rx.checkbox(
            checked=s.chosen_exclusions.contains(choice.id),
            on_change=lambda checked: s.toggle_exclusion(choice.id, checked),
        ),
        rx.text(choice.name, weight="medium"),
        rx.cond(
            choice.recommended,
            rx.badge("recommandée", color_scheme="green", variant="soft"),
        ),
    )


def exclusions_modal() -> rx.Component:
    s = ExclusionsState
    return _modal(
        "Choisir les listes d'exclusion",
        rx.text(
            "Sélectionnez une ou plusieurs listes d'exclusion pour la campagne « ",
            s.campaign_name,
            " ».",
        ),
        rx.vstack(
            rx.vstack(rx.foreach(s.exclusion_choices, _exclusion_option), spacing="2"),
            rx.callout(RGPD_NOTE, icon="shield-check", size="1"),
            rx.cond(
                s.exclusions_error != "",
                rx.callout(
                    s.exclusions_error,
                    icon="circle-alert",
                    color_scheme="red",
                    role="alert",
                ),
            ),
            rx.hstack(
                _close_button("Annuler"),
                rx.button(
                    "Assigner ces listes à la campagne",
                    on_click=s.save_exclusions,
                    loading=s.saving_exclusions,
                ),
                justify="end",
                spacing="3",
                width="100%",
            ),
            spacing="3",
            margin_top="1em",
        ),
        open_=s.exclusions_open,
        on_open_change=s.set_exclusions_open,
    )
