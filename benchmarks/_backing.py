"""Throwaway Redis and PostgreSQL servers on loopback for the load test.

PostgreSQL comes from the integration tests' cluster (Debian's
``postgresql``: ``initdb``/``pg_ctl``); Redis is ``redis-server`` without
persistence (``apt-get install -y redis-server`` when it is missing). Both
live in temporary directories and stop on exit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from benchmarks._server import cpu_seconds, family_pids, free_port, pids_where
from tests.integration.postgres_support import postgres_cluster


@dataclass
class RedisServer:
    url: str
    pid: int
    client: redis.Redis

    def commands(self) -> int:
        """Commands processed since the start (``INFO stats``)."""
        return int(self.client.info("stats")["total_commands_processed"])

    def memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def cpu_seconds(self) -> float:
        return cpu_seconds([self.pid])


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is missing: apt-get install -y redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as tmp:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tmp,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=port)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise
                    time.sleep(0.1)
            yield RedisServer(f"redis://127.0.0.1:{port}", process.pid, client)
        finally:
            client.close()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@dataclass
class PostgresServer:
    url: str
    postmaster: int

    def cpu_seconds(self) -> float:
        """CPU of the postmaster and its living backends (ended ones are lost)."""
        return cpu_seconds(family_pids(self.postmaster))


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    with postgres_cluster() as url:
        port = url.rsplit(":", 1)[1].split("/", 1)[0]

        def is_postmaster(pid: int, _fields: list[str]) -> bool:
            try:
                command = (Path("/proc") / str(pid) / "cmdline").read_bytes()
            except OSError:
                return False
            words = command.split(b"\0")
            return words[0].endswith(b"/postgres") and f"-p {port}".encode() in (
                b" ".join(words)
            )

        found = pids_where(is_postmaster)
        yield PostgresServer(url, found[0] if found else 0)
