"""The system prompt: agent prompt, environment facts, git state, instruction files."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from opencode.agent.agents import builtin_agents
from opencode.agent.instructions import MAX_FILE_BYTES, build_system_prompt, git_facts, system_prompt
from opencode.config import load_config

TODAY = date(2025, 3, 14)


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=t", *args], cwd=project, check=True, capture_output=True)


def prompt_for(project: Path, env: dict[str, str], agent: str = "build", cwd: Path | None = None):
    config = load_config(cwd or project, env)
    return build_system_prompt(builtin_agents()[agent], project, cwd or project, config, env, now=TODAY)


def test_prompt_environment_and_agent_text(project, env):
    text = system_prompt(builtin_agents()["plan"], project, project, load_config(project, env), env, now=TODAY)
    assert text.startswith(builtin_agents()["plan"].prompt)
    assert f"Working directory: {project}" in text
    assert f"Project root: {project}" in text
    assert "Today's date: 2025-03-14 (Friday)" in text
    assert "Platform: " in text
    assert "Instructions from" not in text


def test_project_instruction_files(project, env):
    (project / "AGENTS.md").write_text("Run tests with `make check`.\n")
    (project / "CLAUDE.md").write_text("Prefer tabs.\n")
    user_agents = Path(env["OPENCODE_CONFIG"]).parent / "AGENTS.md"
    user_agents.parent.mkdir(parents=True)
    user_agents.write_text("Answer in British English.\n")
    result = prompt_for(project, env)
    text = result.text
    assert "Instructions from: AGENTS.md\nRun tests with `make check`." in text
    assert "Instructions from: CLAUDE.md\nPrefer tabs." in text
    assert f"Instructions from: {user_agents}\nAnswer in British English." in text
    assert text.index("British") < text.index("make check") < text.index("Prefer tabs")
    assert result.files == [user_agents, project / "AGENTS.md", project / "CLAUDE.md"]
    assert result.warnings == []


def test_nested_agents_md_down_to_cwd(project, env):
    sub = project / "pkg" / "core"
    sub.mkdir(parents=True)
    (project / "AGENTS.md").write_text("root rules\n")
    (project / "pkg" / "AGENTS.md").write_text("pkg rules\n")
    text = prompt_for(project, env, cwd=sub).text
    assert f"Working directory: {sub}" in text
    assert text.index("root rules") < text.index("pkg rules")


def test_configured_instructions_with_globs_and_missing_files(project, env):
    docs = project / "docs" / "rules"
    docs.mkdir(parents=True)
    (docs / "b.md").write_text("rule B\n")
    (docs / "a.md").write_text("rule A\n")
    (project / "STYLE.md").write_text("style rules\n")
    (project / "opencode.toml").write_text('instructions = ["STYLE.md", "docs/**/*.md", "gone.md", "nothing/*.txt"]\n')
    result = prompt_for(project, env)
    assert "Instructions from: STYLE.md\nstyle rules" in result.text
    assert result.text.index("rule A") < result.text.index("rule B")
    assert [p.name for p in result.files] == ["STYLE.md", "a.md", "b.md"]
    assert len(result.warnings) == 2
    assert "'gone.md' not found" in result.warnings[0] and "opencode.toml" in result.warnings[0]
    assert "no file matches 'nothing/*.txt'" in result.warnings[1]


def test_project_config_cannot_include_files_outside(project, env, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n")
    (project / "opencode.toml").write_text(f'instructions = ["{secret}", "../secret.txt"]\n')
    result = prompt_for(project, env)
    assert "hunter2" not in result.text
    assert len(result.warnings) == 2 and all("outside the project" in w for w in result.warnings)
    user_config = Path(env["OPENCODE_CONFIG"])
    user_config.parent.mkdir(parents=True)
    user_config.write_text(f'instructions = ["{secret}"]\n')
    (project / "opencode.toml").unlink()
    assert "hunter2" in prompt_for(project, env).text


def test_large_file_is_truncated_with_a_note(project, env):
    (project / "AGENTS.md").write_text("x" * (MAX_FILE_BYTES + 5000))
    result = prompt_for(project, env)
    assert f"[truncated: AGENTS.md is {MAX_FILE_BYTES + 5000:,} bytes" in result.text
    assert result.text.count("x" * 1000) == MAX_FILE_BYTES // 1000
    assert any("truncated" in w for w in result.warnings)


def test_git_facts_in_a_repository(project, env):
    (project / "tracked.txt").write_text("one\n")
    git(project, "add", "tracked.txt")
    git(project, "commit", "-q", "-m", "first")
    git(project, "checkout", "-q", "-b", "feature")
    (project / "tracked.txt").write_text("two\n")
    (project / "new1.txt").write_text("n\n")
    (project / "new2.txt").write_text("n\n")
    text = prompt_for(project, env).text
    assert "Git repository: yes (branch feature, 1 modified, 2 untracked)" in text


def test_git_facts_clean_and_empty_and_outside(project, env, tmp_path):
    assert git_facts(project, env) == "yes (branch " + _head(project) + ", no commits yet, clean)"
    (project / "f").write_text("x")
    git(project, "add", "f")
    git(project, "commit", "-q", "-m", "c")
    assert git_facts(project, env) == f"yes (branch {_head(project)}, clean)"
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git_facts(plain, {**env, "GIT_CEILING_DIRECTORIES": str(tmp_path)}) == "no"


def test_git_missing_is_skipped_silently(project, env):
    no_git = {**env, "PATH": str(project / "empty-bin")}
    text = build_system_prompt(builtin_agents()["build"], project, project, None, no_git, now=TODAY).text
    assert "Git repository" not in text
    assert "Today's date: 2025-03-14" in text


def _head(project: Path) -> str:
    out = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=project, capture_output=True, text=True)
    return out.stdout.strip()
