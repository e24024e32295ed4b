"""A write killed mid-way leaves the old file or the new one, never a torn one, and
no temporary file behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from helpers import opencode_command

OLD = b"old\n" * 50_000
NEW = b"new\n" * 5_000_000  # 20 MB: slow enough to be killed while writing
#: Kill moments spread over a write's life: start-up, reading stdin, writing (about
#: 0.1 s in on an idle machine, so most moments are near it), diffing for the record.
DELAYS = (0.02, 0.05, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.15, 0.2, 0.3, 0.5)


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def kill_when_writing(proc: subprocess.Popen, folder: Path, delay: float) -> None:
    """SIGKILL ``proc`` as soon as a temporary file shows up, or after ``delay``."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None and not temporaries(folder):
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_sigkill_during_write_never_tears_nor_leaves_a_temporary_file(project: Path, env: dict):
    target = project / "data.txt"
    outcomes = set()
    for delay in DELAYS:
        target.write_bytes(OLD)
        proc = subprocess.Popen(
            [*opencode_command(), "write", "data.txt"], cwd=project, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            proc.stdin.write(NEW)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        kill_when_writing(proc, project, delay)
        content = target.read_bytes()
        assert content in (OLD, NEW), f"torn file of {len(content)} bytes after {delay}s"
        outcomes.add("new" if content == NEW else "old")
        assert temporaries(project) == [], f"a temporary file was left after a kill at {delay}s"
    assert outcomes  # at least one run completed either way


def test_write_keeps_file_mode(oc, project: Path):
    script = project / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert oc("write", "run.sh", "--content", "#!/bin/sh\necho hi\n").code == 0
    assert os.stat(script).st_mode & 0o777 == 0o755
