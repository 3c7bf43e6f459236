"""The simulated Sarbacane and its accounts: :class:`Store` gathers its parts.

================ =======================================================
``_db``          the SQLite file: schema, connections, seed
``_accounts``    the accounts, and the view of the store for one of them
``_knobs``       test knobs (``/_admin/faults``) and request counts
``_locks``       per-campaign write locks
``_campaigns``   campaigns, and the lookups shared by their resources
``_recipients``  recipients of a campaign
``_blacklists``  exclusion lists, fed with the outcomes of the sends
``_sending``     send and cancel
``_reports``     send statistics, recipient outcomes, credits
================ =======================================================
"""

from __future__ import annotations

from sms_hub.sarbacane.simulator._accounts import Accounts
from sms_hub.sarbacane.simulator._blacklists import Blacklists
from sms_hub.sarbacane.simulator._campaigns import Campaigns
from sms_hub.sarbacane.simulator._knobs import KnobsAndStats
from sms_hub.sarbacane.simulator._locks import CampaignLocks
from sms_hub.sarbacane.simulator._recipients import Recipients
from sms_hub.sarbacane.simulator._reports import Reports
from sms_hub.sarbacane.simulator._sending import Sending


class Store(
    Accounts,
    KnobsAndStats,
    CampaignLocks,
    Campaigns,
    Recipients,
    Blacklists,
    Sending,
    Reports,
):
    """All reads and writes of the simulated Sarbacane, for one account at a
    time: the account of the settings, or the one of ``for_account``."""
