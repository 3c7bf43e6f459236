"""Modal "Choisir les listes d'exclusion à utiliser pour la campagne"."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.form_field import checkbox_row
from sms_hub.components.modal import close_button, error_callout, modal
from sms_hub.domain.rate_limit import SARBACANE_READS
from sms_hub.pages.campaigns.state import CampaignModalState
from sms_hub.services import audience
from sms_hub.services.errors import ServiceError

RGPD_NOTE = (
    "Le RGPD rend obligatoire la possibilité de se désinscrire des SMS marketing "
    "envoyés par un centre de formation. L'utilisation de la liste de "
    "désinscription par défaut est fortement recommandée pour exclure tout "
    "contact ayant demandé à être désinscrit des SMS commerciaux de votre centre "
    "de formation (en envoyant STOP). Les contacts d'une liste d'exclusion de "
    "Sarbacane sont identifiés par leur adresse email ou le numéro de téléphone "
    "portable."
)


class ExclusionsState(CampaignModalState, rx.State):
    """« Choisir les listes d'exclusion à utiliser pour la campagne »."""

    exclusions_open: bool = False
    exclusion_choices: list[audience.ExclusionChoice] = []
    chosen_exclusions: list[str] = []
    exclusions_error: str = ""
    saving_exclusions: bool = False

    @rx.event
    async def open_exclusions(self, campaign_id: int, name: str):
        if refused := await self._too_fast(SARBACANE_READS):
            yield refused
            return
        self._target(campaign_id, name)
        self.exclusions_error = ""
        try:
            choices = await audience.exclusion_choices(
                (await self._actor()), campaign_id
            )
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
            await audience.assign_exclusions(
                (await self._actor()), self.campaign_id, chosen
            )
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


def _exclusion_option(choice: audience.ExclusionChoice) -> rx.Component:
    s = ExclusionsState
    return checkbox_row(
        rx.checkbox(
            checked=s.chosen_exclusions.contains(choice.id),
            on_change=lambda checked: s.toggle_exclusion(choice.id, checked),
            aria_label=choice.name,
        ),
        rx.text(choice.name, weight="medium"),
        rx.cond(
            choice.recommended,
            rx.badge("recommandée", color_scheme="green", variant="soft"),
        ),
    )


def exclusions_modal() -> rx.Component:
    s = ExclusionsState
    return modal(
        "Choisir les listes d'exclusion",
        rx.vstack(rx.foreach(s.exclusion_choices, _exclusion_option), spacing="2"),
        rx.callout(RGPD_NOTE, icon="shield-check", size="1"),
        error_callout(s.exclusions_error),
        buttons=[
            close_button("Annuler"),
            rx.button(
                "Assigner ces listes à la campagne",
                on_click=s.save_exclusions,
                loading=s.saving_exclusions,
            ),
        ],
        description=[
            rx.text(
                "Sélectionnez une ou plusieurs listes d'exclusion pour la campagne « ",
                s.campaign_name,
                " ».",
            )
        ],
        open_=s.exclusions_open,
        on_open_change=s.set_exclusions_open,
        spacing="3",
    )
