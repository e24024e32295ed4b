"""``recipe validate``: every problem at once, each at the line it is on."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencode.app.recipes.loader import load_recipe
from opencode.app.workspace import Workspace
from opencode.errors import UsageError

from recipe_helpers import write_recipe
from opencode.app.recipes.validate import validate_file


def problems(project: Path, env: dict[str, str], text: str) -> list[str]:
    path = write_recipe(project, text)
    return [p.format("r") for p in validate_file(Workspace(project, env), path)]


def test_every_kind_of_problem_is_listed_with_its_line(project: Path, env: dict[str, str]):
    found = problems(project, env, """\
        [recipe]
        name = "broken"

        [params.unused]
        default = "x"

        [params.base]
        default = "main"

        [[steps]]
        id = "one"
        tool = "nosuchtool"
        with = { path = "{{ params.bsae }}" }

        [[steps]]
        id = "two"
        agent = "nosuchagent"
        task = "{{ steps.three.text }} {{ missing }}"

        [[steps]]
        id = "three"
        shell = "git diff {{ params.base }}"
        needs = ["two", "ghost"]
        when = "{{ params.base }}"

        [[steps]]
        id = "four"
        ask = "{{ env.HOME }} {% if %}"
        colour = "red"
    """)
    expected = [
        "r:4: warning: parameter 'unused' is declared but never used",
        "r:12: step 'one': no tool named 'nosuchtool'",
        "r:13: step 'one': with.path uses params.bsae, but the recipe has no parameter 'bsae'",
        "r:17: step 'two': no agent named 'nosuchagent'",
        "r:18: step 'two': task uses 'missing', which is not defined",
        "r:15: the steps wait for each other in a cycle: two -> three -> two",
        "r:22: warning: step 'three': shell interpolates params.base without | shquote",
        "r:23: step 'three' needs 'ghost', which is no step of this recipe",
        "r:24: step 'three': when is an expression; write it without {{ }}",
        "r:28: step 'four': ask is not a template",
        "r:29: unknown key 'colour' in [[steps]] number 4",
    ]
    text = "\n".join(found)
    for start in expected:
        assert any(line.startswith(start) for line in found), f"missing {start!r} in:\n{text}"


def test_unknown_keys_are_problems_and_the_loader_refuses_them(project: Path, env: dict[str, str]):
    text = """\
        [recipe]
        name = "typo"

        [[steps]]
        id = "one"
        shell = "echo hi"
        retires = 2
    """
    assert problems(project, env, text) == ["r:7: unknown key 'retires' in [[steps]] number 1"]
    with pytest.raises(UsageError, match="unknown key 'retires'"):
        load_recipe(project / "recipe.toml")


def test_a_step_needs_exactly_one_action(project: Path, env: dict[str, str]):
    found = problems(project, env, """\
        [recipe]
        name = "actions"
        [[steps]]
        id = "none"
        [[steps]]
        id = "two"
        shell = "ls"
        ask = "hi"
    """)
    assert found == [
        "r:3: step 'none' has no action: give one of tool, ask, agent, run, shell",
        "r:5: step 'two' has 2 actions (ask, shell): give exactly one",
    ]


def test_broken_toml_names_its_line(project: Path, env: dict[str, str]):
    found = problems(project, env, '[recipe]\nname = "x"\n[[steps]]\nid = \n')
    assert len(found) == 1 and found[0].startswith("r:4: not valid TOML")


def test_a_clean_recipe_has_no_problems(project: Path, env: dict[str, str]):
    assert problems(project, env, """\
        [recipe]
        name = "clean"
        [params.file]
        default = "main.py"
        [[steps]]
        id = "read"
        tool = "read"
        with = { path = "{{ params.file }}" }
        [[steps]]
        id = "count"
        shell = "wc -l {{ params.file | shquote }}"
        [[steps]]
        id = "each"
        foreach = "steps.count.lines"
        ask = "{{ item }} of {{ steps.read.text }}"
    """) == []
