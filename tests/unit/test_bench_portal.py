"""The portal-shaped benchmark's own arithmetic: quantiles, the change schedule,
a simulated tab's answer to the page's load script, and the extrapolation."""

from __future__ import annotations

import json

import pytest

from benchmarks._fake_tabs import EVENT_PREFIX, is_load_script, load_frame
from benchmarks.bench_portal import extrapolate, launch_times, percentile, spread
from sms_hub.settings import get_settings
from sms_hub.state.session import launch_script

LOAD_JS = launch_script(get_settings())


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 101)]  # 1 .. 100
    assert percentile(values, 0.5) == pytest.approx(50.5)
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile([3.0, 1.0, 2.0], 1.0) == 3.0


def test_percentile_of_one_value_and_of_none():
    assert percentile([0.25], 0.95) == 0.25
    assert percentile([], 0.95) is None


def test_launch_times_give_the_rate_of_state_changes():
    # each launch makes two simulator changes (-> ROUTING, -> FINISH)
    times = launch_times(20.0, 8.0)
    assert len(times) == 80
    assert times[0] == 0.0
    assert times[1] == pytest.approx(0.1)
    assert max(times) < 8.0
    assert launch_times(1.0, 12.0, start=5.0) == [5.0, 7.0, 9.0, 11.0, 13.0, 15.0]


def test_spread_visits_every_centre_before_any_twice():
    owners = spread(7, 3)
    assert owners == [0, 1, 2, 0, 1, 2, 0]
    assert sorted(set(spread(1000, 300))) == list(range(300))


def test_a_tab_answers_the_load_script_with_its_launch_token():
    script = {"name": "_call_script", "payload": {"javascript_code": LOAD_JS}}
    assert is_load_script(script)
    assert not is_load_script({"name": "_call_script", "payload": {"x": "1"}})
    assert not is_load_script({"name": "_redirect", "payload": {"js": LOAD_JS}})
    frame = load_frame("state.campaigns_state", "jwt.of.the.centre")
    kind, event = json.loads(frame.removeprefix(EVENT_PREFIX))
    assert kind == "event"
    assert event["name"] == "state.campaigns_state.on_load"
    assert event["payload"] == {
        "launch": {"token": "jwt.of.the.centre", "address": False}
    }


def test_extrapolation_shows_its_arithmetic():
    result = extrapolate(
        centres=300,
        tabs_per_centre=3,
        server_bytes_per_tab=100 * 1024,
        redis_bytes_per_tab=2 * 1024,
        idle_cpu_per_100_tabs=0.01,
        redis_idle_ops=90.0,
        redis_load_ops=900.0,
        measured_tabs=900,
        poll_cycle_s=3.0,
        measured_centres=300,
    )
    assert result.tabs == 5000
    assert result.server_bytes == 100 * 1024 * 5000
    assert result.redis_bytes == 2 * 1024 * 5000
    assert result.idle_cpu_share == pytest.approx(0.5)
    assert result.redis_idle_ops == pytest.approx(500.0)
    assert result.redis_load_ops == pytest.approx(1500.0)  # 900 x 5/3 tabs a centre
    assert result.poll_cycle_s == pytest.approx(10.0)
    assert "100 KiB x 5,000 = 488 MiB" in result.lines[1]
    assert "900 x 5/3 tabs a centre = 1,500" in result.lines[-2]
    assert "3.00 s x 1,000/300 centres = 10.00 s" in result.lines[-1]
