"""A project whose config points the OpenAI and Anthropic providers at the fake server."""

from __future__ import annotations

from pathlib import Path

import pytest


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
