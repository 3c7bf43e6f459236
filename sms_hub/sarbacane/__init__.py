"""The Sarbacane gateway: an async client of Sarbacane's campaign API.

``simulator/`` serves the same API locally (demos and tests).
"""

from sms_hub.sarbacane._client import MAX_BATCH, MAX_PAGES, SarbacaneClient
from sms_hub.sarbacane._errors import (
    ErrorKind,
    SarbacaneConfigError,
    SarbacaneError,
    SarbacaneNotFound,
    SarbacaneRejected,
    SarbacaneUnavailable,
)
from sms_hub.sarbacane._models import (
    KNOWN_STATES,
    AccountInfo,
    Blacklist,
    BlacklistEntry,
    CampaignRef,
    CampaignReport,
    CampaignSummary,
    CreditEntry,
    Credits,
    ListingPage,
    Recipient,
    RecipientIn,
    RecipientReport,
    RemoteCampaign,
    SendReport,
)
from sms_hub.sarbacane._registry import close_clients, get_client

__all__ = [
    "KNOWN_STATES",
    "MAX_BATCH",
    "MAX_PAGES",
    "AccountInfo",
    "Blacklist",
    "BlacklistEntry",
    "CampaignRef",
    "CampaignReport",
    "CampaignSummary",
    "CreditEntry",
    "Credits",
    "ErrorKind",
    "ListingPage",
    "Recipient",
    "RecipientIn",
    "RecipientReport",
    "RemoteCampaign",
    "SarbacaneClient",
    "SarbacaneConfigError",
    "SarbacaneError",
    "SarbacaneNotFound",
    "SarbacaneRejected",
    "SarbacaneUnavailable",
    "SendReport",
    "close_clients",
    "get_client",
]
