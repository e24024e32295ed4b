"""Launching chat without a terminal: a clear refusal, and help where help was."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import opencode_command


def test_chat_without_a_terminal_is_a_usage_error(project: Path, env: dict[str, str]):
    # A new session has no controlling terminal: /dev/tty cannot be opened.
    done = subprocess.run(
        [*opencode_command(), "chat"], cwd=project, env=env, input=b"some text", capture_output=True, timeout=20, start_new_session=True
    )
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr.decode() and "Traceback" not in done.stderr.decode()


def test_bare_opencode_in_a_pipe_prints_help(oc):
    result = oc()
    assert result.code == 0 and "Usage: opencode" in result.stdout
