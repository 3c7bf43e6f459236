"""What a paged table asks for, and how many pages it has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

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


#: The campaigns list's place in its address (« /?page=2&tri=nom&ordre=asc&
#: recherche=x »): the sort columns by their French name.
SORT_NAMES = {
    CampaignSort.CREATED: "creation",
    CampaignSort.NAME: "nom",
    CampaignSort.STATUS: "statut",
    CampaignSort.RECIPIENTS: "destinataires",
    CampaignSort.KIND: "type",
}
_SORTS_BY_NAME = {name: sort for sort, name in SORT_NAMES.items()}
#: The keys of the list's address.
LIST_KEYS = ("page", "tri", "ordre", "recherche")


def descending_by_default(sort: CampaignSort) -> bool:
    """Dates and counts start with the largest; names and labels from A."""
    return sort in (CampaignSort.CREATED, CampaignSort.RECIPIENTS)


@dataclass(frozen=True)
class ListPlace:
    """Where the campaigns list stands: its page, sort and search."""

    page: int = 1
    sort: CampaignSort = CampaignSort.CREATED
    descending: bool = True
    search: str = ""

    def address(self) -> str:
        """The list's address; « / » for the first page, newest first, no search."""
        parts: dict[str, str] = {}
        if self.page > 1:
            parts["page"] = str(self.page)
        if self.sort is not CampaignSort.CREATED or not self.descending:
            parts["tri"] = SORT_NAMES[self.sort]
            parts["ordre"] = "desc" if self.descending else "asc"
        if self.search:
            parts["recherche"] = self.search
        return "/" + (f"?{urlencode(parts)}" if parts else "")

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ListPlace | None:
        """The place an address names (None: it names none); odd values
        fall back to the defaults."""
        if not any(key in query for key in LIST_KEYS):
            return None
        page = query.get("page", "1")
        sort = _SORTS_BY_NAME.get(query.get("tri", ""), CampaignSort.CREATED)
        order = query.get("ordre", "")
        descending = (
            order == "desc" if order in ("asc", "desc") else descending_by_default(sort)
        )
        return cls(
            page=int(page) if page.isascii() and page.isdigit() and page != "0" else 1,
            sort=sort,
            descending=descending,
            search=query.get("recherche", "")[:200],
        )
