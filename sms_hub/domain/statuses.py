"""The names pages import from before the lifecycle table: see ``lifecycle``."""

from sms_hub.domain.lifecycle import (
    ACTION_INFO,
    ACTION_ORDER,
    ACTIVE_STATUSES,
    CANCEL_WARNING,
    NO_FAILURE,
    RELAUNCH_WARNING,
    STATUS_INFO,
    STUCK_WARNING,
    Action,
    ActionInfo,
    Status,
    StatusInfo,
    is_allowed,
    is_stuck,
    refusal,
    status_from_sarbacane,
)

__all__ = [
    "ACTION_INFO",
    "ACTION_ORDER",
    "ACTIVE_STATUSES",
    "CANCEL_WARNING",
    "NO_FAILURE",
    "RELAUNCH_WARNING",
    "STATUS_INFO",
    "STUCK_WARNING",
    "Action",
    "ActionInfo",
    "Status",
    "StatusInfo",
    "is_allowed",
    "is_stuck",
    "refusal",
    "status_from_sarbacane",
]
