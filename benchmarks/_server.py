"""The production server for the browser benchmarks, as the browser tests start it.

The launcher is the tests' (``tests.support.servers``): ``reflex run --env
prod`` on a free port, a temporary ``DATA_DIR`` and the built-in Sarbacane
simulator. ``.web/`` is shared with other builds on this machine: before
starting, a benchmark waits while another build is running, so that its
start-up time is its own.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_port
from tests.support.servers import ROOT, Server, answers, production_env
from tests.support.servers import production_server as serve

__all__ = ["Server", "production_server"]
_BUILD_MARKERS = ("react-router build", "vite build", "npm install", "npm run export")


def _processes() -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        found.append(
            (int(entry.name), raw.replace(b"\0", b" ").decode(errors="replace"))
        )
    return found


def builds_in_progress() -> list[str]:
    """What looks like a frontend build of another process right now.

    A node build command, or a ``reflex run``/``reflex export`` whose port
    does not answer yet (it is still compiling).
    """
    busy = []
    for pid, command in _processes():
        if pid == os.getpid():
            continue
        if any(marker in command for marker in _BUILD_MARKERS):
            busy.append(command.strip()[:120])
            continue
        if "reflex" in command and (" run" in command or " export" in command):
            if "python" not in command.split(" ", 1)[0]:
                continue  # a wrapper (timeout, sh): its python child is checked
            port = re.search(r"--(?:frontend|backend)-port[ =](\d+)", command)
            if (
                " export" in command
                or port is None
                or not answers(f"http://127.0.0.1:{port[1]}")
            ):
                busy.append(command.strip()[:120])
    return busy


def wait_for_other_builds(limit_s: float = 900) -> float:
    """Wait while another build uses ``.web/``; returns the seconds waited."""
    started = time.monotonic()
    announced = False
    while time.monotonic() - started < limit_s:
        busy = builds_in_progress()
        if not busy:
            return time.monotonic() - started
        if not announced:
            print(f"  waiting for another build to finish: {busy[0]}", flush=True)
            announced = True
        time.sleep(3)
    return time.monotonic() - started


@contextmanager
def production_server(
    work: Path, extra_env: dict[str, str], start_limit_s: float = 900
) -> Iterator[Server]:
    """Serve the app from ``work`` (its data, uploads and log there) once no
    other build runs. The caller's ``DATABASE_URL``, ``REDIS_URL`` and
    ``SARBACANE_API_URL`` are not inherited; ``extra_env`` may set them (e.g. a
    throwaway PostgreSQL and Redis, with ``GRANIAN_WORKERS``)."""
    data_dir = work / "data"
    data_dir.mkdir()
    env = production_env(
        free_port(),
        data_dir,
        # Keep the server's files in the temporary directory, not the project.
        REFLEX_UPLOADED_FILES_DIR=str(work / "uploaded_files"),
        **extra_env,
    )
    wait_for_other_builds()
    with serve(ROOT, env, work / "server.log", start_limit_s) as server:
        yield server


# -- what the server's processes use ---------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, …)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def pids_where(test: Callable[[int, list[str]], bool]) -> list[int]:
    """Processes whose /proc stat fields pass ``test(pid, fields)``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and test(int(entry.name), fields):
                found.append(int(entry.name))
    return found


def group_pids(pgid: int) -> list[int]:
    """Every process of a process group (the server: reflex, granian, workers)."""
    return pids_where(lambda _pid, fields: int(fields[2]) == pgid)


def family_pids(pid: int) -> list[int]:
    """A process and its direct children (e.g. the postmaster and its backends)."""
    return pids_where(lambda child, fields: child == pid or int(fields[1]) == pid)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far (the living ones)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def rss_bytes(pids: list[int]) -> int:
    """Resident memory of the processes (shared pages counted in each)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[21]) * page
    return total


def machine_busy_seconds() -> float:
    """CPU time every core of the machine spent busy so far (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
