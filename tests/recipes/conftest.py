"""Fixtures for the shipped recipes' tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios import Scenario


@pytest.fixture
def staged(llm_project: Path, fake_llm):
    """``staged(scenario)``: the scenario's project made and its replies scripted."""

    def make(scenario: Scenario) -> Path:
        scenario.setup(llm_project)
        fake_llm.script(*scenario.replies)
        return llm_project

    return make
