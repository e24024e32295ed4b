"""Engine behaviour the shipped recipes rely on, each on a recipe of its own that
needs no model: the real ``opencode`` process in a git repository."""

from __future__ import annotations

from pathlib import Path


def recipe(project: Path, text: str) -> str:
    (project / "r.toml").write_text('[recipe]\nname = "r"\n\n[settings]\nagent = "plan"\n\n' + text)
    return "r.toml"


def test_checks_of_a_foreach_step_see_its_item(oc, project):
    name = recipe(project, '[[steps]]\nid = "each"\nforeach = ["a b", "c"]\nshell = "echo {{ item }}"\nchecks = ["echo checked {{ item | shquote }} {{ index }}"]\n')
    result = oc("run", name, "--json")
    assert result.code == 0, result.stdout + result.stderr
    checks = [r["input"]["command"] for r in result.records if r["type"] == "tool_result" and r["input"]["command"].startswith("echo checked")]
    assert sorted(checks) == ["echo checked 'a b' 0", "echo checked c 1"]


def test_a_step_may_be_called_like_a_dict_method(oc, project):
    name = recipe(project, '[[steps]]\nid = "update"\nshell = "echo hi"\n\n[[steps]]\nid = "items"\nshell = "echo {{ steps.update.text.strip() }}"\n\n[outputs]\ntext = "{{ steps.update.text }}{{ steps.items.text }}"\n')
    result = oc("run", name, "--format", "text")
    assert result.code == 0, result.stderr
    assert result.stdout == "hi\nhi\n"


def test_continue_on_error_does_not_cover_a_denial(oc, project):
    name = recipe(project, '[[steps]]\nid = "touch"\nshell = "touch made"\ncontinue_on_error = true\n\n[[steps]]\nid = "after"\nshell = "echo went on"\n')
    result = oc("run", name, "--json")
    assert result.code == 3, result.stdout + result.stderr
    assert not (project / "made").exists()
    assert [r["step"] for r in result.records if r["type"] == "step_start"] == ["touch"]
    assert result.records[-1]["reason"] == "denied"


def test_continue_on_error_covers_a_failing_command(oc, project):
    name = recipe(project, '[[steps]]\nid = "missing"\nshell = "cat missing.txt"\ncontinue_on_error = true\n\n[[steps]]\nid = "after"\nshell = "echo went on"\n')
    result = oc("run", name)
    assert result.code == 0, result.stderr
    assert result.stdout == "went on\n"


def test_a_recipe_in_a_pipe_prints_only_its_output(oc, project):
    name = recipe(project, '[[steps]]\nid = "hello"\nshell = "echo hello"\n')
    piped = oc("run", name)
    assert piped.code == 0 and piped.stdout == "hello\n" and piped.records == []
    records = oc("run", name, "--json").records
    assert [r["type"] for r in records][0] == "recipe_start" and records[-1]["type"] == "done"
