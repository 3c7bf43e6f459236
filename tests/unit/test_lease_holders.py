"""Lease holders name their process, so a dead one is known at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from sms_hub.services.lease_holders import holder_is_gone, new_holder, this_process


def _running_child() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )


def _holder_of(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        start = stat.read().rsplit(")", 1)[1].split()[19]
    return f"{socket.gethostname()}:{pid}:{start}:work"


def test_this_process_holds_with_its_host_pid_and_start():
    host, pid, start = this_process().rsplit(":", 2)
    assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    assert start.isdigit() and start != "0"
    assert new_holder().startswith(this_process() + ":")
    assert new_holder() != new_holder()
    assert not holder_is_gone(new_holder())
    assert not holder_is_gone(this_process())


def test_a_process_that_stopped_is_gone_and_a_running_one_is_not():
    child = _running_child()
    holder = _holder_of(child.pid)
    try:
        assert not holder_is_gone(holder)
    finally:
        child.communicate(b"")
    assert holder_is_gone(holder)


def test_a_reused_pid_is_another_process():
    host, pid, _ = this_process().rsplit(":", 2)
    assert holder_is_gone(f"{host}:{pid}:1:work")


def test_a_holder_on_another_machine_or_unreadable_is_trusted():
    assert not holder_is_gone("another-host:1:1:work")
    assert not holder_is_gone("worker-a")
    assert not holder_is_gone(f"{socket.gethostname()}:12:0:work")
