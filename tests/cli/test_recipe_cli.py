"""``opencode run FILE.toml|NAME`` and ``opencode recipe ...`` as a user runs them: the
real process, the fake model server through litellm, real tools."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from fakellm.script import Reply

EXPLAIN = """\
[recipe]
name = "explain-one"
description = "Explain a file"

[params.file]
type = "file"
description = "The file to explain"

[[steps]]
id = "explain"
ask = "Explain:\\n{{ params.file }}"
"""


def recipe(root: Path, text: str, name: str = "explain.toml") -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_recipe_runs_end_to_end_against_the_model(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "main.py").write_text("print('hi')\n")
    recipe(llm_project, EXPLAIN)
    fake_llm.script(Reply.text("It prints hi."), Reply.text("It prints hi."))
    result = oc("run", "explain.toml", "--param", "file=main.py", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    kinds = [r["type"] for r in result.records]
    assert kinds[0] == "recipe_start" and kinds[-1] == "done"
    assert "step_start" in kinds and "step_finish" in kinds and "message" in kinds
    assert result.records[-1]["text"] == "It prints hi."
    assert "print('hi')" in fake_llm.chat_requests[0].text
    plain = oc("run", "explain.toml", "-p", "file=main.py", "--format", "text", extra_env=keys)
    assert plain.code == 0 and plain.stdout.strip() == "It prints hi."


def test_a_toml_argument_that_names_no_file_is_an_error_not_a_prompt(oc, llm_project: Path, fake_llm, keys):
    result = oc("run", "revew.toml", extra_env=keys)
    assert result.code == 2
    assert "no recipe file revew.toml" in result.stderr
    assert fake_llm.chat_requests == []


def test_a_message_is_still_an_agent_run_and_refuses_recipe_options(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("Hello there."))
    result = oc("run", "say hello", "--format", "text", extra_env=keys)
    assert result.code == 0 and result.stdout.strip() == "Hello there."
    refused = oc("run", "say hello", "--param", "x=1", extra_env=keys)
    assert refused.code == 2 and "--param applies to a recipe" in refused.stderr


def test_a_missing_parameter_without_a_terminal_is_exit_2_naming_it(oc, llm_project: Path, keys):
    recipe(llm_project, EXPLAIN)
    result = oc("run", "explain.toml", extra_env=keys)
    assert result.code == 2 and "needs the parameter 'file'" in result.stderr


def test_stdin_can_be_bound_to_a_parameter(oc, llm_project: Path, fake_llm, keys):
    recipe(llm_project, """\
        [recipe]
        name = "summarize"
        [params.text]
        [[steps]]
        id = "sum"
        ask = "Summarize: {{ params.text }}"
    """, "sum.toml")
    fake_llm.script(Reply.text("Short."))
    result = oc("run", "sum.toml", "--stdin-as", "text", "--format", "text", input="a long story", extra_env=keys)
    assert result.code == 0, result.stderr
    assert "Summarize: a long story" in fake_llm.chat_requests[0].text


def test_params_come_from_a_file_and_the_command_line_wins(oc, llm_project: Path, fake_llm, keys):
    recipe(llm_project, """\
        [recipe]
        name = "greet"
        [params.who]
        [params.how]
        [[steps]]
        id = "say"
        tool = "write"
        with = { path = "out.txt", content = "{{ params.how }} {{ params.who }}" }
    """, "greet.toml")
    (llm_project / "params.json").write_text(json.dumps({"who": "file", "how": "hello"}))
    result = oc("run", "greet.toml", "--params", "params.json", "-p", "who=flag", extra_env=keys)
    assert result.code == 0, result.stderr
    assert (llm_project / "out.txt").read_text() == "hello flag"


def test_a_recipe_is_found_by_name_project_first(oc, project: Path, env):
    folder = project / ".opencode" / "recipes"
    folder.mkdir(parents=True)
    recipe(folder, """\
        [recipe]
        name = "hello"
        description = "Say hello"
        [[steps]]
        id = "say"
        tool = "write"
        with = { path = "hello.txt", content = "hi" }
    """, "hello.toml")
    listed = oc("recipe", "list", "--json")
    assert listed.code == 0
    mine = [r for r in listed.records if r["name"] == "hello"]
    assert mine and mine[0]["where"] == "project" and mine[0]["description"] == "Say hello"
    ran = oc("run", "hello")
    assert ran.code == 0, ran.stderr and (project / "hello.txt").read_text() == "hi"
    shown = oc("recipe", "show", "hello", "--json")
    assert shown.records[0]["steps"] == [{"id": "say", "kind": "tool", "action": "write", "after": []}]


def test_validate_lists_the_problems_with_lines_and_exits_2(oc, project: Path):
    recipe(project, """\
        [recipe]
        name = "bad"
        [[steps]]
        id = "one"
        tool = "nosuch"
        retires = 1
    """, "bad.toml")
    result = oc("recipe", "validate", "bad.toml", "--format", "text")
    assert result.code == 2
    lines = result.stdout.splitlines()
    assert any(line.endswith("bad.toml:5: step 'one': no tool named 'nosuch'") for line in lines), lines
    assert any(line.endswith("bad.toml:6: unknown key 'retires' in [[steps]] number 1") for line in lines), lines
    running = oc("run", "bad.toml")
    assert running.code == 2 and "unknown key 'retires'" in running.stderr


def test_a_dry_run_calls_no_model(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "main.py").write_text("print('hi')\n")
    recipe(llm_project, EXPLAIN)
    result = oc("run", "explain.toml", "-p", "file=main.py", "--dry-run", "--format", "text", extra_env=keys)
    assert result.code == 0, result.stderr
    assert "explain (ask)" in result.stdout and "print('hi')" in result.stdout
    assert fake_llm.chat_requests == []
