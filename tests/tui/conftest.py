"""Fixtures for the terminal tests: ``chat(...)`` starts opencode chat in a tmux pane."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import opencode_command

from .tmux import Pane


@pytest.fixture
def chat(llm_project: Path, env: dict[str, str], keys: dict[str, str]):
    """``chat(*args, keys=True)``: a Pane running ``opencode --no-server chat ARGS`` in
    the project (or ``command``)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    panes: list[Pane] = []

    def start(*args: str, with_keys: bool = True, command: str | None = None) -> Pane:
        run_env = {**env, **(keys if with_keys else {}), "TERM": "xterm-256color"}
        # --no-server: each chat would serve the API on 4096; the tests that want it say so.
        program = command or " ".join([*opencode_command(), "--no-server", "chat", *args])
        pane = Pane(llm_project, run_env, program)
        panes.append(pane)
        return pane

    yield start
    for pane in panes:
        pane.kill()
