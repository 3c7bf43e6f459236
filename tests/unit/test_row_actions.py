"""Rules of « Dupliquer la campagne », « Renvoyer aux échecs » and « Historique »."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sms_hub.domain.audit import (
    AUDIT_ACTION_LABELS,
    AuditAction,
    AuditOutcome,
    action_label,
    outcome_label,
)
from sms_hub.domain.campaign import (
    COPY_SUFFIX,
    NAME_MAX_LENGTH,
    RESEND_SUFFIX,
    copy_name,
)
from sms_hub.domain.formatting import count_fr, date_time_fr
from sms_hub.domain.lifecycle import ACTION_INFO, RULES, Action, Status, refusal
from sms_hub.domain.statistics import NEVER_RESENT_OUTCOMES, RESENT_OUTCOMES, Outcome


@pytest.mark.parametrize("status", list(Status))
def test_duplicate_and_history_are_offered_in_every_status(status):
    assert refusal(Action.DUPLICATE, status, 0) is None
    assert refusal(Action.HISTORY, status, 0) is None


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.FINISHED])
def test_resend_to_failures_needs_a_finished_campaign(status):
    assert refusal(Action.RESEND_FAILED, status, 10, 3) == (
        "Disponible uniquement lorsque la campagne est au statut Envoi terminé."
    )


def test_resend_to_failures_needs_a_failure_once_the_report_is_known():
    assert refusal(Action.RESEND_FAILED, Status.FINISHED, 10, 2) is None
    # Not read yet: offered; the dialog reads the report and counts.
    assert refusal(Action.RESEND_FAILED, Status.FINISHED, 10, None) is None
    assert refusal(Action.RESEND_FAILED, Status.FINISHED, 10, 0) == (
        "Aucun SMS de cette campagne n'a échoué : il n'y a personne à qui le renvoyer."
    )


def test_only_the_resend_depends_on_failures():
    assert [a for a, rule in RULES.items() if rule.needs_failure] == [
        Action.RESEND_FAILED
    ]


def test_the_new_actions_have_their_french_tooltip_and_an_icon_each():
    labels = {a: ACTION_INFO[a].label for a in ACTION_INFO}
    assert labels[Action.DUPLICATE] == "Dupliquer la campagne"
    assert labels[Action.RESEND_FAILED] == "Renvoyer aux échecs"
    assert labels[Action.HISTORY] == "Historique"
    icons = [info.icon for info in ACTION_INFO.values()]
    assert len(icons) == len(set(icons))


def test_a_resend_goes_to_failures_never_to_stop():
    assert {Outcome.FAILED} == RESENT_OUTCOMES
    assert {Outcome.STOP} == NEVER_RESENT_OUTCOMES


def test_a_copy_is_named_after_its_original():
    assert copy_name("Rentrée") == "Rentrée (copie)"
    assert copy_name("Rentrée", RESEND_SUFFIX) == "Rentrée (renvoi aux échecs)"


@pytest.mark.parametrize("suffix", [COPY_SUFFIX, RESEND_SUFFIX])
def test_a_copy_of_a_long_name_keeps_within_the_limit(suffix):
    name = copy_name("x" * NAME_MAX_LENGTH, suffix)
    assert len(name) == NAME_MAX_LENGTH
    assert name.endswith(suffix)
    # No space left dangling before the suffix.
    assert copy_name("a " * 60, suffix).endswith("a" + suffix)


def test_counts_agree_in_french():
    assert count_fr(0, "destinataire en échec", "destinataires en échec") == (
        "0 destinataire en échec"
    )
    assert count_fr(1, "destinataire en échec", "destinataires en échec") == (
        "1 destinataire en échec"
    )
    assert count_fr(1234, "destinataire en échec", "destinataires en échec") == (
        "1\u202f234 destinataires en échec"
    )


def test_every_audited_action_has_a_french_label():
    assert set(AUDIT_ACTION_LABELS) == set(AuditAction)
    assert action_label("duplicate") == "Duplication"
    assert action_label("list_import") == "Import CSV dans une liste de contacts"
    assert action_label("something_else") == "something_else"
    assert outcome_label(AuditOutcome.OK) == "Réussi"
    assert outcome_label(AuditOutcome.FAILED) == "Échec"


def test_history_dates_are_french_in_the_centre_time_zone():
    moment = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)
    assert date_time_fr(moment) == "27/11/2026 14:05"
    assert date_time_fr(moment, "America/Guadeloupe") == "27/11/2026 09:05"
    # SQLite gives back naive UTC timestamps: read as UTC too.
    assert date_time_fr(moment.replace(tzinfo=None)) == "27/11/2026 14:05"
