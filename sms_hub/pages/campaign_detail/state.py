"""State of a campaign's own page (« /campagnes/<id> »): it only calls
``services.campaign_detail``; its dialogs are the campaigns table's."""

from __future__ import annotations

import reflex as rx

from sms_hub.services.campaign_detail import (
    CAMPAIGN_MISSING,
    CampaignDetail,
    campaign_detail,
)
from sms_hub.services.errors import NotFound
from sms_hub.state.session import SignedInState


class CampaignDetailState(SignedInState, rx.State):
    """A direct child of the root, beside ``SessionState``."""

    detail: CampaignDetail = CampaignDetail()
    #: Why no campaign is shown (« Campagne introuvable. », or it was deleted).
    missing: str = ""
    loaded: bool = False

    @rx.var
    def heading(self) -> str:
        return self.detail.name or "Campagne"

    def _requested(self) -> str:
        """The id in the address (« /campagnes/<id> »), as typed."""
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    async def _refresh(self) -> None:
        requested = self._requested()
        shown = self.detail
        try:
            self.detail = await campaign_detail(await self._actor(), requested)
            self.missing = ""
        except NotFound:
            self.detail = CampaignDetail()
            self.missing = (
                f"La campagne « {shown.name} » a été supprimée."
                if shown.id and str(shown.id) == requested
                else CAMPAIGN_MISSING
            )
        self.loaded = True

    @rx.event
    async def on_load(self, launch: dict | None = None):
        self.detail, self.missing, self.loaded = CampaignDetail(), "", False
        if await self._ensure_session(launch):
            await self._refresh()

    @rx.event
    async def follow_changes(self):
        """Reload: the centre's live feed says its campaigns changed (the
        poller moved a status, or an action of this tab or another)."""
        if self.loaded and self.detail.id and await self._tenant():
            await self._refresh()
