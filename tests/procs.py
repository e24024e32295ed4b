"""Finding processes by a marker in their command line, to prove none outlived a test."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def marker() -> str:
    """A unique ``sleep`` argument, so a test can find exactly its own processes."""
    return f"{30 + secrets.randbelow(10**6) / 10**7:.7f}"


def alive_with(text: str) -> list[int]:
    """Running (not zombie) processes whose command line contains ``text``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        if text in cmdline and stat[stat.rfind(")") + 2] not in "ZX":
            found.append(int(name))
    return found


def wait_gone(text: str, within: float = 10.0) -> list[int]:
    """The processes still alive after waiting up to ``within`` seconds for them to go."""
    deadline = time.monotonic() + within
    while alive_with(text) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive_with(text)


def with_sigint(command: list[str], *, ignored: bool = False) -> list[str]:
    """``command`` started with SIGINT ignored (as a shell's ``cmd &`` does) or at its
    default. A shell sets it and execs, since a ``preexec_fn`` would run Python in the
    fork of a threaded test worker, which can hang the child before it ever execs."""
    trap = 'trap "" INT' if ignored else "trap - INT"
    return ["sh", "-c", f'{trap}; exec "$@"', "sh", *command]


def where_stuck(pid: int) -> str:
    """What ``pid`` and its descendants wait on (state and kernel wait channel, per
    thread), for the message of a test whose command never got going."""
    lines = []
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for tid in sorted(os.listdir(f"/proc/{current}/task")):
                base = f"/proc/{current}/task/{tid}"
                state = Path(f"{base}/stat").read_text().split(") ", 1)[-1].split()[0]
                wchan = Path(f"{base}/wchan").read_text() or "-"
                cmd = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:80]
                lines.append(f"{current}/{tid} {state} {wchan} {cmd}")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending += [int(child) for child in children]
    return "\n".join(lines)
