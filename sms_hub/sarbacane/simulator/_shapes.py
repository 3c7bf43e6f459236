"""How the simulated API words its answers: the shapes of the public evidence.

``docs/sarbacane-api.md`` (« Corrections from public evidence ») leaves some
shapes open; the response style (setting ``SIMULATOR_RESPONSE_STYLE``, knob
``response_style``) picks one side of each, so that the client can be run
against every shape Sarbacane may answer:

============================== ============================ ==========================
answer                         ``likely`` (default)         ``alternative``
============================== ============================ ==========================
``GET /reports/{id}``          object keyed by send id      list of per-send objects
``state`` of a campaign        in ``GET /campaigns/{id}``   absent: only the ``state``
                               and in ``GET /campaigns``    filter of the list tells it
lock error message             ``rpc error: code = Unknown  ``FAILED TO ACQUIRE LOCK``
                               desc = FAILED TO ACQUIRE
                               LOCK``
============================== ============================ ==========================

Both styles answer ``GET /credits`` as the bare list of credit entries (an
``EMAIL_CAMPAIGNS`` entry beside the ``SMS`` one) and exclusion-list
entries as ``{email, phones, state}``.

The store keeps its own richer records (the stand-in pages read them); the
routes turn them into these shapes on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sms_hub.settings import SIMULATOR_RESPONSE_STYLES

LIKELY, ALTERNATIVE = SIMULATOR_RESPONSE_STYLES
LOCK_CODE = "FAILED TO ACQUIRE LOCK"
#: The e-mail credits every account shows beside its SMS credits.
EMAIL_CAMPAIGN_CREDITS = 25_000


def lock_message(style: str) -> str:
    """The message of a ``500`` refused by a campaign's write lock."""
    if style == ALTERNATIVE:
        return LOCK_CODE
    return f"rpc error: code = Unknown desc = {LOCK_CODE}"


def credits(sms: int, now: float) -> list[dict[str, Any]]:
    """``GET /credits``: the account's SMS credits and e-mail credits beside them,
    both valid until the end of next year."""
    expiry = f"{datetime.fromtimestamp(now, UTC).year + 1}-12-31T23:59:59Z"
    return [
        {
            "count": sms,
            "creditType": "SMS",
            "expirationDate": expiry,
            "subscriptionType": "PREPAID",
        },
        {
            "count": EMAIL_CAMPAIGN_CREDITS,
            "creditType": "EMAIL_CAMPAIGNS",
            "expirationDate": expiry,
            "subscriptionType": "SUBSCRIPTION",
        },
    ]


def campaign(view: dict[str, Any], style: str) -> dict[str, Any]:
    """``GET /campaigns/{id}``: the campaign under ``campaign``."""
    return {"campaign": _without_state(view, style)}


def campaign_rows(rows: list[dict[str, Any]], style: str) -> list[dict[str, Any]]:
    """``GET /campaigns``: one row per campaign."""
    return [_without_state(row, style) for row in rows]


def _without_state(item: dict[str, Any], style: str) -> dict[str, Any]:
    if style != ALTERNATIVE:
        return item
    return {key: value for key, value in item.items() if key != "state"}


def report(sends: list[dict[str, Any]], style: str) -> Any:
    """``GET /reports/{id}``: per-send figures (each with its ``sendId``)."""
    if style == ALTERNATIVE:
        return sends
    return {
        send["sendId"]: {k: v for k, v in send.items() if k != "sendId"}
        for send in sends
    }
