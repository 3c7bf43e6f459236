"""Paging and sorting types the pages need, exposed by the service layer."""

from __future__ import annotations

from sms_hub.store.contact_queries import PageQuery
from sms_hub.store.queries import CampaignPageQuery, CampaignSort


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` rows fill, at least one."""
    return max(1, -(-total // size))


__all__ = ["CampaignPageQuery", "CampaignSort", "PageQuery", "page_count"]
