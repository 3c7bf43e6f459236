"""The recipients of a campaign made in Sarbacane's interface, read there.

Sarbacane holds them (Hub3E only knows those it imported itself), so
« Voir la liste des destinataires » reads ``GET /campaigns/{id}/recipients``
by pages of 1000 (at most ``MAX_PAGES`` pages), then searches and pages
what it read as the local list does.
"""

from __future__ import annotations

from sms_hub.domain.phone import display_phone
from sms_hub.services.context import Actor
from sms_hub.services.gateway import sarbacane_call
from sms_hub.services.guard import CampaignInCentre


async def recipients_page(
    actor: Actor,
    found: CampaignInCentre,
    *,
    search: str,
    offset: int,
    limit: int,
) -> tuple[list[tuple[str, str, str]], int]:
    """(email, phone, phone as shown) of one page, and how many match."""
    client = found.sarbacane()
    wanted = search.strip().lower()
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    async with sarbacane_call(actor):
        async for page in client.recipient_pages(found.campaign.sarbacane_id):
            for recipient in page.items:
                phone, email = recipient.phone or "", recipient.email or ""
                key = phone or email
                if key in seen:
                    continue
                seen.add(key)
                shown = display_phone(phone) if phone else ""
                if wanted and not any(
                    wanted in text.lower() for text in (phone, shown, email)
                ):
                    continue
                rows.append((email, phone, shown))
    return rows[offset : offset + limit], len(rows)
