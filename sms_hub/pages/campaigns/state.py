"""State of the page "Gestion des campagnes de SMSing": one page of rows,
the open modals and the creation form. Handlers only call services."""

from __future__ import annotations

import reflex as rx

from sms_hub.domain import sms_text
from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.services import campaigns as campaign_service
from sms_hub.services import sync
from sms_hub.services.errors import InvalidInput, ServiceError
from sms_hub.services.views import CampaignRow
from sms_hub.settings import get_settings
from sms_hub.state.session import SessionState
from sms_hub.store.queries import CampaignPageQuery, CampaignSort

_EMPTY_FORM_ERRORS: dict[str, str] = {"name": "", "sender": "", "content": ""}


class CampaignsState(SessionState):
    rows: list[CampaignRow] = []
    total: int = 0
    page: int = 1
    search: str = ""
    sort: str = CampaignSort.CREATED.value
    descending: bool = True
    loaded: bool = False
    seen_fingerprint: str = ""

    create_open: bool = False
    form_name: str = ""
    form_kind: str = CampaignKind.MARKETING.value
    form_sender: str = ""
    form_content: str = ""
    form_errors: dict[str, str] = _EMPTY_FORM_ERRORS
    form_banner: str = ""
    creating: bool = False

    delete_open: bool = False
    delete_id: int = 0
    delete_name: str = ""
    deleting: bool = False

    @rx.var
    def page_count(self) -> int:
        size = get_settings().page_size
        return max(1, -(-self.total // size))

    @rx.var
    def final_sms(self) -> str:
        mention = (
            self.opt_out_mention if self.form_kind == CampaignKind.MARKETING else None
        )
        return sms_text.compose(self.form_content.strip(), mention)

    @rx.var
    def sms_counter(self) -> str:
        measure = sms_text.measure(self.final_sms)
        plural = "s" if measure.parts > 1 else ""
        mention = (
            " (mention de désinscription incluse)"
            if self.form_kind == CampaignKind.MARKETING
            else ""
        )
        return (
            f"{measure.units} caractère{'s' if measure.units > 1 else ''}{mention} · "
            f"{measure.parts} SMS{plural} · encodage {measure.encoding} · "
            f"{measure.units_left} restant{'s' if measure.units_left > 1 else ''} "
            "dans ce SMS"
        )

    @rx.var
    def non_gsm_warning(self) -> str:
        chars = sms_text.measure(self.final_sms).non_gsm_chars
        if not chars:
            return ""
        names = ", ".join(sms_text.describe_char(c) for c in chars)
        return (
            f"Caractères spéciaux ({names}) : le SMS passe en encodage Unicode, "
            "70 caractères par SMS au lieu de 160."
        )

    def _query(self) -> CampaignPageQuery:
        size = get_settings().page_size
        return CampaignPageQuery(
            search=self.search,
            sort=CampaignSort(self.sort),
            descending=self.descending,
            offset=(self.page - 1) * size,
            limit=size,
        )

    async def _refresh(self) -> None:
        result = await campaign_service.campaign_page(self._actor(), self._query())
        if not result.rows and self.page > 1:
            self.page = max(1, -(-result.total // get_settings().page_size))
            result = await campaign_service.campaign_page(self._actor(), self._query())
        self.rows = result.rows
        self.total = result.total
        self.loaded = True

    @rx.event
    async def on_load(self):
        if await self._ensure_session():
            await self._refresh()

    @rx.event
    async def set_search(self, value: str):
        self.search = value
        self.page = 1
        await self._refresh()

    @rx.event
    async def sort_by(self, key: str):
        if self.sort == key:
            self.descending = not self.descending
        else:
            self.sort = CampaignSort(key).value
            self.descending = key in (CampaignSort.CREATED, CampaignSort.RECIPIENTS)
        self.page = 1
        await self._refresh()

    @rx.event
    async def go_to_page(self, page: int):
        self.page = min(max(1, page), self.page_count)
        await self._refresh()

    # Creation form

    @rx.event
    def open_create(self):
        self.create_open = True
        self.form_banner = ""
        self.form_errors = dict(_EMPTY_FORM_ERRORS)

    @rx.event
    def set_create_open(self, is_open: bool):
        self.create_open = is_open

    @rx.event
    def set_form_name(self, value: str):
        self.form_name = value

    @rx.event
    def set_form_kind(self, value: str):
        self.form_kind = value

    @rx.event
    def set_form_sender(self, value: str):
        self.form_sender = value

    @rx.event
    def set_form_content(self, value: str):
        self.form_content = value

    @rx.event
    def replace_non_gsm(self):
        self.form_content = sms_text.make_gsm_safe(self.form_content)

    @rx.event
    async def submit_create(self, form_data: dict):
        if self.creating:
            return
        self.creating = True
        self.form_banner = ""
        self.form_errors = dict(_EMPTY_FORM_ERRORS)
        yield
        campaign = NewCampaign.from_form(
            self.form_name, self.form_kind, self.form_sender, self.form_content
        )
        try:
            row = await campaign_service.create_campaign(self._actor(), campaign)
        except InvalidInput as error:
            self.form_errors = {**_EMPTY_FORM_ERRORS, **error.field_errors}
            self.creating = False
            return
        except ServiceError as error:
            self.form_banner = error.user_message
            self.creating = False
            return
        self.creating = False
        self.create_open = False
        self.form_name = self.form_sender = self.form_content = ""
        self.form_kind = CampaignKind.MARKETING.value
        self.search = ""
        self.page = 1
        self.sort, self.descending = CampaignSort.CREATED.value, True
        await self._refresh()
        yield rx.toast.success(
            f"La campagne « {row.name} » a été créée au statut Brouillon."
        )

    # Deletion

    @rx.event
    def ask_delete(self, campaign_id: int, name: str):
        self.delete_id = campaign_id
        self.delete_name = name
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
            name = await campaign_service.delete_campaign(self._actor(), self.delete_id)
        except ServiceError as error:
            self.deleting = False
            self.delete_open = False
            yield rx.toast.error(error.user_message)
            return
        self.deleting = False
        self.delete_open = False
        await self._refresh()
        yield rx.toast.success(f"La campagne « {name} » a été supprimée.")

    @rx.event
    def open_statistics(self, campaign_id: int, name: str):
        return rx.redirect(f"/statistiques?campagne={campaign_id}")

    @rx.event
    async def follow_changes(self, _tick: str = ""):
        """Refresh the rows when the training centre's campaigns changed.

        The status poller writes the database; every open tab sees its
        change here within one tick, and a tab that reconnects after a
        network cut catches up at its first tick.
        """
        if not self.tenant_id:
            return
        fingerprint = await sync.campaigns_fingerprint(self.tenant_id)
        if fingerprint != self.seen_fingerprint:
            self.seen_fingerprint = fingerprint
            await self._refresh()


class CampaignModalState(CampaignsState):
    """Base of the modals opened from a campaign's row: which campaign."""

    campaign_id: int = 0
    campaign_name: str = ""

    def _target(self, campaign_id: int, name: str) -> None:
        self.campaign_id, self.campaign_name = campaign_id, name
