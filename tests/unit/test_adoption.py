"""Which campaigns of a Sarbacane account SMS Hub may show: standard SMS only."""

from __future__ import annotations

import pytest

from sms_hub.domain.adoption import ADOPTABLE_KINDS, is_adoptable
from sms_hub.domain.campaign import CampaignKind


@pytest.mark.parametrize("kind", ["SMS_MARKETING", "SMS_NOTIFICATION"])
def test_standard_sms_campaigns_are_adoptable(kind: str) -> None:
    assert is_adoptable(kind)


def test_every_kind_the_creation_form_offers_is_adoptable() -> None:
    assert {str(kind) for kind in CampaignKind} == set(ADOPTABLE_KINDS)
    assert all(is_adoptable(kind) for kind in CampaignKind)


@pytest.mark.parametrize(
    "kind",
    [
        "EMAIL",
        "EMAIL_STANDARD",
        "SMS_AUTOMATION",  # automated: not shown, though it starts like an SMS kind
        "AUTOMATION",
        "SMS",
        "SMS_MARKETING_AUTOMATION",
        "",
        "   ",
    ],
)
def test_e_mail_automated_and_unknown_kinds_are_not_adoptable(kind: str) -> None:
    assert not is_adoptable(kind)


def test_a_kind_is_read_as_sarbacane_writes_it_whatever_its_case_or_spaces() -> None:
    assert is_adoptable(" sms_marketing ")
    assert is_adoptable("Sms_Notification")


def test_a_missing_kind_is_not_adoptable() -> None:
    assert not is_adoptable(None)


def test_a_name_sms_hub_wrote_is_recognised_and_a_person_s_is_not():
    from sms_hub.domain.campaign import made_by_hub, sarbacane_name

    assert made_by_hub(sarbacane_name("Relance janvier", "H3E-0123456789ab"))
    assert not made_by_hub("Relance janvier")
    assert not made_by_hub("Relance [H3E-court]")
    assert not made_by_hub(None)
