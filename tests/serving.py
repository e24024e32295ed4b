"""Starting a real ``opencode serve --port 0`` for a test: the process, once it has
said on stderr where it listens (the server, web and attach tests share this)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from helpers import opencode_command

START = 60.0  # seconds a server may take to say where it listens (a loaded box)


def launch(cwd: Path, env: dict[str, str], *args: str) -> tuple[subprocess.Popen, str, list[str]]:
    """``opencode serve --port 0 ARGS`` in ``cwd``: the process, its URL and its stderr
    lines so far (more are added as they come)."""
    proc = subprocess.Popen(
        [*opencode_command(), "serve", "--port", "0", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "listening on" in line:
                found.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + START
    while not found.wait(0.1):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(timeout=10)
            raise AssertionError(f"the server did not start: {''.join(lines)}")
    url = next(line for line in lines if "listening on" in line).split("listening on ")[1].split()[0]
    return proc, url, lines
