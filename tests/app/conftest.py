"""Fixtures for the application-layer tests: in-process workspaces on a scripted model.

``workspace_for(*replies, person=None)`` gives a ``Harness`` (see ``app_helpers``): a
``Workspace`` on the ``project`` fixture, built from plain values (the isolated ``env``
with a test key, never ``os.environ``), whose model replays ``replies``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app_helpers import Harness
from opencode.app.workspace import Workspace
from opencode.llm.scripted import DEFAULT_WINDOW, ScriptedModel


@pytest.fixture
def keyed_env(env: dict[str, str]) -> dict[str, str]:
    """The isolated environment plus a provider key, so that a model resolves."""
    return {**env, "ANTHROPIC_API_KEY": "sk-test"}


@pytest.fixture
def workspace_for(project: Path, keyed_env: dict[str, str]):
    """``workspace_for(*replies, person=None, context_window=..., cwd=project, env=...)``."""

    def make(*replies, person=None, context_window: int = DEFAULT_WINDOW, cwd: Path | None = None, env=None) -> Harness:
        model = ScriptedModel(*replies, context_window=context_window)
        workspace = Workspace(cwd or project, keyed_env if env is None else env, model_client=model)
        return Harness(workspace, model, person)

    return make
