"""Placeholders of SMS templates are filled, never sent as braces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sms_hub.domain.sms_templates import (
    PLACEHOLDERS,
    STARTERS,
    fill,
    placeholder_error,
    placeholders_in,
    unfilled,
    unknown_placeholders,
    validate_template,
)
from sms_hub.domain.sms_text import GSM, measure


def test_placeholders_are_found_once_in_order_and_unknown_braces_ignored():
    text = "Le {date} à {heure}, {lieu}, le {date} ; {prenom}"
    assert placeholders_in(text) == ["date", "heure", "lieu"]


def test_filling_replaces_only_the_values_given():
    text = "Formation {formation} le {date}"
    assert (
        fill(text, {"formation": "SST", "date": " 12/01 "}) == "Formation SST le 12/01"
    )
    assert fill(text, {"formation": "SST"}) == "Formation SST le {date}"
    assert unfilled(text, {"formation": "SST", "date": " "}) == ["date"]


def test_the_starters_are_gsm_once_filled():
    values = {"date": "12/01", "heure": "9h", "lieu": "salle 2", "formation": "SST"}
    for _, content in STARTERS:
        filled = fill(content, values)
        assert "{" not in filled
        assert measure(filled).encoding == GSM


def test_a_template_needs_a_name_and_a_text():
    assert set(validate_template(" ", "")) == {"name", "content"}
    assert validate_template("Rappel", "Bonjour") == {}
    assert "name" in validate_template("N" * 81, "Bonjour")


def test_a_campaign_text_with_an_unfilled_placeholder_is_refused():
    from sms_hub.domain.campaign import CampaignKind, NewCampaign, validate_new_campaign

    draft = NewCampaign("Rappel", CampaignKind.NOTIFICATION, "CentreForm", "Le {date}")
    errors = validate_new_campaign(draft, 1)
    assert errors == {
        "content": "Renseignez les champs du modèle avant de créer la campagne : "
        "« Date »."
    }


def test_a_field_the_app_does_not_know_is_named_never_sent_as_braces():
    text = "Bonjour {prenom}, le {date} ({ Lieu }) {prenom} {1} {} { }"
    assert unknown_placeholders(text) == ["{prenom}", "{ Lieu }"]
    assert unknown_placeholders("Le {date} à {heure}") == []
    assert placeholder_error("Bonjour {prenom}") == (
        "Champ inconnu : {prenom}. "
        "Les champs possibles sont {date}, {heure}, {lieu}, {formation}."
    )
    assert validate_template("Accueil", "Bonjour {prenom}") == {
        "content": "Champ inconnu : {prenom}. "
        "Les champs possibles sont {date}, {heure}, {lieu}, {formation}."
    }


def test_unfilled_fields_are_named_by_their_labels_before_unknown_ones():
    assert placeholder_error("Le {lieu}, {prenom}, à {heure}") == (
        "Renseignez les champs du modèle avant de créer la campagne : "
        "« Lieu », « Heure »."
    )
    assert placeholder_error("Plain braces { } and {1} are text") == ""


def test_a_campaign_text_with_an_unknown_field_is_refused():
    from sms_hub.domain.campaign import CampaignKind, NewCampaign, validate_new_campaign

    draft = NewCampaign("Rappel", CampaignKind.NOTIFICATION, "CentreForm", "{Nom}")
    assert validate_new_campaign(draft, 1)["content"].startswith(
        "Champ inconnu : {Nom}."
    )


_FRAGMENTS = st.lists(
    st.sampled_from([*(f"{{{name}}}" for name in PLACEHOLDERS), "{", "}", "a é", "\n"])
)
_VALUES = st.text(alphabet="xyz 9h/", min_size=1).filter(str.strip)


@given(_FRAGMENTS, st.fixed_dictionaries({name: _VALUES for name in PLACEHOLDERS}))
def test_once_every_field_is_filled_no_placeholder_is_left(fragments, values):
    filled = fill("".join(fragments), values)
    assert placeholders_in(filled) == []
    assert unfilled("".join(fragments), values) == []
