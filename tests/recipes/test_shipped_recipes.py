"""The shipped recipes, end to end: the real ``opencode`` process on a small git
repository, its model calls answered by the fake model server on loopback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import scenarios
from scenarios import REPO, git

SHIPPED = sorted(p.stem for p in (REPO / "recipes").glob("*.toml"))


def finished(result) -> dict[str, str]:
    """step → status, from the recipe's ``step_finish`` records (an agent's own turns
    are framed too, in records tagged with the ``recipe_step`` they belong to)."""
    return {r["step"]: r["status"] for r in result.records if r["type"] == "step_finish" and "recipe_step" not in r}


def framed(result, steps: list[str]) -> None:
    """The run's records: recipe_start, a step_start and a step_finish per step, done."""
    kinds = [r["type"] for r in result.records]
    assert kinds[0] == "recipe_start" and kinds[-1] == "done", kinds
    assert result.records[0]["steps"] == steps
    started = [r["step"] for r in result.records if r["type"] == "step_start" and "recipe_step" not in r]
    assert sorted(started) == sorted(finished(result)), started


def test_every_recipe_is_shipped_with_a_scenario():
    assert SHIPPED == sorted(scenarios.ALL) == ["commit-message", "document", "explain", "fix-tests", "refactor", "review"]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_recipe_validates_clean(oc, name):
    result = oc("recipe", "validate", str(REPO / "recipes" / f"{name}.toml"), "--json")
    assert result.code == 0, result.stdout + result.stderr
    assert result.records == []  # not even a warning


def test_recipe_list_shows_the_shipped_ones(oc):
    result = oc("recipe", "list", "--json")
    shipped = {r["name"]: r for r in result.records if r["where"] == "shipped"}
    assert set(SHIPPED) <= set(shipped)
    assert all(shipped[name]["description"] and "problems" not in shipped[name] for name in SHIPPED)


def test_review_a_branch(oc, staged, fake_llm, keys):
    staged(scenarios.review)
    result = oc(*scenarios.review.command(), "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    framed(result, ["base", "branch_diff", "tree_diff", "findings", "report"])
    assert finished(result) == {"base": "ok", "branch_diff": "ok", "tree_diff": "skipped", "findings": "ok", "report": "ok"}
    assert "+def median(values):" in fake_llm.chat_requests[0].text
    assert "the changes since main" in fake_llm.chat_requests[0].text
    # The second step gets the findings as the schema checked them.
    assert '"line": 12' in fake_llm.chat_requests[1].text
    assert result.records[-1]["text"] == scenarios.REVIEW


def test_review_prints_markdown(oc, staged, keys):
    staged(scenarios.review)
    result = oc(*scenarios.review.command(), extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == scenarios.REVIEW.strip()


def test_review_without_the_base_branch_reviews_the_working_tree(oc, staged, fake_llm, keys):
    project = staged(scenarios.review)
    (project / "calc.py").write_text(scenarios.CALC + "\nTAX = 0.2\n")
    result = oc("run", "review", "-p", "base=develop", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert finished(result)["branch_diff"] == "skipped" and finished(result)["tree_diff"] == "ok"
    prompt = fake_llm.chat_requests[0].text
    assert "+TAX = 0.2" in prompt and "there is no develop" in prompt and "+def median" not in prompt


def test_review_of_no_change_calls_no_model(oc, staged, fake_llm, keys):
    staged(scenarios.review)
    result = oc("run", "review", "-p", "base=feature", extra_env=keys)
    assert result.code == 0, result.stderr
    assert "no changes to review" in result.stdout
    assert fake_llm.chat_requests == []


def test_explain(oc, staged, fake_llm, keys):
    staged(scenarios.explain)
    result = oc(*scenarios.explain.command(), "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    framed(result, ["source", "explain"])
    assert "def did_you_mean" in fake_llm.chat_requests[0].text
    assert result.records[-1]["text"] == scenarios.EXPLANATION


def test_commit_message_feeds_git_commit(oc, staged, fake_llm, keys):
    project = staged(scenarios.commit_message)
    result = oc(*scenarios.commit_message.command(), extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == scenarios.MESSAGE
    prompt = fake_llm.chat_requests[0].text
    assert "--loud" in prompt and "not staged" not in prompt
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-F", "-"], cwd=project, input=result.stdout, text=True, check=True)
    assert git(project, "log", "-1", "--format=%B") == scenarios.MESSAGE + "\n"


def test_commit_message_with_nothing_staged_is_empty(oc, staged, fake_llm, keys):
    project = staged(scenarios.commit_message)
    git(project, "reset", "-q")
    result = oc("run", "commit-message", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert finished(result) == {"diff": "ok", "message": "skipped"}
    assert result.records[-1]["text"] == "" and fake_llm.chat_requests == []
