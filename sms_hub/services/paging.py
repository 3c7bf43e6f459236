"""Paging names for the pages: queries, sort columns, page counts."""

from sms_hub.domain.paging import (
    CampaignPageQuery,
    CampaignSort,
    PageQuery,
    page_count,
    page_position,
)

__all__ = [
    "CampaignPageQuery",
    "CampaignSort",
    "PageQuery",
    "page_count",
    "page_position",
]
