"""The time zones of a campaign's recipients, for the sending calendar."""

from __future__ import annotations

from sms_hub.domain import calendar, phone
from sms_hub.services.context import Actor
from sms_hub.store import recipient_queries
from sms_hub.store.db import transaction
from sms_hub.store.models import Tenant


def recipient_zones(
    actor: Actor, campaign_id: int, tenant: Tenant
) -> tuple[calendar.RecipientZone, ...]:
    """The distinct zones (clock and holidays) of the campaign's recipients.

    One grouped query reads a number per prefix (every metropolitan number
    is one group), so a 100,000-recipient campaign costs one index scan and
    a handful of ``phonenumbers`` look-ups, not 100,000. Blocking: run it
    with ``in_thread``.
    """
    with transaction() as session:
        numbers = recipient_queries.recipient_number_samples(
            session,
            actor.tenant_id,
            campaign_id,
            phone.ZONE_PREFIX_CHARS,
            phone.SINGLE_ZONE_PREFIX,
        )
    return calendar.recipient_zones(
        numbers, tenant.holiday_subdivision, tenant.timezone
    )
