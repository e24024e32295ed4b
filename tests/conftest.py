"""Shared fixtures: an isolated environment and a temporary project per test.

Suite-specific fixtures live in the conftest.py of their own folder.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import Result, isolated_env, run

pytest_plugins = ["fakellm.fixtures"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return isolated_env(tmp_path / "env")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty git repository: the project root for tools."""
    root = tmp_path / "proj"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.fixture
def oc(project: Path, env: dict[str, str]):
    """``oc(*args, input=..., cwd=...)`` runs opencode in the project."""

    def call(*args: str, input: str | bytes | None = None, cwd: Path | None = None, timeout: float = 60, extra_env: dict | None = None) -> Result:
        return run(list(args), cwd=cwd or project, env={**env, **(extra_env or {})}, input=input, timeout=timeout)

    return call
