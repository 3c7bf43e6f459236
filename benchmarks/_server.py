"""The production server for the browser benchmark, as the browser tests start it.

``reflex run --env prod`` on a free port (frontend and backend on one port),
with a temporary ``DATA_DIR`` (SQLite database and simulator file) and the
built-in Sarbacane simulator. ``.web/`` is shared with other builds on this
machine: before starting, wait while another build is running.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_BUILD_MARKERS = ("react-router build", "vite build", "npm install", "npm run export")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
            if " export" in command or port is None or not _answers(int(port[1])):
                busy.append(command.strip()[:120])
    return busy


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


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


@dataclass
class Server:
    url: str
    port: int
    pid: int
    data_dir: Path
    env: dict[str, str]
    log: Path
    build_seconds: float

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sms_hub.db"

    @property
    def simulator_path(self) -> Path:
        return self.data_dir / "simulator.db"


@contextmanager
def production_server(
    work: Path, extra_env: dict[str, str], start_limit_s: float = 900
) -> Iterator[Server]:
    """Serve the app from ``reflex run --env prod``; kill its process group after.

    The caller's ``DATABASE_URL``, ``REDIS_URL`` and ``SARBACANE_API_URL``
    are not inherited; ``extra_env`` may set them (e.g. a throwaway
    PostgreSQL and Redis, with ``GRANIAN_WORKERS``).
    """
    data_dir = work / "data"
    data_dir.mkdir()
    port = free_port()
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SARBACANE_API_URL", "DATABASE_URL", "REDIS_URL")
    }
    env = {
        **inherited,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEMO_MODE": "1",
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "POLL_INTERVAL_SECONDS": "1",
        "PAGE_SIZE": "20",
        # Keep the server's files in the temporary directory, not the project.
        "REFLEX_UPLOADED_FILES_DIR": str(work / "uploaded_files"),
        **extra_env,
    }
    subprocess.run(
        [sys.executable, "-m", "sms_hub.store.migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    wait_for_other_builds()
    log = work / "server.log"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(BIN / "reflex"),
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{log.read_text()[-4000:]}")
            if time.monotonic() - started > start_limit_s:
                raise RuntimeError(
                    f"the server did not start:\n{log.read_text()[-4000:]}"
                )
            if _answers(port):
                break
            time.sleep(1)
        yield Server(
            url=url,
            port=port,
            pid=process.pid,
            data_dir=data_dir,
            env=env,
            log=log,
            build_seconds=time.monotonic() - started,
        )
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


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
