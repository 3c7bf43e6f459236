"""The lifecycle table: every rule derived from it agrees with it."""

import pytest

from sms_hub.domain import lifecycle
from sms_hub.domain.audit import AuditAction, AuditOutcome
from sms_hub.domain.campaign import CampaignKind, final_text, has_opt_out
from sms_hub.domain.lifecycle import (
    ACTIVE_STATUSES,
    INITIAL_STATUS,
    RULES,
    Action,
    Status,
    already_done,
    claim,
    is_allowed,
    refusal,
    status_after_sync,
)
from sms_hub.domain.paging import page_count

PAIRS = [(action, status) for action in Action for status in Status]


def test_every_action_has_a_rule():
    assert set(RULES) == set(Action)


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_refusal_is_the_rule_of_the_table(action, status):
    rule = RULES[action]
    expected = None if status in rule.allowed_from else rule.refused
    assert refusal(action, status, recipient_count=1) == expected


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_only_the_launch_needs_a_recipient(action, status):
    with_none = is_allowed(action, status, 0)
    with_one = is_allowed(action, status, 1)
    assert with_none == (with_one and not RULES[action].needs_recipient)


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_a_repeat_is_never_an_allowed_action(action, status):
    if already_done(action, status):
        assert not is_allowed(action, status, 1)


@pytest.mark.parametrize(
    ("action", "dated"),
    [(Action.LAUNCH, False), (Action.LAUNCH, True), (Action.CANCEL, False)],
)
def test_the_claim_starts_where_the_action_is_allowed(action, dated):
    taken = claim(action, dated=dated)
    assert taken.from_statuses == {s for s in Status if is_allowed(action, s, 1)}
    assert already_done(action, taken.to_status)
    assert taken.undo(Status.DRAFT).from_statuses == {taken.to_status}
    assert taken.undo(Status.DRAFT).to_status is Status.DRAFT


def test_where_launch_cancel_and_delete_lead():
    assert claim(Action.LAUNCH).to_status is Status.RECEIVED
    assert claim(Action.LAUNCH, dated=True).to_status is Status.SCHEDULED
    assert claim(Action.CANCEL).to_status is Status.CANCELLED
    assert RULES[Action.DELETE].removes_campaign
    # A delete holds the campaign while Sarbacane deletes it: no launch then.
    assert claim(Action.DELETE).to_status is Status.DELETING
    assert Status.DELETING not in claim(Action.LAUNCH).from_statuses
    assert Status.DELETING in claim(Action.DELETE).from_statuses  # asked again
    with pytest.raises(ValueError):
        claim(Action.DUPLICATE)


def test_launch_leads_to_the_statuses_a_cancel_starts_from():
    launched = {claim(Action.LAUNCH, dated=d).to_status for d in (False, True)}
    assert launched <= RULES[Action.CANCEL].allowed_from == ACTIVE_STATUSES


def test_sarbacane_states_of_the_table():
    assert lifecycle.sarbacane_state(INITIAL_STATUS) == "DRAFT"
    assert lifecycle.REMOTE_ACTIVE_STATES == ("MODERATION", "ROUTING")
    assert lifecycle.REMOTE_SENDING_STATE == "ROUTING"
    assert lifecycle.sarbacane_state(Status.SCHEDULED) is None


@pytest.mark.parametrize("local", list(Status))
def test_a_stopped_campaign_is_cancelled_only_when_a_cancel_is_allowed(local):
    moved = status_after_sync(local, None, stopped=True)
    expected = Status.CANCELLED if is_allowed(Action.CANCEL, local, 1) else None
    assert moved is expected


def test_the_poller_follows_sarbacane_states_but_never_back_to_draft():
    assert status_after_sync(Status.RECEIVED, "ROUTING", stopped=False) is (
        Status.SENDING
    )
    assert status_after_sync(Status.SENDING, "FINISH", stopped=False) is (
        Status.FINISHED
    )
    assert status_after_sync(Status.SENDING, "ROUTING", stopped=False) is None
    assert status_after_sync(Status.RECEIVED, "DRAFT", stopped=False) is None
    assert status_after_sync(Status.RECEIVED, "ARCHIVED", stopped=False) is None


def test_audit_values_are_the_stored_strings():
    assert [a.value for a in AuditAction] == [
        "create",
        "delete",
        "launch",
        "cancel",
        "import_contacts",
        "exclusions",
        "duplicate",
        "resend_failed",
        "settings",
        "list_create",
        "list_rename",
        "list_delete",
        "list_import",
        "template_create",
        "template_edit",
        "template_delete",
        "modify",
        "contact_export",
        "contact_erase",
    ]
    assert [o.value for o in AuditOutcome] == ["ok", "failed"]


@pytest.mark.parametrize(
    ("total", "size", "pages"), [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2)]
)
def test_page_count(total, size, pages):
    assert page_count(total, size) == pages


def test_the_opt_out_mention_follows_marketing_texts_only():
    assert has_opt_out(CampaignKind.MARKETING)
    assert has_opt_out("SMS_MARKETING")
    assert not has_opt_out(CampaignKind.NOTIFICATION)
    assert final_text("Bonjour", CampaignKind.MARKETING, "STOP au 36111").endswith(
        "STOP au 36111"
    )
    assert final_text("Bonjour", "SMS_NOTIFICATION", "STOP au 36111") == "Bonjour"


def test_a_sarbacane_draft_under_received_goes_back_to_draft_after_the_wait():
    from datetime import timedelta

    from sms_hub.domain.lifecycle import status_when_never_sent

    wait = timedelta(minutes=10)
    later, sooner = wait + timedelta(seconds=1), wait - timedelta(seconds=1)
    assert status_when_never_sent(Status.RECEIVED, "DRAFT", later, wait) is (
        Status.DRAFT
    )
    assert status_when_never_sent(Status.RECEIVED, "DRAFT", wait, wait) is Status.DRAFT
    # The launch's call may still be on its way: left alone.
    assert status_when_never_sent(Status.RECEIVED, "DRAFT", sooner, wait) is None
    # Only a Sarbacane draft, only under « Reçue ».
    assert status_when_never_sent(Status.RECEIVED, "MODERATION", later, wait) is None
    assert status_when_never_sent(Status.RECEIVED, None, later, wait) is None
    for local in (Status.SCHEDULED, Status.SENDING, Status.CANCELLED):
        assert status_when_never_sent(local, "DRAFT", later, wait) is None


def test_the_stop_list_is_required_for_sms_marketing_only():
    from sms_hub.domain.campaign import (
        UNSUBSCRIBE_LIST_ID,
        lacks_unsubscribe_list,
        with_unsubscribe_list,
    )

    stop = (UNSUBSCRIBE_LIST_ID, "Désinscrits STOP")
    other = ("BL2", "Anciens stagiaires")
    available = dict([stop, other])
    assert lacks_unsubscribe_list("SMS_MARKETING", [])
    assert lacks_unsubscribe_list("SMS_MARKETING", ["BL2"])
    assert not lacks_unsubscribe_list("SMS_MARKETING", [UNSUBSCRIBE_LIST_ID])
    assert not lacks_unsubscribe_list("SMS_NOTIFICATION", [])
    assert with_unsubscribe_list("SMS_MARKETING", [other], available) == [other, stop]
    assert with_unsubscribe_list("SMS_MARKETING", [stop], available) == [stop]
    assert with_unsubscribe_list("SMS_NOTIFICATION", [], available) == []
    assert with_unsubscribe_list("SMS_MARKETING", [], {}) == []  # none to add
