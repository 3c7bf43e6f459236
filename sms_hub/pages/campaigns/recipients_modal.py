"""Modal "Voir la liste des destinataires" of a campaign and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.data_table import data_table, download_button, pager
from sms_hub.components.modal import close_button, modal
from sms_hub.components.search_field import search_input
from sms_hub.components.unsubscribed import (
    ONLY,
    unsubscribed_badge,
    unsubscribed_filter,
)
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import audience, downloads
from sms_hub.services.downloads import Download
from sms_hub.services.errors import ServiceError
from sms_hub.state.paging import PagingState


class RecipientsState(PagingState, CampaignModalState, rx.State):
    """« Voir la liste des destinataires »."""

    recipients_open: bool = False
    recipients: list[audience.RecipientView] = []
    recipients_search: str = ""
    #: « Désinscrits uniquement ».
    recipients_only_unsubscribed: bool = False

    async def _load_page(self) -> None:
        await self._load_recipients()

    async def _load_recipients(self) -> None:
        rows, total = await audience.recipients_page(
            (await self._actor()),
            self.campaign_id,
            search=self.recipients_search,
            offset=self._offset(),
            limit=self._page_size(),
            only_unsubscribed=self.recipients_only_unsubscribed,
        )
        self.recipients, self.total = rows, total

    @rx.event
    async def open_recipients(self, campaign_id: int, name: str):
        self._target(campaign_id, name)
        self.page, self.recipients_search = 1, ""
        self.recipients_only_unsubscribed = False
        try:
            await self._load_recipients()
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        self.recipients_open = True

    @rx.event
    def set_recipients_open(self, is_open: bool):
        self.recipients_open = is_open

    @rx.event
    async def search_recipients(self, value: str):
        self.recipients_search, self.page = value, 1
        await self._load_recipients()

    @rx.event
    async def filter_recipients_unsubscribed(self, value: str):
        self.recipients_only_unsubscribed, self.page = value == ONLY, 1
        await self._load_recipients()

    @rx.event
    async def export_recipients(self):
        """« Exporter (CSV) »: a streamed download behind a short-lived signed link."""
        filename = f"destinataires-{self.campaign_id}.csv"
        try:
            url = await downloads.prepare(
                (await self._actor()), Download.RECIPIENTS, self.campaign_id, filename
            )
        except ServiceError as error:
            return rx.toast.error(error.user_message)
        return rx.download(url=url, filename=filename)


def _recipient_row(row: audience.RecipientView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.email),
        rx.table.cell(rx.text(row.phone_label, white_space="nowrap")),
        rx.table.cell(unsubscribed_badge(row.unsubscribed)),
    )


def recipients_modal() -> rx.Component:
    s = RecipientsState
    return modal(
        "Liste des destinataires",
        rx.hstack(
            search_input(
                s.recipients_search,
                s.search_recipients,
                icon=False,
                placeholder="Rechercher un email ou un numéro",
                aria_label="Rechercher un destinataire",
                width="100%",
            ),
            unsubscribed_filter(
                "recipients-unsubscribed",
                s.recipients_only_unsubscribed,
                s.filter_recipients_unsubscribed,
            ),
            download_button(s.export_recipients),
            width="100%",
            align="center",
        ),
        rx.cond(
            s.total > 0,
            data_table(
                ["Email", "Mobile", "Désinscription"],
                s.recipients,
                _recipient_row,
                size="1",
                variant="ghost",
            ),
            rx.cond(
                s.recipients_only_unsubscribed,
                rx.callout("Aucun destinataire désinscrit.", icon="info"),
                rx.callout(
                    "Aucun destinataire. Importez les contacts d'une liste de "
                    "contacts dans la campagne.",
                    icon="info",
                ),
            ),
        ),
        pager(
            rx.text(s.total_label, " destinataire(s)", size="2"),
            s.page,
            s.page_count,
            s.page_label,
            s.go_to_page,
            size="1",
        ),
        buttons=[close_button()],
        description=[
            rx.text(
                "Campagne « ",
                s.campaign_name,
                " » : l'adresse email et le numéro de téléphone de chaque contact "
                "qui recevra un SMS de la campagne.",
            )
        ],
        open_=s.recipients_open,
        on_open_change=s.set_recipients_open,
        width="720px",
        spacing="3",
    )
