"""Config values are range-checked: a timeout of -1 or nan, or a fractional count of
retries, is a usage error naming the file, line and key, before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencode.config import load_config
from opencode.errors import ConfigError


def load(project: Path, env: dict, body: str):
    (project / "opencode.toml").write_text(body)
    return load_config(project, env)


@pytest.mark.parametrize(
    "line, shown",
    [
        ("idle_timeout = 0", "got 0"),
        ("idle_timeout = -1", "got -1"),
        ("idle_timeout = nan", "got nan"),
        ("idle_timeout = inf", "got inf"),
        ("connect_timeout = -0.5", "got -0.5"),
        ("max_retries = -1", "got -1"),
        ("max_retries = 2.5", "got 2.5"),
        ("max_retries = true", "got boolean"),
        ("retry_budget = 100000", "got 100000"),
    ],
)
def test_out_of_range_values_name_the_key_and_the_value(project: Path, env, line: str, shown: str):
    with pytest.raises(ConfigError) as caught:
        load(project, env, f"[llm]\n{line}\n")
    key = line.split(" = ")[0]
    assert f"opencode.toml:2: llm.{key} must be" in caught.value.message and caught.value.message.endswith(shown)


def test_values_in_range_load(project: Path, env):
    config = load(project, env, "[llm]\nidle_timeout = 0.5\nconnect_timeout = 3\nmax_retries = 0\nretry_budget = 0\n")
    assert config.get("llm.idle_timeout") == 0.5 and config.get("llm.max_retries") == 0
