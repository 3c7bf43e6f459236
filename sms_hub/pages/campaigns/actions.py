"""The actions of a campaign, wired to what each opens, and the dialogs they open.

Shared by the campaigns table and a campaign's own page: a label, its rule
and its icon live in ``domain/lifecycle.py``; here is only which handler an
in-app action calls.
"""

from __future__ import annotations

import reflex as rx

from sms_hub.domain.lifecycle import ACTION_ORDER, Action
from sms_hub.pages.campaigns.cancel_dialog import CancelState, cancel_dialog
from sms_hub.pages.campaigns.copy_dialogs import (
    DuplicateState,
    ResendState,
    duplicate_dialog,
    resend_dialog,
)
from sms_hub.pages.campaigns.create_modal import (
    CreateCampaignState,
    create_campaign_modal,
)
from sms_hub.pages.campaigns.delete_dialog import DeleteCampaignState, delete_dialog
from sms_hub.pages.campaigns.exclusions_modal import ExclusionsState, exclusions_modal
from sms_hub.pages.campaigns.history_dialog import HistoryState, history_dialog
from sms_hub.pages.campaigns.import_modal import ImportState, import_modal
from sms_hub.pages.campaigns.launch_modal import LaunchState, launch_modal
from sms_hub.pages.campaigns.recipients_modal import RecipientsState, recipients_modal
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.services.views import ActionView, CampaignRow

#: What each in-app action icon opens, called with (campaign id, name). The
#: other actions (``ACTION_INFO[action].opens_new_tab``) are links to Sarbacane.
ACTION_HANDLERS = {
    Action.RECIPIENTS: RecipientsState.open_recipients,
    Action.STATS_HUB3E: CampaignsState.open_statistics,
    Action.EXCLUSIONS: ExclusionsState.open_exclusions,
    Action.IMPORT_CONTACTS: ImportState.open_import,
    Action.LAUNCH: LaunchState.open_launch,
    Action.CANCEL: CancelState.open_cancel,
    Action.DUPLICATE: DuplicateState.open_duplicate,
    Action.MODIFY: CreateCampaignState.open_modify,
    Action.RESEND_FAILED: ResendState.open_resend,
    Action.HISTORY: HistoryState.open_history,
    Action.DELETE: DeleteCampaignState.ask_delete,
}


def action_views(row: CampaignRow) -> dict[Action, ActionView]:
    """The row's availability of each action, by action (listed in ACTION_ORDER)."""
    return {action: row.actions[i] for i, action in enumerate(ACTION_ORDER)}


def campaign_modals() -> list[rx.Component]:
    """Every dialog an action of a campaign opens (one set per page)."""
    return [
        create_campaign_modal(),
        delete_dialog(),
        recipients_modal(),
        import_modal(),
        exclusions_modal(),
        launch_modal(),
        cancel_dialog(),
        duplicate_dialog(),
        resend_dialog(),
        history_dialog(),
    ]
