"""The Sarbacane account a campaign was made in, and changing the centre's."""

from __future__ import annotations

import pytest

from sms_hub.domain.centre_settings import account_change_refusal, made_in_account


@pytest.mark.parametrize(
    ("recorded", "current", "own_account", "reached"),
    [
        ("acc-lyon", "acc-lyon", True, True),
        ("acc-lyon", "acc-paris", True, False),
        ("acc-demo", "acc-demo", False, True),
        ("acc-demo", "acc-lyon", True, False),
        ("", "acc-demo", False, True),  # stored before it was recorded, demo centre
        ("", "acc-lyon", True, False),
    ],
)
def test_a_campaign_is_reached_only_through_its_own_account(
    recorded, current, own_account, reached
):
    assert made_in_account(recorded, current, own_account=own_account) is reached


def test_the_refusal_names_how_many_campaigns_are_active():
    assert account_change_refusal(0) is None
    one, many = account_change_refusal(1), account_change_refusal(1234)
    assert "1 campagne active (" in one
    assert "1\u202f234 campagnes actives (" in many
    for message in (one, many):
        assert "(Planifiée, Reçue par le serveur d'envoi ou Envoi en cours)" in message
        assert "annulez-les d'abord" in message
