"""The creation form's rule on a campaign's name (domain/campaign.py)."""

from __future__ import annotations

from sms_hub.domain.campaign import (
    NAME_MAX_LENGTH,
    CampaignKind,
    NewCampaign,
    validate_new_campaign,
)

TOO_LONG = "Le nom de la campagne ne peut pas dépasser 100 caractères."


def _errors(name: str) -> dict[str, str]:
    form = NewCampaign.from_form(name, CampaignKind.MARKETING.value, "CentreForm", "Hi")
    return validate_new_campaign(form, content_parts=1)


def test_the_limit_is_a_hundred_characters():
    assert NAME_MAX_LENGTH == 100


def test_a_name_of_the_maximum_length_is_accepted():
    assert _errors("R" * 100) == {}
    assert _errors("é" * 100) == {}


def test_a_longer_name_is_refused_with_a_french_message():
    assert _errors("R" * 101) == {"name": TOO_LONG}
    assert _errors("R" * 300) == {"name": TOO_LONG}


def test_spaces_around_the_name_do_not_count():
    assert _errors("  " + "R" * 100 + "  ") == {}


def test_an_empty_name_is_still_refused_as_missing():
    assert _errors("   ")["name"].startswith("Le nom de la campagne est obligatoire.")
