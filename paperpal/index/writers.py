"""Who is writing a paper right now: the lease an incomplete catalog record carries.

A paper is written as catalog record (incomplete) -> chunks + text index -> complete.  An incomplete
record is either a write in progress — another ``paperpal index`` on a lab's shared Chroma server, or
another thread of this process — or what a killed run left behind, which the next open cleans up.
The record names its writer (``host|pid|process start time``) and when it started, so the cleanup
can tell them apart:

* same host: abandoned when that process is gone (pid gone, or reused by a later process);
* another host: abandoned :data:`LEASE_S` seconds after it started (no write of one paper takes that
  long: the largest corpus paper, 125 chunks, is written in under 10 s).
"""

from __future__ import annotations

import os
import socket
import time
from functools import lru_cache

LEASE_S = 30 * 60.0


@lru_cache(maxsize=1)
def writer_id() -> str:
    """This process, as an incomplete record names it."""
    import psutil

    return f"{socket.gethostname()}|{os.getpid()}|{psutil.Process().create_time():.3f}"


def _alive(pid: int, started: float) -> bool:
    import psutil

    try:
        return abs(psutil.Process(pid).create_time() - started) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def abandoned(writer: str, heartbeat: float, *, now: float | None = None) -> bool:
    """Whether an incomplete record written by ``writer`` at ``heartbeat`` (epoch seconds) is left over."""
    host, _, rest = writer.partition("|")
    pid, _, started = rest.partition("|")
    if not (host and pid.isdigit() and started):
        return True  # written before records named their writer: nothing can still be writing it
    if host == socket.gethostname():
        return not _alive(int(pid), float(started))
    return (now or time.time()) - heartbeat > LEASE_S
