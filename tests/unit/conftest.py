"""Hypothesis for the property-based tests: bounded, no deadline, no database.

A shared 2-core CI machine can be slow for any single example, so there is
no per-example deadline and no "too slow" health check; example counts are
set per test and kept small so the unit suite stays fast. Nothing is
written to ``.hypothesis/`` (``database=None``); ``derandomize`` makes CI
runs repeatable (a local run may set ``HYPOTHESIS_PROFILE=explore``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "sms-hub",
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "sms-hub"))
