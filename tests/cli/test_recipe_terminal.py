"""A recipe run by a person at a real terminal (tmux): a missing parameter is asked on
stderr, the progress table is drawn there, and a redirected stdout gets only the
recipe's output."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from helpers import opencode_command
from recipe_replay import record_answers

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

RECIPE = """\
[recipe]
name = "ask-me"
[params.file]
type = "file"
description = "what to explain"
[[steps]]
id = "explain"
ask = "Explain:\\n{{ params.file }}"
"""


def pane(socket: str) -> str:
    return subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"], capture_output=True, text=True, timeout=10).stdout


def wait_for(socket: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = pane(socket)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared:\n{pane(socket)}")


def test_a_missing_parameter_is_asked_and_stdout_keeps_only_the_output(project: Path, env: dict[str, str]):
    (project / "main.py").write_text("print('hi')\n")
    (project / "ask.toml").write_text(RECIPE)
    record_answers(project, env, "ask.toml", {"file": "main.py"}, ["It prints hi."], project / "ask.jsonl")
    socket = f"oc-{uuid.uuid4().hex[:8]}"
    command = " ".join(shlex.quote(part) for part in [*opencode_command(), "run", "ask.toml", "--replay", "ask.jsonl"])
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    script = f"cd {shlex.quote(str(project))} && env -i {exports} {command} > out.md; echo EXIT=$?; sleep 60"
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "100", "-y", "30", script], check=True, timeout=10)
    try:
        wait_for(socket, "what to explain")
        subprocess.run(["tmux", "-L", socket, "send-keys", "main.py", "Enter"], check=True, timeout=10)
        screen = wait_for(socket, "EXIT=")
        assert "EXIT=0" in screen and "explain" in screen and "ok" in screen
        assert (project / "out.md").read_text() == "It prints hi.\n"
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)
