"""A centre whose Sarbacane account keeps failing is read less and less often."""

from __future__ import annotations

from datetime import timedelta

from sms_hub.domain.polling import RETRY_BASE, RETRY_CAP, retry_delay


def test_the_wait_doubles_with_each_failure_in_a_row():
    assert retry_delay(0) == timedelta(0)
    assert retry_delay(1) == RETRY_BASE
    assert [retry_delay(n) / RETRY_BASE for n in range(1, 6)] == [1, 2, 4, 8, 16]


def test_the_wait_is_capped_however_long_the_account_fails():
    assert RETRY_CAP > RETRY_BASE
    assert retry_delay(7) == RETRY_CAP
    assert retry_delay(10_000) == RETRY_CAP
