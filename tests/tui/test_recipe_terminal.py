"""A recipe run by a person at a real terminal (tmux): a missing parameter is asked on
stderr, the progress table is drawn there, and a redirected stdout gets only the
recipe's output."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from helpers import opencode_command
from recipe_replay import record_answers

from .tmux import Pane

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


def test_a_missing_parameter_is_asked_and_stdout_keeps_only_the_output(project: Path, env: dict[str, str]):
    (project / "main.py").write_text("print('hi')\n")
    (project / "ask.toml").write_text(RECIPE)
    record_answers(project, env, "ask.toml", {"file": "main.py"}, ["It prints hi."], project / "ask.jsonl")
    command = " ".join(shlex.quote(part) for part in [*opencode_command(), "run", "ask.toml", "--replay", "ask.jsonl"])
    pane = Pane(project, env, f"{command} > out.md")
    try:
        pane.wait_for("what to explain")
        pane.type("main.py")
        pane.send("Enter")
        screen = pane.wait_for("[exit ")
        assert "[exit 0]" in screen and "explain" in screen and "ok" in screen
        assert (project / "out.md").read_text() == "It prints hi.\n"
    finally:
        pane.kill()
