"""Declarative commands as a user meets them: the real ``opencode`` process, litellm
talking to the fake model server, real tools, real exit statuses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fakellm.script import Reply


def write_command(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def project_command(project: Path, name: str, text: str) -> Path:
    return write_command(project / ".opencode" / "commands", name, text)


def prompt_sent(fake_llm) -> str:
    """The user message of the first model call."""
    return fake_llm.chat_requests[0].messages[-1]["content"]


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=project, check=True, capture_output=True)


def test_a_project_command_runs_with_its_arguments(oc, llm_project: Path, fake_llm, keys):
    project_command(llm_project, "greet.md", "---\ndescription: Greet someone\nagent: plan\n---\nGreet $1 from $2 [$3]. All: $ARGUMENTS\n")
    fake_llm.script(Reply.text("Hello!"))
    result = oc("greet", "Ada", "London", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert prompt_sent(fake_llm) == "Greet Ada from London []. All: Ada London"
    assert result.records[0]["type"] == "session" and result.records[0]["agent"] == "plan"
    assert result.records[-1]["type"] == "done" and result.records[-1]["text"] == "Hello!"


def test_a_command_takes_the_run_options_and_piped_context(oc, llm_project: Path, fake_llm, keys):
    project_command(llm_project, "sum.md", "Summarize this, $1.\n")
    fake_llm.script(Reply.text("Short."))
    result = oc("sum", "briefly", "--format", "text", "--max-turns", "3", input="line one\nline two\n", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == "Short.\n"
    sent = fake_llm.chat_requests[0].text
    assert "Summarize this, briefly." in sent and "line two" in sent


def test_help_of_a_command_shows_its_description(oc, project: Path):
    project_command(project, "greet.md", "---\ndescription: Greet someone warmly\n---\nHi $1\n")
    result = oc("greet", "--help")
    assert result.code == 0 and "Greet someone warmly" in result.stdout and "--max-turns" in result.stdout
    root = oc("--help")
    assert root.code == 0
    assert any(line.split() == ["greet", "Greet", "someone", "warmly"] for line in root.stdout.splitlines())


def test_at_path_inside_the_project_is_inlined(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "main.py").write_text("def main():\n    return 42\n")
    project_command(llm_project, "look.md", "Look at @$1.\n")
    fake_llm.script(Reply.text("ok"))
    result = oc("look", "main.py", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert prompt_sent(fake_llm).startswith("Look at main.py.") and "return 42" in prompt_sent(fake_llm)


def test_at_path_outside_the_project_is_refused(oc, llm_project: Path, fake_llm, keys):
    (llm_project.parent / "secret.txt").write_text("top secret\n")
    project_command(llm_project, "look.md", "Look at @$1.\n")
    result = oc("look", "../secret.txt", "--json", extra_env=keys)
    assert result.code == 3
    assert [r["type"] for r in result.records] == ["error", "done"]
    assert "look.md: @../secret.txt" in result.records[0]["error"]["message"]
    assert fake_llm.chat_requests == [] and "top secret" not in result.stdout + result.stderr
    plain = oc("look", "../secret.txt", extra_env=keys)
    assert plain.code == 3 and len([line for line in plain.stderr.splitlines() if line.strip()]) <= 2
    assert "Traceback" not in plain.stderr


def test_an_allowed_shell_command_is_inlined(oc, llm_project: Path, fake_llm, keys):
    git(llm_project, "commit", "--allow-empty", "-q", "-m", "first commit here")
    project_command(llm_project, "hist.md", "---\nagent: plan\n---\nHistory:\n!`git log --oneline`\n")
    fake_llm.script(Reply.text("ok"))
    result = oc("hist", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert "first commit here" in prompt_sent(fake_llm)


def test_a_shell_command_that_needs_asking_exits_3_without_a_person(oc, llm_project: Path, fake_llm, keys):
    project_command(llm_project, "mk.md", "Made: !`touch made-by-command`\n")
    result = oc("mk", extra_env=keys)
    assert result.code == 3
    assert "touch made-by-command" in result.stderr and "Traceback" not in result.stderr
    assert not (llm_project / "made-by-command").exists() and fake_llm.chat_requests == []
    fake_llm.script(Reply.text("ok"))
    allowed = oc("mk", "--allow", "bash:touch *", "--json", extra_env=keys)
    assert allowed.code == 0, allowed.stderr
    assert (llm_project / "made-by-command").exists()


@pytest.mark.parametrize("attack", ["; touch pwned", "$(touch pwned)", "`touch pwned`", "'; touch pwned; '"])
def test_an_argument_cannot_inject_shell(oc, llm_project: Path, fake_llm, keys, attack: str):
    project_command(llm_project, "say.md", '---\nagent: plan\n---\n!`echo "said: $1"`\n')
    fake_llm.script(Reply.text("ok"))
    result = oc("say", attack, "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert prompt_sent(fake_llm) == f"said: {attack}"
    assert not (llm_project / "pwned").exists()


def test_a_project_command_shadows_a_shipped_one(oc, llm_project: Path, fake_llm, keys):
    project_command(llm_project, "explain.md", "---\ndescription: My own explain\n---\nMine: $1\n")
    fake_llm.script(Reply.text("ok"))
    result = oc("explain", "x", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert prompt_sent(fake_llm) == "Mine: x"
    assert "My own explain" in oc("--help").stdout


def test_a_user_command_is_found_in_the_user_config_dir(oc, llm_project: Path, env: dict, fake_llm, keys):
    write_command(Path(env["OPENCODE_CONFIG"]).parent / "commands", "mine.md", "From the user: $1\n")
    fake_llm.script(Reply.text("ok"))
    assert oc("mine", "x", "--json", extra_env=keys).code == 0
    assert prompt_sent(fake_llm) == "From the user: x"


def test_a_command_named_like_a_built_in_is_skipped_with_a_warning(oc, project: Path):
    (project / "a.txt").write_text("hello\n")
    path = project_command(project, "read.md", "---\ndescription: Not the read tool\n---\nx\n")
    help_ = oc("--help")
    assert help_.code == 0 and f"{path}" in help_.stderr and "built-in" in help_.stderr
    assert "Not the read tool" not in help_.stdout
    read = oc("read", "a.txt", "--format", "text")
    assert read.code == 0 and read.stdout == "hello\n"


def test_a_broken_command_breaks_nothing_else(oc, llm_project: Path, fake_llm, keys):
    bad = project_command(llm_project, "bad.md", "---\ndescription: broken\nagent: [\n---\nx\n")
    project_command(llm_project, "good.md", "Good $1\n")
    assert oc("--help").code == 0
    assert oc("good", "--help").code == 0
    fake_llm.script(Reply.text("ok"))
    assert oc("good", "one", "--json", extra_env=keys).code == 0
    assert prompt_sent(fake_llm) == "Good one"
    result = oc("bad", "x", extra_env=keys)
    assert result.code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(bad) in lines[0] and "Traceback" not in result.stderr


def test_a_toml_command_runs(oc, llm_project: Path, fake_llm, keys):
    write_command(
        llm_project / ".opencode" / "commands", "plan-it.toml",
        'description = "Plan a change"\nagent = "plan"\nprompt = """\nPlan: $ARGUMENTS\n"""\n',
    )
    fake_llm.script(Reply.text("A plan."))
    result = oc("plan-it", "add", "logging", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert prompt_sent(fake_llm) == "Plan: add logging" and result.records[0]["agent"] == "plan"
    assert "Plan a change" in oc("--help").stdout


def test_unknown_keys_are_a_warning_on_stderr(oc, llm_project: Path, fake_llm, keys):
    path = project_command(llm_project, "w.md", "---\nagnet: plan\n---\nHi\n")
    fake_llm.script(Reply.text("ok"))
    result = oc("w", "--json", extra_env=keys)
    assert result.code == 0 and "unknown key 'agnet'" in result.stderr and str(path) in result.stderr


def test_a_command_wins_over_a_folder_of_the_same_name(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "test").mkdir()
    fake_llm.script(Reply.text("All green."))
    result = oc("test", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert prompt_sent(fake_llm).startswith("Run this project's tests")


def test_minus_c_sees_that_projects_commands(oc, tmp_path: Path, project: Path):
    other = tmp_path / "other"
    project_command(other, "elsewhere.md", "---\ndescription: Only over there\n---\nx\n")
    (other / ".git").mkdir()
    assert "Only over there" in oc("-C", str(other), "--help").stdout
    assert "Only over there" not in oc("--help").stdout
    assert oc("-C", str(other), "elsewhere", "--help").code == 0


def test_completion_lists_declared_commands(oc, project: Path):
    project_command(project, "greet.md", "---\ndescription: Greet\n---\nx\n")
    result = oc(extra_env={"_OPENCODE_COMPLETE": "bash_complete", "COMP_WORDS": "opencode gr", "COMP_CWORD": "1"})
    assert "plain,greet" in result.stdout.split()
    result = oc(extra_env={"_OPENCODE_COMPLETE": "bash_complete", "COMP_WORDS": "opencode todo-", "COMP_CWORD": "1"})
    assert "plain,todo-scan" in result.stdout.split()


# -- the shipped commands, end to end ------------------------------------------------


def shipped_project(project: Path) -> None:
    """A repository with history, a staged change, an unstaged one and a TODO."""
    (project / "app.py").write_text("def add(a, b):\n    return a + b\n")
    git(project, "add", "app.py")
    git(project, "commit", "-q", "-m", "Add the adder")
    (project / "app.py").write_text("def add(a, b):\n    return a + b  # TODO: overflow?\n")
    (project / "staged.py").write_text("STAGED = True\n")
    git(project, "add", "staged.py")


@pytest.mark.parametrize(
    "name, args, agent, expected",
    [
        ("explain", ["app.py"], "plan", ["Explain app.py", "return a + b"]),
        ("review", [], "plan", ["+    return a + b  # TODO: overflow?", "staged.py"]),
        ("commit", [], "plan", ["Add the adder", "+STAGED = True"]),
        ("test", ["tests/"], "build", ["only these, if given: tests/"]),
        ("todo-scan", [], "plan", ["./app.py:2:    return a + b  # TODO: overflow?"]),
    ],
)
def test_each_shipped_command_runs_end_to_end(oc, llm_project: Path, fake_llm, keys, name, args, agent, expected):
    shipped_project(llm_project)
    fake_llm.script(Reply.text("Done."))
    result = oc(name, *args, "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.records[0]["agent"] == agent and result.records[-1]["text"] == "Done."
    sent = prompt_sent(fake_llm)
    for piece in expected:
        assert piece in sent, sent
    assert "(exit code" not in sent
