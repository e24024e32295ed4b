"""Fixtures for tool tests that call tools in-process."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty project folder (its parent holds the data dir)."""
    project = tmp_path / "proj"
    project.mkdir()
    return project
