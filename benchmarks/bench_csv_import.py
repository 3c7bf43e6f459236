"""End-to-end speed and memory of a contacts CSV import.

Generates a French-Excel-like file (Windows-1252, ``;``) whose numbers come in
every real-world form (spaces, dots, ``+33``, ``0033``, ``+33 (0)``,
overseas departments, foreign numbers, landlines, duplicates, blanks,
garbage), imports it into a fresh SQLite database through the service, and
prints rows per second and peak memory, against the targets: at least
100,000 rows a second and under 300 MB. Then does the same with 1,000,000 rows
and checks that memory does not follow the size of the file: the peaks must
stay within 1.5 times those of the first file plus a few MB (plus, for the
process's maxrss, SQLite's page cache, which an import lets grow up to
``BULK_CACHE_KIB``: a bound, whatever the file). There is no speed target for
1,000,000 rows; its speed is shown for information.

Each measurement runs in its own process, so ``ru_maxrss`` (a high-water
mark) is not inherited from the previous one; speed is timed without
``tracemalloc``, which slows Python down, and memory measured in a separate
run with it.

The import is also measured against its floor, in the same process and run:
the same file read by a bare ``csv.reader`` and written by one
``executemany`` ``INSERT OR IGNORE`` into a table with the same columns and
unique key (list id, phone), in one transaction, with the application's
SQLite settings; no normalisation, no report. Each timed import follows a
floor run, and the figure kept is the median of their ratios (import time /
floor time), which the load of a shared machine disturbs less than the rates
themselves; the median ratio of their CPU times (``process_time``) is shown
too, steadier still when other jobs share the cores. The goal is an import within :data:`TARGET_FLOOR_RATIO` of it.

Then files made of rows left out, where memory used to follow the rows: one
whose every row holds no phone number (all rejected), one whose rows repeat
1,000 numbers (all but the first 1,000 duplicates), each at two sizes (10 MB,
200,000 rows, and 50 MB, 1,000,000 rows: ``CSV_MAX_BYTES`` and
``CSV_MAX_ROWS`` by default), imported and their full report written to its
file. Peak memory (tracemalloc, and the process's maxrss growth) must stay
under :data:`TARGET_LEFT_OUT_PEAK_MB` and flat from one size to the other.

Peaks cover the import and the writing of its report.

Run with ``python -m benchmarks.bench_csv_import`` (``--rows`` to change the
first size, ``--no-million`` to skip the large files, ``--left-out-mb`` to
change the sizes of the files of rows left out, ``--no-left-out`` to skip
them).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sms_hub.domain.phone import METROPOLITAN_MOBILE_PREFIXES, normalize_mobile

TARGET_ROWS_PER_SECOND = 100_000
TARGET_PEAK_MB = 300
#: How many times the floor's time an import may take.
TARGET_FLOOR_RATIO = 1.5
#: Memory is flat when the large file's peak is within this factor of the
#: first file's, plus :data:`FLAT_SLACK_MB`.
FLAT_FACTOR = 1.5
FLAT_SLACK_MB = 10.0
#: Peak memory (tracemalloc) of importing a file of rows left out, whatever
#: its size up to the caps.
TARGET_LEFT_OUT_PEAK_MB = 50
#: Bytes of a row of the files of rows left out.
LEFT_OUT_ROW_BYTES = 50
_PREFIXES = sorted(METROPOLITAN_MOBILE_PREFIXES)
_LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
    "Durand", "Lefèvre", "Mercier", "Françoise", "Lemaître", "Bérénger",
    "Girard", "Noël", "Chevalier", "Rousseau", "Faure", "Gauthier", "Hébert",
]  # fmt: skip
_FIRST_NAMES = [
    "Éloïse", "Zoé", "Chloé", "Léa", "Jérôme", "François", "Hélène", "Noémie",
    "Loïc", "Gaël", "Anaïs", "Cécile", "Mathéo", "Inès", "Joël", "Raphaël",
    "Sébastien", "Maëlys", "Aurélie", "Benoît",
]  # fmt: skip


def _mobile(rng: random.Random) -> str:
    nsn = f"{rng.choice(_PREFIXES)}{rng.randint(0, 999_999):06d}"
    pairs = " ".join(nsn[i : i + 2] for i in range(1, 9, 2))
    form = rng.randrange(9)
    if form == 0:
        return f"0{nsn[0]} {pairs}"
    if form == 1:
        return f"0{nsn[0]}.{pairs.replace(' ', '.')}"
    if form == 2:
        return f"0{nsn}"
    if form == 3:
        return f"+33 {nsn[0]} {pairs}"
    if form == 4:
        return f"+33 (0){nsn[0]} {pairs}"
    if form == 5:
        return f"0033{nsn}"
    if form == 6:
        return f" 0{nsn[0]}-{pairs.replace(' ', '-')} "
    if form == 7:
        return nsn  # leading zero lost by a spreadsheet
    return f"+33{nsn}"


def _overseas(rng: random.Random) -> str:
    prefix = rng.choice(["0692", "0693", "0696", "0690", "0694", "0639"])
    return f"{prefix} {rng.randint(20, 69)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _foreign(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"+44 7911 {rng.randint(100_000, 999_999)}"
    return f"+32 470 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _landline(rng: random.Random) -> str:
    first = rng.choice("123459")
    return f"0{first} {rng.randint(10, 99)} {rng.randint(10, 99)} 34 56"


def _invalid(rng: random.Random) -> str:
    return rng.choice(
        [
            f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 5",
            "n/a",
            "voir courriel",
        ]
    )


#: The make-up of a generated file (share of rows): harsher than a typical
#: metropolitan training centre's list, where nearly every row is a mobile.
MIX: tuple[tuple[str, float], ...] = (
    ("mobile", 0.84),  # metropolitan, in the 9 forms of _mobile()
    ("duplicate", 0.05),  # a number already seen higher in the file
    ("landline", 0.03),  # 01-05, 09
    ("overseas", 0.03),  # La Réunion, Antilles, Guyane, Mayotte
    ("foreign", 0.01),  # +44, +32 mobiles
    ("missing", 0.02),
    ("invalid", 0.02),  # too short, too long, text
)


def _phone(rng: random.Random, kind: str, recent: list[str]) -> str:
    if kind == "duplicate" and recent:
        return rng.choice(recent)
    if kind == "landline":
        return _landline(rng)
    if kind == "overseas":
        return _overseas(rng)
    if kind == "foreign":
        return _foreign(rng)
    if kind == "missing":
        return ""
    if kind == "invalid":
        return _invalid(rng)
    return _mobile(rng)


def generate(path: Path, rows: int, seed: int = 2026) -> int:
    """Write ``rows`` contact rows (cp1252, ``;``); returns the file size."""
    rng = random.Random(seed)
    kinds = [kind for kind, _ in MIX]
    weights = [share for _, share in MIX]
    recent: list[str] = []
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Nom;Prénom;Adresse e-mail;Téléphone portable\r\n")
        for i, kind in enumerate(rng.choices(kinds, weights, k=rows)):
            last = rng.choice(_LAST_NAMES)
            first = rng.choice(_FIRST_NAMES)
            phone = _phone(rng, kind, recent)
            if kind == "mobile":
                if len(recent) < 1000:
                    recent.append(phone)
                else:
                    recent[i % 1000] = phone
            email = (
                ""
                if rng.random() < 0.1
                else f"{first[0].lower()}.{last.lower()}{i}@exemple.fr"
            )
            out.write(f"{last};{first};{email};{phone}\r\n")
    return path.stat().st_size


def generate_left_out(path: Path, kind: str, size_mb: float) -> tuple[int, int]:
    """A file of :data:`LEFT_OUT_ROW_BYTES`-byte rows, ``size_mb`` MB: with no
    phone number (``kind`` "rejected"), or repeating 1,000 numbers
    ("duplicate"). Returns (rows, file size)."""
    rows = int(size_mb * 1e6) // LEFT_OUT_ROW_BYTES
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Nom;Prénom;Adresse e-mail;Téléphone portable\r\n")
        for i in range(rows):
            if kind == "rejected":
                phone = "voir courriel"
            else:
                phone = f"06 12 30 {i % 1_000:03d}0"
            tail = f";Éloïse;e.dupont@exemple.fr;{phone}\r\n"
            out.write("Dupont".ljust(LEFT_OUT_ROW_BYTES - len(tail), "x") + tail)
    return rows, path.stat().st_size


def _prepare_database(work: Path) -> tuple[object, int]:
    """A fresh database with one tenant and one empty list."""
    os.environ["DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
    from sms_hub.services.context import Actor
    from sms_hub.settings import get_settings
    from sms_hub.store import contact_queries
    from sms_hub.store.db import session_scope
    from sms_hub.store.migrate import upgrade
    from sms_hub.store.models import Tenant

    get_settings.cache_clear()
    url = get_settings().database_url
    upgrade(url)
    with session_scope(url) as session:
        tenant = Tenant(slug="bench", name="Bench")
        session.add(tenant)
        session.flush()
        tenant_id = tenant.id or 0
        list_id = contact_queries.create_contact_list(session, tenant_id, "Bench").id
    return Actor(tenant_id=tenant_id, user="bench"), list_id or 0


def _import_once(csv_path: Path, trace: bool) -> dict:
    """Import the file into a fresh database, through the service's public API."""
    from sms_hub.services import downloads
    from sms_hub.services.contact_lists import import_csv, report_chunks

    progress_calls = 0

    def progress(done: int, total: int) -> None:
        nonlocal progress_calls
        progress_calls += 1

    with tempfile.TemporaryDirectory(prefix="bench-db-") as tmp:
        actor, list_id = _prepare_database(Path(tmp))
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = asyncio.run(
            import_csv(
                actor,
                list_id,
                csv_path,
                progress,
                max_bytes=csv_path.stat().st_size + 1,
            )
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        started = time.perf_counter()
        report_id = downloads.keep_report(actor, report_chunks(report))
        report_seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report_file = next(Path(tmp, "import-reports").glob(f"*-{report_id}.csv"))
        with report_file.open(encoding="utf-8", newline="") as kept:
            report_rows = sum(1 for _ in csv.reader(kept, delimiter=";")) - 1
        report_mb = report_file.stat().st_size / 1e6
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "imported": report.imported,
        "rejected": report.rejected_count,
        "duplicates": report.duplicates,
        "invalid": report.invalid,
        "landline": report.landline,
        "missing": report.missing,
        "tracemalloc_peak_mb": peak / 1e6,
        "maxrss_delta_mb": (rss_after - rss_before) / 1024,  # ru_maxrss is in KiB
        "maxrss_mb": rss_after / 1024,
        "report_rows": report_rows,
        "report_mb": report_mb,
        "report_seconds": report_seconds,
    }


_FLOOR_TABLE = """
CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL,
    email VARCHAR(320),
    phone VARCHAR(20) NOT NULL,
    last_name VARCHAR(200),
    first_name VARCHAR(200),
    UNIQUE (list_id, phone)
)
"""


def _floor_once(csv_path: Path) -> tuple[float, float]:
    """Seconds (wall clock, CPU) a bare ``csv.reader`` + ``executemany`` takes
    to store the file.

    The floor of an import: the same file, decoded the same way, into a table
    with the contact table's columns and unique key, in one transaction, with
    the application's SQLite settings (WAL, ``synchronous=NORMAL``, the
    import's page cache). Numbers are stored as written; a repeated one is
    ignored by the unique key.
    """
    from sms_hub.store.contact_queries import BULK_CACHE_KIB

    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        db = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            db.execute(_FLOOR_TABLE)
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            with csv_path.open(encoding="cp1252", newline="") as source:
                reader = csv.reader(source, delimiter=";")
                next(reader)
                db.execute("BEGIN")
                db.executemany(
                    "INSERT OR IGNORE INTO contact "
                    "(list_id, last_name, first_name, email, phone) "
                    "VALUES (1, ?, ?, ?, ?)",
                    reader,
                )
                db.execute("COMMIT")
            return (
                time.perf_counter() - started,
                time.process_time() - cpu_started,
            )
        finally:
            db.close()


def _child(
    csv_path: Path, runs: int, trace: bool, with_floor: bool = True
) -> list[dict]:
    """``runs`` imports in this process (the first one sets the maxrss delta),
    each after a run of the floor when timed (and ``with_floor``)."""
    results = []
    for _ in range(runs):
        floor, floor_cpu = (
            _floor_once(csv_path) if with_floor and not trace else (0.0, 0.0)
        )
        results.append(
            {
                **_import_once(csv_path, trace),
                "floor_seconds": floor,
                "floor_cpu_seconds": floor_cpu,
            }
        )
    return results


def _measure(
    csv_path: Path, runs: int, trace: bool, *, floor: bool = True
) -> list[dict]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.bench_csv_import",
        "--child",
        str(csv_path),
        "--runs",
        str(runs),
    ]
    if trace:
        command.append("--trace")
    if not floor:
        command.append("--no-floor")
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _normalize_alone(csv_path: Path) -> float:
    """Seconds ``normalize_mobile`` takes over the file's phone column."""
    with csv_path.open(encoding="cp1252", newline="") as source:
        reader = csv.reader(source, delimiter=";")
        next(reader)
        phones = [row[3] for row in reader]
    started = time.perf_counter()
    for raw in phones:
        normalize_mobile(raw)
    return time.perf_counter() - started


def _run(rows: int, work: Path, runs: int, *, speed_target: bool = True) -> dict:
    """Generate, import and print; returns the memory figures."""
    csv_path = work / f"contacts-{rows}.csv"
    started = time.perf_counter()
    size = generate(csv_path, rows)
    print(
        f"\n{rows:,} rows, {size / 1e6:.1f} MB (Windows-1252, ';'), "
        f"generated in {time.perf_counter() - started:.1f} s"
    )
    speed = _measure(csv_path, runs, trace=False)
    (memory,) = _measure(csv_path, 1, trace=True)
    normalize_seconds = _normalize_alone(csv_path)
    first = speed[0]
    rates = sorted(rows / run["seconds"] for run in speed)
    best, median = rates[-1], statistics.median(rates)
    floor_rate = statistics.median(rows / run["floor_seconds"] for run in speed)
    ratios = sorted(run["seconds"] / run["floor_seconds"] for run in speed)
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(
        run["cpu_seconds"] / run["floor_cpu_seconds"] for run in speed
    )
    peak = max(memory["tracemalloc_peak_mb"], first["maxrss_delta_mb"])
    print(
        f"  imported {first['imported']:,}, left out {first['rejected']:,} "
        f"(duplicates {first['duplicates']:,}, invalid {first['invalid']:,}, "
        f"landlines {first['landline']:,}, missing {first['missing']:,})"
    )
    verdict = "no target, for information"
    if speed_target:
        reached = median >= TARGET_ROWS_PER_SECOND
        verdict = (
            f"target ≥ {TARGET_ROWS_PER_SECOND:,}: {'ok' if reached else 'MISSED'}"
        )
    print(
        f"  end to end, {runs} runs: best {best:,.0f} rows/s, median {median:,.0f} "
        f"rows/s, worst {rates[0]:,.0f} rows/s ({verdict})"
    )
    print(
        f"  floor (csv.reader + executemany, same unique key): median "
        f"{floor_rate:,.0f} rows/s; import / floor: median {ratio:.2f}× "
        f"(from {ratios[0]:.2f}× to {ratios[-1]:.2f}×; goal ≤ "
        f"{TARGET_FLOOR_RATIO}×: {'ok' if ratio <= TARGET_FLOOR_RATIO else 'MISSED'}); "
        f"in CPU time, which other jobs disturb less: median {cpu_ratio:.2f}×"
    )
    print(
        f"  of which normalize_mobile alone: {normalize_seconds:.2f} s "
        f"({normalize_seconds / rows * 1e6:.1f} µs a row on average)"
    )
    print(
        f"  peak memory: tracemalloc {memory['tracemalloc_peak_mb']:.1f} MB, "
        f"maxrss delta {first['maxrss_delta_mb']:.1f} MB (process maxrss "
        f"{first['maxrss_mb']:.1f} MB; target < {TARGET_PEAK_MB} MB: "
        f"{'ok' if peak < TARGET_PEAK_MB else 'MISSED'})"
    )
    print(
        f"  full report: {first['report_rows']:,} rows, "
        f"{first['report_mb']:.1f} MB, written in {first['report_seconds']:.2f} s"
    )
    return {
        "tracemalloc_mb": memory["tracemalloc_peak_mb"],
        "maxrss_delta_mb": first["maxrss_delta_mb"],
    }


def _check_flat(small: dict, large: dict, small_rows: int, large_rows: int) -> bool:
    """Print whether the large file's peaks stayed those of the small one."""
    from sms_hub.store.contact_queries import BULK_CACHE_KIB

    sqlite_cache_mb = BULK_CACHE_KIB * 1024 / 1e6
    checks = (
        ("tracemalloc (Python objects)", "tracemalloc_mb", 0.0),
        ("maxrss delta (process)", "maxrss_delta_mb", sqlite_cache_mb),
    )
    print(f"\nmemory, {large_rows:,} rows against {small_rows:,}:")
    all_flat = True
    for label, key, allowance in checks:
        bound = FLAT_FACTOR * small[key] + FLAT_SLACK_MB + allowance
        extra = f" + SQLite page cache {allowance:.0f} MB" if allowance else ""
        flat = large[key] < bound
        all_flat &= flat
        print(
            f"  {label}: {large[key]:.1f} MB against {small[key]:.1f} MB (flat if "
            f"< {FLAT_FACTOR} × {small[key]:.1f} + {FLAT_SLACK_MB:.0f}{extra} = "
            f"{bound:.1f} MB: {'ok' if flat else 'MISSED'})"
        )
    return all_flat


def _run_left_out(kind: str, size_mb: float, work: Path) -> dict:
    """Import a file of rows left out, write its report; print and return the
    peaks (tracemalloc in one process, maxrss growth in another)."""
    csv_path = work / f"left-out-{kind}-{size_mb:g}.csv"
    rows, size = generate_left_out(csv_path, kind, size_mb)
    (plain,) = _measure(csv_path, 1, trace=False, floor=False)
    (traced,) = _measure(csv_path, 1, trace=True, floor=False)
    peak = traced["tracemalloc_peak_mb"]
    print(
        f"\nall {kind}, {rows:,} rows, {size / 1e6:.1f} MB: imported "
        f"{plain['imported']:,}, left out {plain['rejected']:,} in "
        f"{plain['seconds']:.1f} s; report {plain['report_rows']:,} rows, "
        f"{plain['report_mb']:.1f} MB, written in {plain['report_seconds']:.1f} s"
    )
    print(
        f"  peak memory: tracemalloc {peak:.1f} MB (target < "
        f"{TARGET_LEFT_OUT_PEAK_MB} MB: "
        f"{'ok' if peak < TARGET_LEFT_OUT_PEAK_MB else 'MISSED'}), maxrss delta "
        f"{plain['maxrss_delta_mb']:.1f} MB (process maxrss {plain['maxrss_mb']:.1f} MB)"
    )
    return {
        "tracemalloc_mb": peak,
        "maxrss_delta_mb": plain["maxrss_delta_mb"],
        "rows": rows,
    }


def _left_out(sizes: list[float], work: Path) -> bool:
    """The files of rows left out at each size; whether the targets are met."""
    met = True
    for kind in ("rejected", "duplicate"):
        results = [_run_left_out(kind, size_mb, work) for size_mb in sizes]
        met &= all(r["tracemalloc_mb"] < TARGET_LEFT_OUT_PEAK_MB for r in results)
        if len(results) > 1:
            met &= _check_flat(
                results[0], results[-1], results[0]["rows"], results[-1]["rows"]
            )
    return met


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed imports per size")
    parser.add_argument("--no-million", action="store_true")
    parser.add_argument(
        "--left-out-mb",
        default="10,50",
        help="sizes (MB, comma-separated) of the files of rows left out",
    )
    parser.add_argument("--no-left-out", action="store_true")
    parser.add_argument("--only-left-out", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        results = _child(args.child, args.runs, args.trace, not args.no_floor)
        print(json.dumps(results))
        return True
    met = True
    with tempfile.TemporaryDirectory(prefix="bench-csv-") as tmp:
        if not args.only_left_out:
            small = _run(args.rows, Path(tmp), args.runs)
            if not args.no_million:
                large_rows = 1_000_000
                runs = max(1, args.runs // 2)
                large = _run(large_rows, Path(tmp), runs, speed_target=False)
                _check_flat(small, large, args.rows, large_rows)
        if not args.no_left_out:
            sizes = [float(size) for size in args.left_out_mb.split(",")]
            if args.no_million:
                sizes = sizes[:1]
            met = _left_out(sizes, Path(tmp))
    return met


if __name__ == "__main__":
    main()
