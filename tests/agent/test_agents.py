"""Agents as data: the built-ins, markdown agents, config tables and their layering."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencode.agent.agents import (
    AgentSet,
    agent_summary_records,
    builtin_agents,
    load_agents,
    pick_agent_from_prompt,
)
from opencode.config import load_config
from opencode.errors import ConfigError, UsageError
from opencode.tools import BUILTIN, builtin_spec

KINDS = {name: builtin_spec(name).permission for name in BUILTIN}
#: The built-in tools that change project files (what the read-only rule keeps away).
WRITE_TOOLS = [name for name, kind in KINDS.items() if kind == "write"]


def allowed(agent) -> set[str]:
    return {name for name, kind in KINDS.items() if agent.allows_tool(name, kind)}


def user_dir(env: dict[str, str]) -> Path:
    return Path(env["OPENCODE_CONFIG"]).parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(project: Path, env: dict[str, str]) -> AgentSet:
    return load_agents(load_config(project, env), project, env)


# -- built-ins ----------------------------------------------------------------------


def test_builtins_modes_and_order(project, env):
    agents = load(project, env)
    assert agents.names() == ["build", "plan", "general", "explore"]
    assert agents.default.name == "build"
    assert [a.name for a in agents.primary()] == ["build", "plan"]
    assert [a.name for a in agents.subagents()] == ["general", "explore"]
    assert all(a.source == "builtin" and a.prompt and a.description for a in agents)
    assert agents.warnings == []


def test_build_offers_every_tool():
    assert allowed(builtin_agents()["build"]) == set(BUILTIN)


def test_plan_cannot_modify_files():
    plan = builtin_agents()["plan"]
    assert plan.read_only
    for tool in ("write", "edit", "multiedit", "apply_patch", "rm"):
        assert not plan.allows_tool(tool, KINDS[tool])
        assert plan.permissions[tool] == "deny"
    assert plan.permissions["bash"] == "ask"
    assert allowed(plan) == set(BUILTIN) - set(WRITE_TOOLS)
    assert not plan.allows_tool("some_mcp_writer", "write")
    assert "may not modify" in plan.prompt


def test_explore_is_read_only_search():
    explore = builtin_agents()["explore"]
    assert allowed(explore) == {"read", "grep", "glob", "ls", "bash"}
    assert all(KINDS[name] == "read" for name in allowed(explore) - {"bash"})
    assert explore.read_only and explore.permissions["bash"] == "ask"
    assert not explore.allows_tool("webfetch", "network")


def test_general_has_everything_but_todos():
    assert allowed(builtin_agents()["general"]) == set(BUILTIN) - {"todowrite", "todoread"}


def test_builtins_are_fresh_copies():
    builtin_agents()["build"].tools["bash"] = False
    assert builtin_agents()["build"].tools == {}


# -- markdown agents and layering ---------------------------------------------------

REVIEW = """---
description: Reviews a diff for bugs
model: anthropic/claude-sonnet-4-20250514
temperature: 0.2
mode: subagent
tools:
  write: false
  bash: false
permissions:
  bash:
    "git diff*": allow
    "*": ask
max_turns: 12
---

You review code. Point out bugs, not style.
"""


def test_project_markdown_agent(project, env):
    path = write(project / ".opencode" / "agents" / "review.md", REVIEW)
    review = load(project, env).get("review")
    assert review.description == "Reviews a diff for bugs"
    assert review.model == "anthropic/claude-sonnet-4-20250514"
    assert review.temperature == 0.2
    assert review.mode == "subagent"
    assert review.tools == {"write": False, "bash": False}
    assert review.permissions == {"bash": {"git diff*": "allow", "*": "ask"}}
    assert review.max_turns == 12
    assert review.prompt == "You review code. Point out bugs, not style."
    assert review.source == str(path)
    assert not review.allows_tool("bash", "execute") and review.allows_tool("read", "read")


def test_user_agent_overridden_by_project_field_by_field(project, env):
    write(user_dir(env) / "agents" / "review.md", REVIEW)
    write(project / ".opencode" / "agents" / "review.md", "---\nmodel: openai/gpt-4o\ntools:\n  bash: true\n---\n")
    agents = load(project, env)
    review = agents.get("review")
    assert review.model == "openai/gpt-4o"
    assert review.description == "Reviews a diff for bugs"
    assert review.prompt == "You review code. Point out bugs, not style."
    assert review.tools == {"write": False, "bash": True}
    assert review.source.endswith(str(Path(".opencode") / "agents" / "review.md"))
    assert agents.names() == ["build", "plan", "general", "explore", "review"]


def test_config_table_overrides_markdown(project, env):
    write(project / ".opencode" / "agents" / "review.md", REVIEW)
    write(
        project / "opencode.toml",
        '[agents.review]\nmodel = "openai/gpt-4o"\nmax_turns = 3\n'
        '[agents.review.permissions.bash]\n"git log*" = "allow"\n'
        '[agents.build]\ntemperature = 0.5\n',
    )
    agents = load(project, env)
    review = agents.get("review")
    assert (review.model, review.max_turns, review.source) == ("openai/gpt-4o", 3, "config")
    assert review.permissions["bash"] == {"git diff*": "allow", "*": "ask", "git log*": "allow"}
    assert review.prompt.startswith("You review code")
    build = agents.get("build")
    assert build.temperature == 0.5 and build.prompt == builtin_agents()["build"].prompt


def test_markdown_overrides_builtin_keeping_its_prompt(project, env):
    write(project / ".opencode" / "agents" / "build.md", "---\nmodel: openai/gpt-4o\n---\n")
    build = load(project, env).get("build")
    assert build.model == "openai/gpt-4o"
    assert build.prompt == builtin_agents()["build"].prompt
    assert build.mode == "primary"


def test_new_agents_get_defaults(project, env):
    write(project / ".opencode" / "agents" / "notes.md", "Just a prompt, no front matter.\n")
    write(project / "opencode.toml", '[agents.bare]\ndescription = "from config"\n')
    agents = load(project, env)
    notes, bare = agents.get("notes"), agents.get("bare")
    assert notes.prompt == "Just a prompt, no front matter." and notes.mode == "all"
    assert bare.prompt == agents.default.prompt
    assert notes in agents.primary() and notes in agents.subagents()


def test_read_only_cannot_be_lifted(project, env):
    write(project / ".opencode" / "agents" / "plan.md", "---\nread_only: false\ntools:\n  write: true\n---\n")
    write(project / "opencode.toml", "[agents.plan.tools]\nedit = true\n")
    agents = load(project, env)
    plan = agents.get("plan")
    assert plan.read_only
    assert not plan.allows_tool("write", "write") and not plan.allows_tool("edit", "write")
    assert any("read-only" in w for w in agents.warnings)


def test_tool_patterns(project, env):
    write(project / ".opencode" / "agents" / "narrow.md", '---\ntools:\n  "*": false\n  read: true\n  "github_*": true\n---\nx\n')
    narrow = load(project, env).get("narrow")
    assert narrow.allows_tool("read", "read")
    assert narrow.allows_tool("github_search", "network")
    assert not narrow.allows_tool("grep", "read")


# -- bad files ----------------------------------------------------------------------


def test_yaml_syntax_error_names_file_and_line(project, env):
    path = write(project / ".opencode" / "agents" / "broken.md", "---\ndescription: ok\ntools: [read\n---\nbody\n")
    with pytest.raises(ConfigError) as caught:
        load(project, env)
    assert str(path) in str(caught.value) and "YAML" in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("front", "field", "line"),
    [
        ("temperature: hot", "temperature", 2),
        ("mode: primery", "mode", 2),
        ("description: x\ntools:\n  bash: sometimes", "tools.bash", 4),
        ("permissions:\n  edit: never", "permissions.edit", 3),
        ("max_turns: 0", "max_turns", 2),
    ],
)
def test_wrong_type_names_file_and_field(project, env, front, field, line):
    path = write(project / ".opencode" / "agents" / "bad.md", f"---\n{front}\n---\nbody\n")
    with pytest.raises(ConfigError) as caught:
        load(project, env)
    assert str(caught.value).startswith(f"{path}:{line}: {field} must be")


def test_unclosed_front_matter_and_non_mapping(project, env):
    path = write(project / ".opencode" / "agents" / "open.md", "---\nmodel: x\nno end\n")
    with pytest.raises(ConfigError, match="never closed"):
        load(project, env)
    path.write_text("---\n- a\n- b\n---\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load(project, env)


def test_unknown_keys_and_bad_names_are_warnings(project, env):
    write(project / ".opencode" / "agents" / "odd.md", "---\ncolour: blue\nmodel: a/b\n---\nbody\n")
    write(project / ".opencode" / "agents" / "two words.md", "body\n")
    agents = load(project, env)
    assert agents.get("odd").model == "a/b"
    assert "two words" not in agents
    assert any("unknown key 'colour'" in w and "odd.md:2" in w for w in agents.warnings)
    assert any("not a valid agent name" in w for w in agents.warnings)


def test_bad_permission_in_config_names_the_file(project, env):
    config_file = write(project / "opencode.toml", '[agents.build.permissions]\nbash = "sure"\n')
    with pytest.raises(ConfigError) as caught:
        load(project, env)
    assert str(caught.value).startswith(f"{config_file}:2: agents.build.permissions.bash must be")


def test_unknown_agent_lists_the_available_ones(project, env):
    with pytest.raises(UsageError) as caught:
        load(project, env).get("plna")
    assert "build, plan, general, explore" in str(caught.value)
    assert caught.value.hint == "did you mean plan?"


# -- @agent prefixes and summaries ---------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("@plan Analyze the architecture", ("plan", "Analyze the architecture")),
        ("@build Implement the suggested changes", ("build", "Implement the suggested changes")),
        ("  @plan: why?", ("plan", "why?")),
        ("@plan", ("plan", "")),
        ("@unknown do it", (None, "@unknown do it")),
        ("@src/main.py explain", (None, "@src/main.py explain")),
        ("@planner go", (None, "@planner go")),
        ("please @plan this", (None, "please @plan this")),
    ],
)
def test_pick_agent_from_prompt(prompt, expected):
    assert pick_agent_from_prompt(prompt, AgentSet(builtin_agents())) == expected


def test_summary_records(project, env):
    write(project / ".opencode" / "agents" / "review.md", REVIEW)
    records = agent_summary_records(load(project, env))
    assert [r["name"] for r in records] == ["build", "plan", "general", "explore", "review"]
    plan, review = records[1], records[4]
    assert plan["type"] == "agent" and plan["v"] == 1
    assert plan["mode"] == "primary" and plan["model"] is None and plan["source"] == "builtin"
    assert plan["text"].startswith("plan (primary, read-only): ")
    assert review["model"] == "anthropic/claude-sonnet-4-20250514"
    assert "review.md" in review["source"] and "\n" not in review["text"]
