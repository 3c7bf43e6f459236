"""Who holds a lease, named so that a lease left by a dead process is free at once.

A holder is ``host:pid:start`` (the poller) or ``host:pid:start:work``: the machine, the server process and
when that process started (from ``/proc``, so a reused pid is told apart),
and one piece of work. A process on the same machine checks whether that
process still runs; a holder on another machine is trusted until its lease
expires, which its short heartbeat keeps well ahead while it is alive.
"""

from __future__ import annotations

import os
import socket
import uuid
from functools import cache
from pathlib import Path


def _start_of(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@cache
def _process(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_of(pid) or '0'}"


def this_process() -> str:
    """This server process (a worker forked after import gets its own)."""
    return _process(os.getpid())


def new_holder() -> str:
    """A holder for one piece of work of this process."""
    return f"{this_process()}:{uuid.uuid4().hex[:12]}"


def holder_is_gone(holder: str) -> bool:
    """Whether the process behind ``holder`` has certainly stopped."""
    parts = holder.split(":")
    if len(parts) not in (3, 4) or not Path("/proc/self/stat").exists():
        return False
    host, pid, start = parts[:3]
    if host != socket.gethostname() or not pid.isdigit() or start == "0":
        return False
    return _start_of(int(pid)) != start
