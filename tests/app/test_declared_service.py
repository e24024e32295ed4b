"""Declarative commands in the application layer: reading a file, filling its
placeholders, and expanding it through the real tools and permission engine.

The attack tests come first: an argument must never become shell code, whatever
quoting the command file puts around its placeholder. They run the filled command
through a real ``bash``.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app_helpers import ScriptedPerson, collect, user_texts
from opencode.app.declared import expand, find_command, load_command
from opencode.app.declared.template import TemplateError, fill_shell, fill_text
from opencode.app.run import AgentTask, TaskOptions
from opencode.errors import ConfigError, PermissionDenied, UsageError
from opencode.llm.scripted import text_reply

ATTACKS = [
    "; touch pwned",
    "$(touch pwned)",
    "`touch pwned`",
    "' ; touch pwned ; '",
    '" ; touch pwned ; "',
    "x\ntouch pwned #",
    "\\'; touch pwned #",
    "a'\"'\"'b; touch pwned",
    "&& touch pwned || true",
    "*",
    "",
]
#: Templates putting $1 in every quoting a command file may use, and what the shell
#: must print for an argument ``a`` (each followed by ``|``).
SHAPES = [
    ("printf '%s|' $1", "{a}|"),
    ('printf \'%s|\' "$1"', "{a}|"),
    ("printf '%s|' '$1'", "{a}|"),
    ('printf \'%s|\' "x $1 y"', "x {a} y|"),
    ("printf '%s|' 'x $1 y'", "x {a} y|"),
    ("printf '%s|' --opt=$1", "--opt={a}|"),
]


def shell_output(command: str, cwd: Path) -> str:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, timeout=10)
    return done.stdout.decode("utf-8")  # no newline translation: "\r" stays "\r"


@pytest.mark.parametrize("template, expected", SHAPES)
@pytest.mark.parametrize("attack", ATTACKS)
def test_an_argument_in_a_shell_span_is_one_inert_word(tmp_path: Path, template: str, expected: str, attack: str):
    output = shell_output(fill_shell(template, [attack]), tmp_path)
    if attack == "" and template.endswith(" $1"):
        assert output == "|"  # a missing bare argument is no word at all
    else:
        assert output == expected.format(a=attack)
    assert not (tmp_path / "pwned").exists()


@settings(max_examples=60, deadline=None)
@given(arg=st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1))
def test_any_argument_comes_out_as_it_went_in(tmp_path_factory, arg: str):
    folder = tmp_path_factory.mktemp("shell")
    for template, expected in SHAPES[:3]:
        assert shell_output(fill_shell(template, [arg]), folder) == expected.format(a=arg)
    assert list(folder.iterdir()) == []


def test_arguments_expands_to_one_word_per_argument(tmp_path: Path):
    filled = fill_shell("printf '%s|' $ARGUMENTS", ["a b", "; touch pwned", "c"])
    assert shell_output(filled, tmp_path) == "a b|; touch pwned|c|"
    filled = fill_shell('printf \'%s|\' "$ARGUMENTS"', ["a b", "c"])
    assert shell_output(filled, tmp_path) == "a b c|"
    assert not (tmp_path / "pwned").exists()


def test_escaped_placeholders_and_comments_are_left_alone():
    assert fill_shell("echo \\$1 # and $2", ["x", "y"]) == "echo \\$1 # and $2"


@pytest.mark.parametrize("template", ['echo "$(cat $1)"', "echo ${1}$1", "cat <<EOF $1", "echo $'x' $1", "echo 'open $1"])
def test_placeholders_where_quoting_cannot_be_followed_are_refused(template: str):
    with pytest.raises(TemplateError):
        fill_shell(template, ["a"])


def test_text_placeholders_are_filled_in_one_pass():
    assert fill_text("[$ARGUMENTS] [$1] [$2] [$3] [$10]", ["$2", "b"]) == "[$2 b] [$2] [b] [] [$10]"


# -- reading command files ---------------------------------------------------------


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_markdown_and_toml_commands_read_the_same_fields(tmp_path: Path):
    md = write(tmp_path, "a.md", "---\ndescription: Does A\nagent: plan\nmodel: openai/gpt-4o\nsubtask: false\ncolour: red\n---\nDo $1.\n")
    toml = write(tmp_path, "b.toml", 'description = "Does B"\nagent = "plan"\nsubtask = true\nprompt = """\nDo $1.\n"""\n')
    a, b = load_command("a", "project", md), load_command("b", "shipped", toml)
    assert (a.description, a.agent, a.model, a.subtask, a.template) == ("Does A", "plan", "openai/gpt-4o", False, "Do $1.")
    assert (b.description, b.agent, b.model, b.subtask, b.template) == ("Does B", "plan", None, True, "Do $1.")
    assert len(a.warnings) == 1 and "colour" in a.warnings[0] and str(md) in a.warnings[0]


@pytest.mark.parametrize(
    "name, text, problem",
    [
        ("a.md", "---\nagent: [\n---\nx\n", "YAML syntax error"),
        ("a.md", "---\nsubtask: maybe\n---\nx\n", "subtask must be true or false"),
        ("a.md", "---\ndescription: x\n---\n\n", "no prompt"),
        ("a.md", "---\ndescription: x\nnever closed\n", "never closed"),
        ("a.toml", "prompt = [1]\n", "prompt must be a string"),
        ("a.toml", "prompt = \n", "TOML syntax error"),
    ],
)
def test_a_broken_command_file_is_an_error_naming_it(tmp_path: Path, name: str, text: str, problem: str):
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError) as caught:
        load_command("a", "project", path)
    assert str(path) in caught.value.message and problem in caught.value.message and caught.value.exit_code == 2


def test_project_commands_come_before_user_and_shipped_ones(project: Path, env: dict):
    assert find_command("explain", project, env).where == "shipped"
    user = Path(env["OPENCODE_CONFIG"]).parent / "commands"
    write(user, "explain.md", "---\ndescription: mine\n---\nuser $1\n")
    assert find_command("explain", project, env).where == "user"
    write(project / ".opencode" / "commands", "explain.toml", 'prompt = "project $1"\n')
    found = find_command("explain", project, env)
    assert (found.where, found.template) == ("project", "project $1")
    assert find_command("nothing-here", project, env) is None


# -- expanding against a real workspace ---------------------------------------------


def command(harness, text: str, name: str = "c"):
    path = write(harness.root / ".opencode" / "commands", f"{name}.md", text)
    return load_command(name, "project", path)


def expanded(harness, cmd, *args: str, **options):
    return asyncio.run(expand(harness.workspace, cmd, list(args), **options))


def test_arguments_fill_the_prompt(workspace_for):
    harness = workspace_for()
    cmd = command(harness, "---\nagent: plan\n---\nAll: $ARGUMENTS. First: $1. Second: $2. Ninth: [$9].\n")
    result = expanded(harness, cmd, "alpha", "beta gamma")
    assert result.prompt == "All: alpha beta gamma. First: alpha. Second: beta gamma. Ninth: []."
    assert (result.agent, result.model) == ("plan", None)


def test_arguments_are_appended_when_the_prompt_has_no_placeholder(workspace_for):
    harness = workspace_for()
    assert expanded(harness, command(harness, "Say hi.\n"), "to", "me").prompt == "Say hi.\n\nto me"


def test_at_path_inlines_a_project_file(workspace_for):
    harness = workspace_for()
    (harness.root / "src").mkdir()
    (harness.root / "src" / "a.py").write_text("answer = 42\n")
    result = expanded(harness, command(harness, "Explain @$1, please.\n"), "src/a.py")
    assert result.prompt.startswith("Explain src/a.py, please.")
    assert '<file path="src/a.py">' in result.prompt and "answer = 42" in result.prompt


def test_at_word_that_names_no_file_stays_a_word(workspace_for):
    harness = workspace_for()
    result = expanded(harness, command(harness, "Explain @$1 and @property.\n"), "AgentTask.records")
    assert result.prompt == "Explain @AgentTask.records and @property."


@pytest.mark.parametrize("arg", ["../secret.txt", "/etc/passwd"])
def test_at_path_outside_the_project_is_refused(workspace_for, tmp_path: Path, arg: str):
    harness = workspace_for()
    (harness.root.parent / "secret.txt").write_text("the secret\n")
    with pytest.raises(PermissionDenied) as caught:
        expanded(harness, command(harness, "Look at @$1\n"), arg)
    assert "c.md" in caught.value.message and "outside the project" in caught.value.message


def test_at_path_through_a_link_out_of_the_project_is_refused(workspace_for):
    harness = workspace_for()
    (harness.root.parent / "secret.txt").write_text("the secret\n")
    (harness.root / "link").symlink_to(harness.root.parent / "secret.txt")
    with pytest.raises(PermissionDenied):
        expanded(harness, command(harness, "Look at @$1\n"), "link")


def test_a_missing_path_with_a_folder_is_an_error(workspace_for):
    harness = workspace_for()
    with pytest.raises(Exception) as caught:
        expanded(harness, command(harness, "Look at @src/missing.py\n"))
    assert "c.md: @src/missing.py: file not found" in str(caught.value) and caught.value.exit_code == 1


def test_an_allowed_shell_command_is_inlined(workspace_for):
    harness = workspace_for()
    result = expanded(harness, command(harness, "---\nagent: plan\n---\nSaid: !`echo hello $1`\n"), "world")
    assert result.prompt == "Said: hello world"


def test_a_shell_command_that_needs_asking_is_denied_without_a_person(workspace_for):
    harness = workspace_for()
    cmd = command(harness, "Made: !`touch made-by-command`\n")  # build agent: bash asks
    with pytest.raises(PermissionDenied) as caught:
        expanded(harness, cmd)
    assert "touch made-by-command" in caught.value.message and "--allow" in caught.value.message
    assert not (harness.root / "made-by-command").exists()


def test_a_person_or_yes_or_allow_approves_a_shell_command(workspace_for):
    harness = workspace_for()
    cmd = command(harness, "Made: !`touch made && echo done`\n")
    person = ScriptedPerson("once")
    assert expanded(harness, cmd, person=person).prompt == "Made: done"
    assert "touch made" in person.asks[0].subject
    assert expanded(harness, cmd, yes=True).prompt == "Made: done"
    assert expanded(harness, cmd, allow=["bash:touch *", "bash:echo *"]).prompt == "Made: done"
    with pytest.raises(PermissionDenied):
        expanded(harness, cmd, person=ScriptedPerson("deny"))


@pytest.mark.parametrize("attack", ["; touch pwned", "$(touch pwned)", "`touch pwned`", "' ; touch pwned ; '"])
def test_an_injected_argument_is_echoed_not_run(workspace_for, attack: str):
    harness = workspace_for()
    cmd = command(harness, '---\nagent: plan\n---\nA: !`echo $1`\nB: !`echo "[$1]"`\n')
    result = expanded(harness, cmd, attack)
    assert result.prompt == f"A: {attack}\nB: [{attack}]"
    assert not (harness.root / "pwned").exists()


def test_an_option_smuggled_in_an_argument_still_meets_the_rules(workspace_for):
    harness = workspace_for()
    cmd = command(harness, "---\nagent: plan\n---\n!`git diff $1`\n")
    with pytest.raises(PermissionDenied):
        expanded(harness, cmd, "--output=pwned.txt")
    assert not (harness.root / "pwned.txt").exists()


def test_what_arguments_files_and_outputs_bring_is_never_expanded(workspace_for):
    harness = workspace_for()
    (harness.root / "notes.md").write_text("!`touch from-file` @/etc/passwd $1\n")
    cmd = command(harness, "---\nagent: plan\n---\n$1 @notes.md\n!`cat notes.md`\n")
    result = expanded(harness, cmd, "!`touch from-arg`")
    assert result.prompt.startswith("!`touch from-arg` notes.md")
    assert result.prompt.count("!`touch from-file` @/etc/passwd $1") == 2  # in the file block and the output
    assert not any((harness.root / name).exists() for name in ("from-arg", "from-file"))


def test_an_at_path_in_an_argument_is_checked_like_any_other(workspace_for):
    harness = workspace_for()
    with pytest.raises(PermissionDenied):
        expanded(harness, command(harness, "Question: $ARGUMENTS\n"), "what is in", "@/etc/passwd")


def test_a_subagent_needs_subtask(workspace_for):
    harness = workspace_for()
    with pytest.raises(UsageError) as caught:
        expanded(harness, command(harness, "---\nagent: explore\n---\nFind $1\n"))
    assert "subtask" in caught.value.message and "c.md" in caught.value.message
    assert expanded(harness, command(harness, "---\nagent: explore\nsubtask: true\n---\nFind $1\n"), "x").agent == "explore"
    with pytest.raises(UsageError) as caught:
        expanded(harness, command(harness, "---\nagent: nobody\n---\nFind $1\n"))
    assert "unknown agent 'nobody'" in caught.value.message


def test_a_command_runs_as_an_agent_task_with_its_prompt(workspace_for):
    harness = workspace_for(text_reply("It is small."))
    (harness.root / "main.py").write_text("print('hi')\n")
    cmd = load_command("explain", "shipped", find_command("explain", harness.root, harness.workspace.env).path)
    result = expanded(harness, cmd, "main.py")
    run = collect(AgentTask(harness.workspace, result.prompt, TaskOptions(agent=result.agent)))
    assert run.exit_code == 0 and run.records[0]["agent"] == "plan"
    sent = user_texts(harness.model.requests[0])[-1]
    assert sent.startswith("Explain main.py to a developer") and "print('hi')" in sent


def test_a_subtask_command_runs_as_its_subagent(workspace_for):
    harness = workspace_for(text_reply("Found it."))
    result = expanded(harness, command(harness, "---\nagent: explore\nsubtask: true\n---\nFind $1\n"), "x")
    run = collect(AgentTask(harness.workspace, result.prompt, TaskOptions(agent=result.agent)))
    assert run.exit_code == 0 and run.records[0]["agent"] == "explore"


def test_unknown_keys_are_warned_about_on_expansion(workspace_for):
    harness = workspace_for()
    expanded(harness, command(harness, "---\nagnet: plan\n---\nHi\n"))
    assert any("unknown key 'agnet'" in w for w in harness.workspace.warnings)
