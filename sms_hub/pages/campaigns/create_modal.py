"""Modal "Créer une campagne standard": the creation form and its state."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.form_field import (
    checkbox_row,
    form_field,
    help_note,
    text_field,
)
from sms_hub.components.modal import close_button, error_callout, modal
from sms_hub.components.sms_preview import phone_preview
from sms_hub.domain import sms_text
from sms_hub.domain.campaign import (
    KIND_LABELS,
    NAME_LIMIT_NOTE,
    NAME_MAX_LENGTH,
    NAME_NOTE,
    NOTIFICATION_NOTE,
    CampaignKind,
    NewCampaign,
)
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.lifecycle import ACTION_INFO, Action
from sms_hub.domain.sender import SENDER_HELP
from sms_hub.domain.sms_templates import PLACEHOLDERS, fill, placeholders_in, unfilled
from sms_hub.domain.sms_text import SmsPart
from sms_hub.pages.campaigns.state import CampaignModalState, CampaignsState
from sms_hub.services import campaigns as campaign_service
from sms_hub.services import modify, sms_templates
from sms_hub.services.errors import InvalidInput, ServiceError
from sms_hub.services.sms_templates import TemplateView

_EMPTY_FORM_ERRORS: dict[str, str] = {"name": "", "sender": "", "content": ""}


class CreateCampaignState(CampaignModalState, rx.State):
    """« Nouvelle campagne » and « Modifier la campagne »."""

    opt_out_mention: str = ""
    create_open: bool = False
    form_name: str = ""
    form_kind: str = CampaignKind.MARKETING.value
    form_sender: str = ""
    form_content: str = ""
    form_errors: dict[str, str] = _EMPTY_FORM_ERRORS
    form_banner: str = ""
    creating: bool = False
    template_options: list[TemplateView] = []
    chosen_template: str = ""
    placeholder_values: dict[str, str] = {}
    # Set by a refused creation: the empty placeholder fields show in red.
    placeholders_checked: bool = False
    # The campaign the form modifies (« Modifier la campagne »), 0 to create one.
    editing_id: int = 0
    edited_warning: str = ""

    def _draft(self) -> NewCampaign:
        return NewCampaign.from_form(
            self.form_name,
            self.form_kind,
            self.form_sender,
            fill(self.form_content, self.placeholder_values),
        )

    @rx.var
    def placeholder_fields(self) -> list[dict[str, str]]:
        """One field per placeholder of the text (« Date », « Lieu »…);
        ``missing`` once a creation was refused while it was empty."""
        missing = unfilled(self.form_content, self.placeholder_values)
        return [
            {
                "key": name,
                "label": PLACEHOLDERS[name],
                "value": self.placeholder_values.get(name, ""),
                "missing": "true"
                if self.placeholders_checked and name in missing
                else "",
            }
            for name in placeholders_in(self.form_content)
        ]

    @rx.event
    def choose_template(self, template_id: str):
        self.chosen_template = template_id
        for template in self.template_options:
            if str(template.id) == template_id:
                self.form_content = template.content

    @rx.event
    def set_placeholder(self, name: str, value: str):
        self.placeholder_values = {**self.placeholder_values, name: value}
        self.form_errors = {**self.form_errors, "content": ""}

    @rx.var
    def final_sms(self) -> str:
        draft = self._draft()
        return campaign_service.final_text(
            draft.content, draft.kind, self.opt_out_mention
        )

    @rx.var
    def preview_parts(self) -> list[SmsPart]:
        """The SMS as the phone shows it, part by part (« SMS 1/2 »…)."""
        return sms_text.phone_parts(self.final_sms)

    @rx.var
    def preview_sender(self) -> str:
        return self.form_sender.strip() or "Expéditeur"

    @rx.var
    def sms_counter(self) -> str:
        measure = sms_text.measure(self.final_sms)
        mention = (
            " (mention de désinscription incluse)"
            if self._draft().kind.has_opt_out
            else ""
        )
        return (
            f"{number_fr(measure.units)} caractère{'s' if measure.units > 1 else ''}"
            f"{mention} · "
            f"{measure.parts} SMS · encodage {measure.encoding} · "
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

    @rx.event
    async def open_create(self):
        """Open the form; the sender starts as the centre's default one."""
        actor = await self._actor()
        if self.editing_id:
            self._clear_form()
        # The centre's mention as signed in, before any read (the counter).
        self.opt_out_mention = (await self._session()).opt_out_mention
        self.create_open = True
        self.form_banner = ""
        self.placeholders_checked = False
        self.form_errors = dict(_EMPTY_FORM_ERRORS)
        self.template_options = await sms_templates.list_templates(actor)
        defaults = await campaign_service.creation_defaults(actor)
        self.opt_out_mention = defaults.opt_out_mention
        if not self.form_sender:
            self.form_sender = defaults.sender

    def _clear_form(self) -> None:
        self.editing_id = 0
        self.edited_warning = ""
        self.form_name = self.form_sender = self.form_content = ""
        self.chosen_template, self.placeholder_values = "", {}
        self.placeholders_checked = False
        self.form_kind = CampaignKind.MARKETING.value

    @rx.event
    async def open_modify(self, campaign_id: int, name: str):
        """Open the form filled with the campaign (« Modifier la campagne »)."""
        try:
            form = await modify.modification_form((await self._actor()), campaign_id)
        except ServiceError as error:
            yield rx.toast.error(error.user_message)
            return
        self._clear_form()
        self.editing_id = campaign_id
        self.form_name, self.form_kind = form.name, form.kind
        self.form_sender, self.form_content = form.sender, form.text
        self.opt_out_mention = form.opt_out_mention
        self.edited_warning = form.edited_warning
        self.form_banner = ""
        self.form_errors = dict(_EMPTY_FORM_ERRORS)
        self.template_options = await sms_templates.list_templates(await self._actor())
        self.create_open = True

    async def _submit_modify(self):
        try:
            outcome = await modify.modify_campaign(
                (await self._actor()), self.editing_id, self._draft()
            )
        except InvalidInput as error:
            self.form_errors = {**_EMPTY_FORM_ERRORS, **error.field_errors}
            self.placeholders_checked = True
            self.creating = False
            return
        except ServiceError as error:
            self.form_banner = error.user_message
            self.creating = False
            await self._refresh()
            return
        self.creating = False
        self.create_open = False
        self._clear_form()
        await self._refresh()
        yield rx.toast.success(outcome.message)

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
        if self.editing_id:
            async for event in self._submit_modify():
                yield event
            return
        try:
            row = await campaign_service.create_campaign(
                (await self._actor()), self._draft()
            )
        except InvalidInput as error:
            self.form_errors = {**_EMPTY_FORM_ERRORS, **error.field_errors}
            self.placeholders_checked = True
            self.creating = False
            return
        except ServiceError as error:
            self.form_banner = error.user_message
            self.creating = False
            return
        self.creating = False
        self.create_open = False
        self.form_name = self.form_sender = self.form_content = ""
        self.chosen_template, self.placeholder_values = "", {}
        self.placeholders_checked = False
        self.form_kind = CampaignKind.MARKETING.value
        await self._show_newest_first()
        yield CampaignsState.show_address
        yield rx.toast.success(
            f"La campagne « {row.name} » a été créée au statut Brouillon."
        )


S = CreateCampaignState
MODIFY_NOTE = (
    "Les modifications remplacent la campagne dans Sarbacane : ses destinataires "
    "et ses listes d'exclusion sont conservés."
)


def _name_field() -> rx.Component:
    return text_field(
        "Nom de la campagne",
        "campaign-name",
        S.form_name,
        S.set_form_name,
        error=S.form_errors["name"],
        help_text=help_note(f"{NAME_NOTE} {NAME_LIMIT_NOTE}"),
        placeholder="Ex. : Relance inscriptions janvier",
        max_length=NAME_MAX_LENGTH,
    )


def _kind_field() -> rx.Component:
    return rx.vstack(
        rx.el.label("Type", id="campaign-kind-label", class_name="field-label"),
        rx.radio_group.root(
            rx.hstack(
                *[
                    checkbox_row(
                        rx.radio_group.item(value=kind.value),
                        rx.text(KIND_LABELS[kind], size="2"),
                    )
                    for kind in CampaignKind
                ],
                spacing="5",
            ),
            value=S.form_kind,
            on_change=S.set_form_kind,
            aria_labelledby="campaign-kind-label",
            id="campaign-kind",
            name="campaign-kind",
        ),
        rx.cond(
            S.form_kind == CampaignKind.NOTIFICATION.value,
            rx.callout(
                NOTIFICATION_NOTE, icon="triangle-alert", color_scheme="amber", size="1"
            ),
            rx.text(
                "La mention de désinscription « ",
                S.opt_out_mention,
                " » est ajoutée à la fin du SMS.",
                size="1",
                color_scheme="gray",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _sender_field() -> rx.Component:
    return text_field(
        "Libellé de l'expéditeur",
        "campaign-sender",
        S.form_sender,
        S.set_form_sender,
        error=S.form_errors["sender"],
        help_text=help_note(SENDER_HELP),
        placeholder="Ex. : CentreForm",
        max_length=11,
    )


def _template_field() -> rx.Component:
    return rx.cond(
        S.template_options.length() > 0,
        form_field(
            "Modèle",
            rx.el.select(
                rx.el.option("Aucun modèle", value=""),
                rx.foreach(
                    S.template_options,
                    lambda t: rx.el.option(t.name, value=t.id.to(str)),
                ),
                id="campaign-template",
                value=S.chosen_template,
                on_change=S.choose_template,
                class_name="native-select",
            ),
            field_id="campaign-template",
            error=rx.Var.create(""),
        ),
    )


def _placeholder_input(field: rx.Var) -> rx.Component:
    field_id = "placeholder-" + field["key"]
    missing = field["missing"] != ""
    return rx.vstack(
        rx.el.label(field["label"], html_for=field_id, class_name="field-label"),
        rx.input(
            id=field_id,
            value=field["value"],
            on_change=lambda value: S.set_placeholder(field["key"], value),
            aria_invalid=rx.cond(missing, "true", "false"),
            aria_describedby=rx.cond(missing, field_id + "-missing", ""),
            color_scheme=rx.cond(missing, "red", "gray"),
            variant=rx.cond(missing, "soft", "surface"),
            size="2",
            width="100%",
        ),
        rx.cond(
            missing,
            rx.text(
                "À renseigner.",
                id=field_id + "-missing",
                size="1",
                color_scheme="red",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _placeholder_fields() -> rx.Component:
    return rx.cond(
        S.placeholder_fields.length() > 0,
        rx.vstack(
            help_note(
                "Complétez les champs du modèle : ils remplacent les {…} du texte."
            ),
            rx.grid(
                rx.foreach(S.placeholder_fields, _placeholder_input),
                columns="2",
                spacing="3",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _content_field() -> rx.Component:
    return form_field(
        "Contenu du SMS",
        rx.text_area(
            id="campaign-content",
            name="campaign-content",
            value=S.form_content,
            on_change=S.set_form_content,
            placeholder="Saisissez le contenu du SMS à envoyer.",
            rows="5",
            size="3",
        ),
        field_id="campaign-content",
        error=S.form_errors["content"],
        help_text=rx.vstack(
            rx.text(
                S.sms_counter,
                size="1",
                color_scheme="gray",
                id="sms-counter",
                aria_live="polite",
            ),
            rx.cond(
                S.non_gsm_warning != "",
                rx.hstack(
                    rx.text(S.non_gsm_warning, size="1", color_scheme="amber"),
                    rx.button(
                        "Remplacer ces caractères",
                        size="1",
                        variant="soft",
                        color_scheme="amber",
                        on_click=S.replace_non_gsm,
                        type="button",
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
            ),
            spacing="1",
        ),
    )


def _phone_preview() -> rx.Component:
    """The sender label and the final text (opt-out mention included), cut
    where each SMS part ends."""
    return phone_preview(
        S.preview_sender,
        S.preview_parts,
        "Le SMS s'affiche ici pendant que vous l'écrivez.",
        title="Aperçu sur le téléphone",
    )


def create_campaign_modal() -> rx.Component:
    form = rx.vstack(
        _name_field(),
        _kind_field(),
        _sender_field(),
        _template_field(),
        _content_field(),
        _placeholder_fields(),
        spacing="4",
        width="100%",
    )
    editing = S.editing_id > 0
    return modal(
        rx.cond(
            editing, ACTION_INFO[Action.MODIFY].label, "Créer une campagne standard"
        ),
        error_callout(S.form_banner),
        rx.cond(
            S.edited_warning != "",
            rx.callout(
                S.edited_warning,
                icon="triangle-alert",
                color_scheme="amber",
                id="edited-in-sarbacane",
            ),
        ),
        rx.el.div(form, _phone_preview(), class_name="create-layout"),
        buttons=[
            close_button("Annuler"),
            rx.button(
                rx.cond(editing, "Enregistrer les modifications", "Créer la campagne"),
                type="submit",
                loading=S.creating,
            ),
        ],
        description=[
            rx.cond(
                editing,
                MODIFY_NOTE,
                "La campagne sera créée au statut Brouillon.",
            )
        ],
        on_submit=S.submit_create,
        open_=S.create_open,
        on_open_change=S.set_create_open,
        width="1000px",
    )
