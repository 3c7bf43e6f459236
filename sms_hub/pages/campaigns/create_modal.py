"""Modal "Créer une campagne standard"."""

from __future__ import annotations

import reflex as rx

from sms_hub.components.form_field import form_field, help_note
from sms_hub.domain.campaign import (
    KIND_LABELS,
    NAME_NOTE,
    NOTIFICATION_NOTE,
    CampaignKind,
)
from sms_hub.domain.sender import SENDER_HELP
from sms_hub.pages.campaigns.state import CampaignsState

S = CampaignsState


def _name_field() -> rx.Component:
    return form_field(
        "Nom de la campagne",
        rx.input(
            id="campaign-name",
            name="campaign-name",
            value=S.form_name,
            on_change=S.set_form_name,
            placeholder="Ex. : Relance inscriptions janvier",
            max_length=100,
            size="3",
        ),
        field_id="campaign-name",
        error=S.form_errors["name"],
        help_text=help_note(NAME_NOTE),
    )


def _kind_field() -> rx.Component:
    return rx.vstack(
        rx.el.label("Type", id="campaign-kind-label", class_name="field-label"),
        rx.radio_group.root(
            rx.hstack(
                *[
                    rx.el.label(
                        rx.hstack(
                            rx.radio_group.item(value=kind.value),
                            rx.text(KIND_LABELS[kind], size="2"),
                            spacing="2",
                            align="center",
                        ),
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
    return form_field(
        "Libellé de l'expéditeur",
        rx.input(
            id="campaign-sender",
            name="campaign-sender",
            value=S.form_sender,
            on_change=S.set_form_sender,
            placeholder="Ex. : CentreForm",
            max_length=11,
            size="3",
        ),
        field_id="campaign-sender",
        error=S.form_errors["sender"],
        help_text=help_note(SENDER_HELP),
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


def create_campaign_modal() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Créer une campagne standard"),
            rx.dialog.description(
                "La campagne sera créée au statut Brouillon.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    rx.cond(
                        S.form_banner != "",
                        rx.callout(
                            S.form_banner,
                            icon="circle-alert",
                            color_scheme="red",
                            role="alert",
                        ),
                    ),
                    _name_field(),
                    _kind_field(),
                    _sender_field(),
                    _content_field(),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                "Annuler",
                                variant="soft",
                                color_scheme="gray",
                                type="button",
                            )
                        ),
                        rx.button(
                            "Créer la campagne", type="submit", loading=S.creating
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="4",
                    margin_top="1em",
                ),
                on_submit=S.submit_create,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=S.create_open,
        on_open_change=S.set_create_open,
    )
