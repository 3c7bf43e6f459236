"""The row of a campaign made in Sarbacane's interface."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sms_hub.domain.adoption import (
    FROM_HUB,
    FROM_SARBACANE,
    NO_TEMPLATE_WARNING,
    lacks_visible_text,
)
from sms_hub.domain.lifecycle import Action, Status
from sms_hub.services.views import campaign_row
from sms_hub.settings import get_settings
from tests.support.factories import campaign_model


def test_an_adopted_campaign_is_marked_and_has_the_same_actions():
    adopted = campaign_row(campaign_model(origin=FROM_SARBACANE), get_settings())
    own = campaign_row(campaign_model(), get_settings())
    assert adopted.adopted and not own.adopted
    assert adopted.actions == own.actions


def test_an_adopted_campaign_stuck_under_received_shows_the_cancel_warning():
    long_ago = datetime.now(UTC) - timedelta(days=1)
    row = campaign_row(
        campaign_model(
            origin=FROM_SARBACANE,
            content="",
            status=Status.RECEIVED.value,
            status_changed_at=long_ago,
        ),
        get_settings(),
    )
    assert row.stuck
    cancel = next(a for a in row.actions if a.key == Action.CANCEL.value)
    assert cancel.enabled


def test_only_a_campaign_made_in_sarbacane_without_visible_text_warns():
    assert lacks_visible_text(FROM_SARBACANE, "")
    assert lacks_visible_text(FROM_SARBACANE, "  ")
    assert not lacks_visible_text(FROM_SARBACANE, "Bonjour")
    assert not lacks_visible_text(FROM_HUB, "")
    assert "sans modèle de SMSing" in NO_TEMPLATE_WARNING
