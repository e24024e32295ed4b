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


def git_repository(root: Path) -> Path:
    """``root`` made an empty git repository."""
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty git repository: the project root for tools."""
    return git_repository(tmp_path / "proj")


@pytest.fixture
def other_project(tmp_path: Path) -> Path:
    """A second empty git repository (to move sessions into, say)."""
    return git_repository(tmp_path / "other")


@pytest.fixture
def oc(project: Path, env: dict[str, str]):
    """``oc(*args, input=..., cwd=...)`` runs opencode in the project."""

    def call(*args: str, input: str | bytes | None = None, cwd: Path | None = None, timeout: float = 60, extra_env: dict | None = None) -> Result:
        return run(list(args), cwd=cwd or project, env={**env, **(extra_env or {})}, input=input, timeout=timeout)

    return call


@pytest.fixture
def llm_project(project: Path, fake_llm) -> Path:
    (project / "opencode.toml").write_text(
        "[provider]\n"
        'default = "openai"\n'
        "[provider.openai]\n"
        f'base_url = "{fake_llm.url}/v1"\n'
        'model = "gpt-4o"\n'
        "[provider.anthropic]\n"
        f'base_url = "{fake_llm.url}"\n'
        'model = "claude-sonnet-4-20250514"\n'
        "[llm]\n"
        "idle_timeout = 2\n"
        "max_retries = 2\n"
    )
    return project


@pytest.fixture
def keys() -> dict[str, str]:
    return {"OPENAI_API_KEY": "sk-test-openai", "ANTHROPIC_API_KEY": "sk-ant-test"}
