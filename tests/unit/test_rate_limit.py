"""The token bucket that keeps one tab from flooding costly handlers."""

from __future__ import annotations

from sms_hub.domain.rate_limit import COUNTS, SARBACANE_READS, TOO_FAST, RateRule


def _takes(rule: RateRule, times: list[float]) -> list[bool]:
    """Whether each request, at its time (seconds), is allowed."""
    bucket, allowed = None, []
    for now in times:
        ok, bucket = rule.take(bucket, now)
        allowed.append(ok)
    return allowed


def test_a_burst_passes_then_the_flood_is_refused():
    rule = RateRule("test", burst=5, per_second=0.5)
    assert _takes(rule, [100.0] * 8) == [True] * 5 + [False] * 3


def test_tokens_come_back_at_the_rule_pace():
    rule = RateRule("test", burst=2, per_second=0.5)  # one every 2 s
    times = [0.0, 0.0, 0.0, 1.0, 2.0, 2.5, 4.0, 4.0]
    assert _takes(rule, times) == [True, True, False, False, True, False, True, False]


def test_a_quiet_tab_gets_no_more_than_its_burst():
    rule = RateRule("test", burst=3, per_second=1.0)
    assert _takes(rule, [0.0] + [3600.0] * 5) == [True, True, True, True, False, False]


def test_refused_requests_do_not_push_the_next_token_back():
    rule = RateRule("test", burst=1, per_second=1.0)
    # hammering while empty does not delay the token due at t=1
    assert _takes(rule, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]) == [True] + [False] * 4 + [True]


def test_a_clock_going_back_gives_nothing_and_breaks_nothing():
    rule = RateRule("test", burst=2, per_second=1.0)
    assert _takes(rule, [10.0, 10.0, 5.0, 5.0, 6.0]) == [True, True, False, False, True]


def test_the_rules_of_the_app_allow_a_person_and_refuse_a_flood():
    # a person opens a dialog or ticks lists a few times in a row…
    assert all(_takes(SARBACANE_READS, [0.0, 1.0, 2.0, 3.0]))
    assert all(_takes(COUNTS, [i * 0.2 for i in range(12)]))
    # …a flood of a hundred requests in a second mostly is not
    assert sum(_takes(SARBACANE_READS, [i / 100 for i in range(100)])) <= 6
    assert sum(_takes(COUNTS, [i / 100 for i in range(100)])) <= 23
    assert TOO_FAST == (
        "Trop de demandes en peu de temps. Réessayez dans quelques secondes."
    )
