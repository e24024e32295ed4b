"""The process groups of a run's stdio servers, and stopping them whole.

The SDK starts each stdio server as the leader of a session of its own, and on close
waits for the leader to exit, killing its group only when the leader does not go.
A server that exits politely can leave children behind (a wrapper's real server, a
helper it started), still in its group. So the hub notes the groups its servers lead
once they are up, and ends each group when the run ends.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def child_groups() -> set[int]:
    """The process groups led by children of this process (stdio servers, once up)."""
    me, found = os.getpid(), set()
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == me and int(fields[2]) == int(entry.name):
                found.add(int(entry.name))
        return found
    import subprocess

    try:
        listing = subprocess.run(["ps", "-A", "-o", "pid=,ppid=,pgid="], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return found
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == str(me) and parts[0] == parts[2]:
            found.add(int(parts[0]))
    return found


def stop_groups(groups: set[int], grace: float = 2.0) -> None:
    """SIGTERM each group, then SIGKILL what is left after ``grace`` seconds."""
    live = set()
    for group in groups:
        try:
            os.killpg(group, signal.SIGTERM)
            live.add(group)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + grace
    while live and time.monotonic() < deadline:
        live = {g for g in live if _alive(g)}
        if live:
            time.sleep(0.05)
    for group in live:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
