"""``python -m benchmarks`` (``make bench``) fails when any benchmark crashes,
and still runs the others."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest

from benchmarks import __main__ as runner


def _fake(name: str, outcome) -> types.ModuleType:
    module = types.ModuleType(name)

    def main():
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    module.main = main
    return module


@pytest.fixture
def benchmarks(monkeypatch):
    def install(**outcomes) -> None:
        for name, outcome in outcomes.items():
            module = f"fake_bench_{name}"
            monkeypatch.setitem(sys.modules, module, _fake(module, outcome))
        entries = tuple((name, f"fake_bench_{name}") for name in outcomes)
        monkeypatch.setattr(runner, "BENCHMARKS", entries)
        monkeypatch.setattr(sys, "argv", ["python -m benchmarks"])

    return install


def test_every_benchmark_done_exits_0(benchmarks, capsys):
    benchmarks(first=True, second=None)
    assert runner.main() == 0
    assert "ERROR" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "crash",
    [
        RuntimeError("NOT NULL constraint failed"),
        SystemExit(2),
        asyncio.CancelledError(),
    ],
    ids=["exception", "system-exit", "cancelled"],
)
def test_a_crashing_benchmark_exits_1_and_the_others_still_run(
    benchmarks, capsys, crash
):
    benchmarks(crashes=crash, after=True)
    assert runner.main() == 1
    summary = capsys.readouterr().out.split("=== summary ===")[1]
    assert "crashes" in summary and "ERROR" in summary
    assert "after" in summary and "done" in summary


def test_a_missed_target_fails_only_in_strict_mode(benchmarks, monkeypatch):
    benchmarks(slow=False)
    assert runner.main() == 0
    monkeypatch.setattr(sys, "argv", ["python -m benchmarks", "--strict"])
    assert runner.main() == 1
