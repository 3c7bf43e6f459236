"""Throwaway Redis and PostgreSQL servers on loopback for the load test.

Both come from the integration tests' support: PostgreSQL is Debian's
``postgresql`` cluster (``initdb``/``pg_ctl``), Redis is ``redis-server``
without persistence (``apt-get install -y redis-server`` when it is missing).
Both live in temporary directories and stop on exit; here they also tell
what they cost (CPU, memory, commands).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from benchmarks._server import cpu_seconds, family_pids, pids_where
from tests.integration.postgres_support import postgres_cluster
from tests.integration.redis_support import redis_process


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
    with redis_process() as (url, process):
        client = redis.Redis.from_url(url)
        try:
            yield RedisServer(url, process.pid, client)
        finally:
            client.close()


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
