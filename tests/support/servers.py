"""The production server as a user gets it: ``reflex run --env prod``.

One launcher for the browser tests (tests/browser/conftest.py) and the
browser benchmarks (benchmarks/_server.py): frontend and backend on one free
port, a ``DATA_DIR`` of its own (SQLite database and simulator file) and the
built-in Sarbacane simulator unless the environment names other backing
services.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Backing services a caller must name itself: the server never inherits them.
_NOT_INHERITED = ("SARBACANE_API_URL", "DATABASE_URL", "REDIS_URL")
START_LIMIT_SECONDS = 900  # the first run builds the frontend on a busy machine


def production_env(port: int, data_dir: Path, **settings: str) -> dict[str, str]:
    """The server's environment: this process's, without its backing services,
    in demo mode on ``port`` with ``data_dir``; ``settings`` add or override."""
    inherited = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    return {
        **inherited,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEMO_MODE": "1",
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "POLL_INTERVAL_SECONDS": "1",
        "PAGE_SIZE": "20",
        # The built-in simulator answers from the server's own process: on a
        # busy 2-core machine an answer may take longer than production's 10 s.
        "SARBACANE_TIMEOUT_SECONDS": "30",
        **settings,
    }


@dataclass
class Server:
    url: str
    port: int
    pid: int
    env: dict[str, str]
    log: Path
    build_seconds: float

    @property
    def data_dir(self) -> Path:
        return Path(self.env["DATA_DIR"])

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sms_hub.db"

    @property
    def simulator_path(self) -> Path:
        return self.data_dir / "simulator.db"


def answers(url: str) -> bool:
    """Whether the server at ``url`` serves its home page now."""
    try:
        return httpx.get(url + "/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def production_server(
    project: Path,
    env: dict[str, str],
    log: Path,
    start_limit_s: float = START_LIMIT_SECONDS,
) -> Iterator[Server]:
    """Migrate the database, then serve ``project`` on ``env["PORT"]`` until
    its home page answers; stops the server's process group afterwards."""
    port = env["PORT"]
    migration = subprocess.run(
        [sys.executable, "-m", "sms_hub.store.migrate"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if migration.returncode:
        raise RuntimeError(f"the migration failed:\n{migration.stderr[-4000:]}")
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(BIN / "reflex"),
                *("run", "--env", "prod"),
                *("--frontend-port", port, "--backend-port", port),
            ],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}"
    try:
        while not answers(url):
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{log.read_text()[-4000:]}")
            if time.monotonic() - started > start_limit_s:
                raise RuntimeError(
                    f"the server did not start:\n{log.read_text()[-4000:]}"
                )
            time.sleep(1)
        yield Server(
            url=url,
            port=int(port),
            pid=process.pid,
            env=env,
            log=log,
            build_seconds=time.monotonic() - started,
        )
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
