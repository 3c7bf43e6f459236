"""What a paged table asks for, and how many pages it has."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sms_hub.domain.formatting import number_fr


def page_count(total: int, size: int) -> int:
    """Pages needed for ``total`` rows, ``size`` a page; an empty table has one."""
    return max(1, -(-total // size))


def page_position(page: int, count: int) -> str:
    """``Page 2 sur 1 250``: where a pager stands, numbers read the French way."""
    return f"Page {number_fr(page)} sur {number_fr(count)}"


@dataclass(frozen=True)
class PageQuery:
    """A page of contact lists or contacts: a search and a window."""

    search: str = ""
    offset: int = 0
    limit: int = 20


class CampaignSort(StrEnum):
    """The columns the campaign table sorts on (values are column names)."""

    CREATED = "created_at"
    NAME = "name"
    STATUS = "status"
    RECIPIENTS = "recipient_count"
    KIND = "kind"


@dataclass(frozen=True)
class CampaignPageQuery:
    search: str = ""
    sort: CampaignSort = CampaignSort.CREATED
    descending: bool = True
    offset: int = 0
    limit: int = 20
