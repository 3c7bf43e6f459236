"""Which actions a campaign's row shows as icons, and which wait in its menu
« Plus d'actions »: a rule of the lifecycle table, not of the page."""

import pytest

from sms_hub.domain.lifecycle import (
    ACTION_ORDER,
    DOCUMENTED_ACTIONS,
    Action,
    Status,
    is_allowed,
    on_row,
    primary_actions,
)


def test_the_documented_actions_keep_the_table_order():
    assert list(DOCUMENTED_ACTIONS) == [
        a for a in ACTION_ORDER if a in DOCUMENTED_ACTIONS
    ]
    assert set(DOCUMENTED_ACTIONS) == set(Action) - {
        Action.MODIFY,
        Action.DUPLICATE,
        Action.RESEND_FAILED,
        Action.HISTORY,
    }


def test_a_draft_shows_its_documented_actions_first():
    assert primary_actions(Status.DRAFT) == (
        Action.RECIPIENTS,
        Action.OPEN_IN_SARBACANE,
        Action.EXCLUSIONS,
        Action.IMPORT_CONTACTS,
        Action.LAUNCH,
        Action.DELETE,
    )


def test_a_campaign_being_sent_shows_its_recipients_and_the_cancel():
    for status in (Status.SCHEDULED, Status.RECEIVED, Status.SENDING):
        assert primary_actions(status) == (Action.RECIPIENTS, Action.CANCEL)


def test_a_finished_campaign_shows_its_statistics():
    assert primary_actions(Status.FINISHED) == (
        Action.RECIPIENTS,
        Action.STATS_HUB3E,
        Action.STATS_SARBACANE,
        Action.DELETE,
    )


@pytest.mark.parametrize("status", list(Status))
def test_the_added_actions_always_wait_in_the_menu(status):
    for action in (
        Action.MODIFY,
        Action.DUPLICATE,
        Action.RESEND_FAILED,
        Action.HISTORY,
    ):
        assert action not in primary_actions(status)
        assert not on_row(action, status, 5, 1)


@pytest.mark.parametrize("status", list(Status))
def test_a_refused_action_is_never_an_icon_so_its_reason_is_read_in_the_menu(status):
    for action in Action:
        for recipients in (0, 3):
            if not is_allowed(action, status, recipients):
                assert not on_row(action, status, recipients)


def test_a_draft_without_recipients_moves_the_launch_to_the_menu():
    assert not on_row(Action.LAUNCH, Status.DRAFT, 0)
    assert on_row(Action.LAUNCH, Status.DRAFT, 1)


@pytest.mark.parametrize("status", list(Status))
def test_a_row_shows_at_most_six_icons(status):
    assert len(primary_actions(status)) <= 6
