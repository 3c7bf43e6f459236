"""Run every benchmark in turn: ``python -m benchmarks`` (``make bench``).

``python -m benchmarks poll audience`` runs only those; ``--skip-live`` leaves
out the browser benchmarks (live, scale, portal); ``--quick`` skips the 1,000,000-row
CSV import; ``--strict`` exits with 1 when a target is missed (a crash always does).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from importlib import import_module

#: (name, module): each module's ``main`` runs with no command-line argument.
BENCHMARKS = (
    ("phone", "benchmarks.bench_phone"),
    ("csv_import", "benchmarks.bench_csv_import"),
    ("audience", "benchmarks.bench_audience"),
    ("poll", "benchmarks.bench_poll"),
    ("statistics", "benchmarks.bench_statistics"),
    ("live", "benchmarks.bench_live"),
    ("scale", "benchmarks.bench_scale"),
    ("states", "benchmarks.bench_states"),
    ("portal", "benchmarks.bench_portal"),
)


def _call(module_name: str, extra_argv: list[str]) -> object:
    """The module's ``main()``, with ``sys.argv`` holding only ``extra_argv``."""
    main: Callable[..., object] = import_module(module_name).main
    saved = sys.argv
    sys.argv = [module_name, *extra_argv]
    try:
        return main()
    finally:
        sys.argv = saved


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    names = [name for name, _ in BENCHMARKS]
    parser.add_argument("only", nargs="*", metavar="NAME", help=", ".join(names))
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    unknown = sorted(set(args.only) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    chosen = [
        (name, module)
        for name, module in BENCHMARKS
        if (not args.only or name in args.only)
        and not (args.skip_live and name in ("live", "scale", "portal"))
    ]
    results: list[tuple[str, float, str]] = []
    for name, module in chosen:
        print(f"\n=== {name} ({module}) ===", flush=True)
        extra = ["--no-million"] if args.quick and name == "csv_import" else []
        started = time.perf_counter()
        try:
            outcome = _call(module, extra)
            status = "targets missed" if outcome is False else "done"
        except KeyboardInterrupt:
            raise
        except BaseException:  # a crash, even a SystemExit or a cancellation
            traceback.print_exc()
            status = "ERROR"
        results.append((name, time.perf_counter() - started, status))
        sys.stdout.flush()

    print("\n=== summary ===")
    for name, seconds, status in results:
        print(f"  {name:<12} {seconds:7.1f} s  {status}")
    failed = any(status == "ERROR" for _, _, status in results)
    missed = any(status == "targets missed" for _, _, status in results)
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
