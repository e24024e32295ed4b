"""Protected paths: what git runs, and the agent's own settings and memory.

A model that could edit ``.git/config`` could set ``core.fsmonitor`` and have the next
allowed ``git status`` run anything; one that could edit ``opencode.toml`` could grant
itself every permission. So the file tools ask before touching ``.git/``, the
project's config and the session folders, and never change ``.git/config`` or
``.git/hooks/`` without a grant that names them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakellm.script import Reply
from opencode.agent.agents import builtin_agents
from opencode.agent.permissions import Permissions
from opencode.agent.protected import ProtectedPaths
from opencode.paths import PathPolicy
from opencode.tools import builtin_spec

BUILD = builtin_agents()["build"]


def decide(project: Path, tool: str, params: dict, **options):
    permissions = Permissions({}, BUILD, paths=PathPolicy(project, project), protected=ProtectedPaths(project, [project / "docs" / "sessions"]), **options)
    return asyncio.run(permissions.decide(builtin_spec(tool), params))


@pytest.mark.parametrize("path", [".git/config", ".git/hooks/pre-commit"])
@pytest.mark.parametrize("tool", ["write", "edit"])
def test_what_git_runs_needs_a_grant_that_names_it(project: Path, tool: str, path: str):
    params = {"path": path, "content": "x"} if tool == "write" else {"path": path, "old_string": "a", "new_string": "b"}
    for options in ({}, {"yes": True}, {"yes": True, "grants": [tool]}, {"grants": [f"{tool}:*"]}):
        decision = decide(project, tool, params, **options)
        assert not decision.allowed and f"--allow '{tool}:{path}'" in decision.reason, options
    assert decide(project, tool, params, grants=[f"{tool}:{path}"]).allowed


@pytest.mark.parametrize("path", [".git/HEAD", "opencode.toml", ".opencode/agents/me.md", "docs/sessions/session_x.json"])
def test_other_protected_paths_are_an_ask(project: Path, path: str):
    params = {"path": path, "content": "x"}
    headless = decide(project, "write", params)
    assert not headless.allowed and "needs approval" in headless.reason
    assert decide(project, "write", params, yes=True).allowed
    assert decide(project, "write", params, grants=[f"write:{path}"]).allowed


def test_ordinary_files_are_not_protected(project: Path):
    assert decide(project, "write", {"path": "src/app.py", "content": "x"}).allowed
    assert decide(project, "write", {"path": ".gitignore", "content": "x"}).allowed


def test_a_patch_is_judged_by_every_file_it_names(project: Path):
    patch = "*** Begin Patch\n*** Update File: src/a.py\n@@\n-x\n+y\n*** Delete File: .git/HEAD\n*** End Patch\n"
    assert not decide(project, "apply_patch", {"patch": patch}).allowed
    moved = "*** Begin Patch\n*** Update File: a.py\n*** Move to: .git/hooks/post-checkout\n@@\n-x\n+y\n*** End Patch\n"
    assert not decide(project, "apply_patch", {"patch": moved}, yes=True).allowed
    plain = "*** Begin Patch\n*** Add File: src/new.py\n+print(1)\n*** End Patch\n"
    assert decide(project, "apply_patch", {"patch": plain}).allowed


def test_a_model_cannot_plant_a_git_fsmonitor(oc, llm_project: Path, fake_llm, keys):
    """The trick from hostile testing: edit .git/config, then an allowed git status runs it."""
    config = llm_project / ".git" / "config"
    before = config.read_text()
    fake_llm.script(
        Reply.tool_call("read", {"path": ".git/config"}),
        Reply.tool_call("edit", {"path": ".git/config", "old_string": "[core]", "new_string": "[core]\n\tfsmonitor = touch pwned"}),
        Reply.tool_call("bash", {"command": "git status"}),
        Reply.text("done"),
    )
    result = oc("run", "speed up git", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    edit = [r for r in result.records if r["type"] == "tool_result" and r["tool"] == "edit"][0]
    assert edit["status"] == "denied" and ".git/config is protected" in edit["error"]
    assert config.read_text() == before
    assert not (llm_project / "pwned").exists()
