"""A write killed mid-way leaves the old file or the new one, never a torn one."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from helpers import opencode_command

OLD = b"old\n" * 50_000
NEW = b"new\n" * 5_000_000  # 20 MB: slow enough to be killed while writing


def test_sigkill_during_write_never_tears(project: Path, env: dict):
    target = project / "data.txt"
    outcomes = set()
    for delay in (0.05, 0.15, 0.3, 0.6, 1.2):
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
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        content = target.read_bytes()
        assert content in (OLD, NEW), f"torn file of {len(content)} bytes after {delay}s"
        outcomes.add("new" if content == NEW else "old")
    leftovers = [p.name for p in project.iterdir() if p.name.endswith(".tmp")]
    # A killed writer may leave its temporary file; it is never the target itself.
    assert all(name.startswith(".data.txt.") for name in leftovers)
    assert outcomes  # at least one run completed either way


def test_write_keeps_file_mode(oc, project: Path):
    script = project / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert oc("write", "run.sh", "--content", "#!/bin/sh\necho hi\n").code == 0
    assert os.stat(script).st_mode & 0o777 == 0o755
