"""What a campaign's row shows: counts the French way."""

from __future__ import annotations

from sms_hub.domain.formatting import number_fr
from sms_hub.domain.lifecycle import Status
from sms_hub.services.views import campaign_row
from sms_hub.settings import get_settings
from tests.support.factories import campaign_model


def test_the_recipient_count_is_grouped_by_thousands():
    row = campaign_row(campaign_model(recipient_count=30000), get_settings())
    assert row.recipient_count_label == "30\u202f000"
    assert row.recipient_count_label == number_fr(30000)


def test_the_sending_progress_is_grouped_by_thousands():
    row = campaign_row(
        campaign_model(
            status=Status.SENDING.value, recipient_count=30000, processed_count=1250
        ),
        get_settings(),
    )
    assert row.progress == "1\u202f250 / 30\u202f000 envoyés"
