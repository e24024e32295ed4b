"""Every shipped recipe replays from its shipped recording (``recipes/NAME.jsonl``,
made by ``record.py``) with no key and no network, and gives what a live run against
the fake model server gives: the same output, the same files changed."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios

#: No key, and any connection attempt goes to a dead loopback port.
OFFLINE = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")}


def files(root: Path) -> dict[str, str]:
    """The project's files as the recipe left them (not git's, the config or sessions)."""
    skipped = (".git", "docs", "opencode.toml", "__pycache__")
    return {
        str(p.relative_to(root)): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part in skipped for part in p.relative_to(root).parts)
    }


@pytest.mark.parametrize("name", sorted(scenarios.ALL))
def test_recipe_replays_its_recording_offline(name, oc, llm_project, other_project, fake_llm, keys):
    scenario = scenarios.ALL[name]
    scenario.setup(llm_project)
    fake_llm.script(*scenario.replies)
    live = oc(*scenario.command(), "--json", extra_env=keys)
    assert live.code == 0, live.stderr

    scenario.setup(other_project)
    replayed = oc(*scenario.command(), "--replay", str(scenario.recording), "--json", cwd=other_project, extra_env=OFFLINE)
    assert replayed.code == 0, replayed.stdout[-2000:] + replayed.stderr
    assert replayed.records[-1]["text"] == live.records[-1]["text"] != ""
    assert files(other_project) == files(llm_project)
    assert len(fake_llm.chat_requests) == len(scenario.replies)  # the replay called nobody


def test_a_replay_whose_input_changed_fails_with_exit_4(oc, project):
    scenarios.explain.setup(project)
    with (project / scenarios.EXPLAINED).open("a") as source:
        source.write("# one more line\n")
    result = oc(*scenarios.explain.command(), "--replay", str(scenarios.explain.recording), extra_env=OFFLINE)
    assert result.code == 4
    assert "differs from the recording" in result.stderr and result.stdout == ""
