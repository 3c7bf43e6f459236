"""A throwaway Redis server on a loopback port (Debian's redis-server).

Use ``redis_server()`` as a context manager (``redis_process()`` also gives
its process), or the ``redis_url`` fixture of the integration tests. A missing
``redis-server`` is an error, never a skip: ``make test`` installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.ports import free_port

START_TIMEOUT_SECONDS = 20


def _redis_server_binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else ""
    )
    if not found:
        raise RuntimeError(
            "redis-server is missing: `make test` installs Debian's redis-server "
            "(or run `apt-get install -y redis-server`)"
        )
    return found


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {process.returncode}:\n"
                    + log.read_text(errors="replace")[-2000:]
                )
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        client.close()


@contextmanager
def redis_process() -> Iterator[tuple[str, subprocess.Popen]]:
    """Start redis-server in a fresh temporary folder, with no persistence;
    yields its ``redis://127.0.0.1:<port>/0`` URL and its process, and stops
    it afterwards."""
    binary = _redis_server_binary()
    root = Path(tempfile.mkdtemp(prefix="sms-hub-redis-"))
    log = root / "redis.log"
    port = free_port()
    command = [
        binary,
        *("--port", str(port)),
        *("--bind", "127.0.0.1"),
        *("--dir", str(root)),
        *("--logfile", str(log)),
        *("--save", ""),
        *("--appendonly", "no"),
        *("--daemonize", "no"),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_up(url, process, log)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A fresh redis-server (see ``redis_process``); yields its URL."""
    with redis_process() as (url, _process):
        yield url
