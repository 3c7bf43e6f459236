"""The user documentation's status → action table, every pair, and the reasons shown."""

import pytest

from sms_hub.domain.lifecycle import (
    ACTION_INFO,
    ACTIVE_STATUSES,
    STATUS_INFO,
    Action,
    Status,
    is_allowed,
    refusal,
    status_from_sarbacane,
)

D, P, R, E, F, C, X = (
    Status.DRAFT,
    Status.SCHEDULED,
    Status.RECEIVED,
    Status.SENDING,
    Status.FINISHED,
    Status.CANCELLED,
    Status.DELETING,  # transient: a delete holds the campaign meanwhile
)

#: allowed statuses per action, with at least one recipient (design.md's table)
EXPECTED = {
    Action.RECIPIENTS: {D, P, R, E, F, C, X},
    Action.STATS_HUB3E: {F},
    Action.STATS_SARBACANE: {F},
    Action.OPEN_IN_SARBACANE: {D},
    Action.EXCLUSIONS: {D, C},
    Action.IMPORT_CONTACTS: {D, C},
    Action.LAUNCH: {D, C},
    Action.CANCEL: {P, R, E},
    Action.DUPLICATE: {D, P, R, E, F, C, X},
    Action.MODIFY: {D, C},
    Action.RESEND_FAILED: {F},
    Action.HISTORY: {D, P, R, E, F, C, X},
    Action.DELETE: {D, F, C, X},
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_status_action_pair_follows_the_table(action, status):
    assert is_allowed(action, status, recipient_count=1) == (status in EXPECTED[action])


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_a_refused_action_always_says_why_in_french(action, status):
    reason = refusal(action, status, recipient_count=1)
    if status in EXPECTED[action]:
        assert reason is None
    else:
        assert reason and reason[0].isupper() and reason.endswith(".")


def test_launch_needs_at_least_one_recipient():
    assert refusal(Action.LAUNCH, Status.DRAFT, 0) == (
        "La campagne doit comporter au minimum 1 destinataire : "
        "importez d'abord les contacts d'une liste."
    )
    assert refusal(Action.LAUNCH, Status.CANCELLED, 0) is not None
    assert is_allowed(Action.LAUNCH, Status.DRAFT, 1)


def test_delete_while_sending_says_cancel_first():
    for status in (Status.SCHEDULED, Status.RECEIVED, Status.SENDING):
        assert refusal(Action.DELETE, status, 5) == (
            "Les campagnes en cours d'envoi ne peuvent pas être supprimées "
            "directement et doivent d'abord être annulées."
        )


def test_statistics_only_when_finished_says_so():
    assert refusal(Action.STATS_HUB3E, Status.DRAFT, 3) == (
        "Disponible uniquement lorsque la campagne est au statut Envoi terminé."
    )


def test_six_badges_with_the_user_documentation_labels_and_the_transient_delete():
    # « … sera au statut Brouillon », « … au statut Envoi terminé », « … restera
    # bloquée au statut Reçue par le serveur d'envoi », « … passe au statut Envoi
    # annulé par l'utilisateur » (the user documentation's words).
    assert [STATUS_INFO[s].label for s in Status] == [
        "Brouillon",
        "Planifiée",
        "Reçue par le serveur d'envoi",
        "Envoi en cours",
        "Envoi terminé",
        "Envoi annulé par l'utilisateur",
        "Suppression en cours",
    ]
    assert STATUS_INFO[Status.SENDING].animated
    assert len({info.colour for info in STATUS_INFO.values()}) == 7


def test_sarbacane_states_map_to_badges_and_unknown_states_do_not_crash():
    assert status_from_sarbacane("DRAFT") is Status.DRAFT
    assert status_from_sarbacane("MODERATION") is Status.RECEIVED
    assert status_from_sarbacane("routing") is Status.SENDING
    assert status_from_sarbacane("FINISH") is Status.FINISHED
    assert status_from_sarbacane("ARCHIVED") is None
    assert status_from_sarbacane(None) is None


def test_active_statuses_are_the_ones_that_can_be_cancelled():
    assert {s for s in Status if is_allowed(Action.CANCEL, s, 1)} == ACTIVE_STATUSES


def test_thirteen_actions_each_with_a_distinct_tooltip():
    labels = [ACTION_INFO[a].label for a in Action]
    assert len(labels) == 13 == len(set(labels))


def test_a_campaign_stuck_in_received_is_flagged_after_the_threshold():
    from datetime import UTC, datetime, timedelta

    from sms_hub.domain.lifecycle import is_stuck

    since = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    threshold = timedelta(minutes=10)
    assert not is_stuck(Status.RECEIVED, since, since + timedelta(minutes=9), threshold)
    assert is_stuck(Status.RECEIVED, since, since + timedelta(minutes=10), threshold)
    assert not is_stuck(Status.SENDING, since, since + timedelta(hours=5), threshold)
