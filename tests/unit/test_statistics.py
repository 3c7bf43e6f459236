"""Statistics derived from the per-recipient report."""

from datetime import UTC, datetime, timedelta

from sms_hub.domain.statistics import (
    PENDING_REREAD_AFTER,
    Outcome,
    outcome_of,
    report_needs_reading,
    summarize,
    timeline,
    timeline_summary,
)


def test_outcome_of_a_recipient():
    assert (
        outcome_of(success=True, bounce=False, unsubscribe=False) is Outcome.DELIVERED
    )
    assert outcome_of(success=False, bounce=True, unsubscribe=False) is Outcome.FAILED
    assert outcome_of(success=True, bounce=False, unsubscribe=True) is Outcome.STOP
    assert outcome_of(success=False, bounce=False, unsubscribe=False) is Outcome.FAILED


def test_summary_counts_rates_pending_and_credits():
    outcomes = [Outcome.DELIVERED] * 6 + [Outcome.FAILED] * 2 + [Outcome.STOP] * 2
    stats = summarize(recipients=12, outcomes=outcomes, parts=2)
    assert (stats.sent, stats.delivered, stats.failed, stats.stop, stats.pending) == (
        10,
        8,
        2,
        2,
        2,
    )
    assert stats.credits_used == 20
    assert stats.rate(stats.delivered) == 0.8
    assert summarize(3, [], 1).rate(0) == 0.0


def test_timeline_by_minute_in_paris_time():
    start = datetime(2026, 12, 1, 8, 30, 10, tzinfo=UTC)
    moments = [start, start + timedelta(seconds=20), start + timedelta(minutes=1)]
    assert timeline(moments) == [("09:30", 2), ("09:31", 1)]


def test_timeline_by_hour_for_long_sends():
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    moments = [start, start + timedelta(hours=7)]
    assert timeline(moments) == [("01/12 09h", 1), ("01/12 16h", 1)]
    assert timeline([]) == []


def test_a_report_is_read_when_never_read():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert report_needs_reading(None, 0, now)


def test_a_complete_report_is_never_read_again():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert not report_needs_reading(now - timedelta(days=30), 0, now)


def test_a_report_with_pending_outcomes_is_read_again_after_a_while():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    recent = now - PENDING_REREAD_AFTER + timedelta(seconds=1)
    assert not report_needs_reading(recent, 3, now)
    assert report_needs_reading(now - PENDING_REREAD_AFTER, 3, now)


def test_a_naive_time_from_sqlite_is_read_as_utc():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    naive = (now - PENDING_REREAD_AFTER).replace(tzinfo=None)
    assert report_needs_reading(naive, 1, now)


def test_the_timeline_told_in_words_for_screen_readers():
    assert timeline_summary([]) == "Aucun SMS traité"
    assert timeline_summary([("10:30", 12)]) == "12 SMS traités à 10:30"
    buckets = [(f"{day:02d}/01 09h", 3) for day in range(1, 11)] * 100
    assert timeline_summary(buckets) == (
        "3\u202f000 SMS traités de 01/01 09h à 10/01 09h, en 1\u202f000 intervalles"
    )
