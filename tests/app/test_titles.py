"""Session titles from the small model (``app.titles``), in-process on a scripted model."""

from __future__ import annotations

import asyncio

import pytest

from opencode.app.titles import clean_title, retitle, suggest_title


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        ('"Giraffe Sleep Habits."', "Giraffe Sleep Habits"),
        ("Title: Fixing the flaky test\nMore words", "Fixing the flaky test"),
        ("## **Refactor the parser**", "Refactor the parser"),
        ("\n\n   `Cache keys`  \n", "Cache keys"),
        ("x" * 200, "x" * 60),
        ("  \n ''  \n", None),
    ],
)
def test_clean_title(answer, title):
    assert clean_title(answer) == title


def test_the_small_model_is_asked_about_the_exchange_and_nothing_is_saved(workspace_for, project):
    (project / "opencode.toml").write_text('small_model = "anthropic/claude-3-5-haiku-latest"\n')
    harness = workspace_for("Reading Config Files")

    title = asyncio.run(suggest_title(harness.workspace, "how is the config read?", "With tomllib, in loader.py."))

    assert title == "Reading Config Files"
    [request] = harness.model.requests
    assert request.model.name == "anthropic/claude-3-5-haiku-latest"
    assert "how is the config read?" in request.messages[-1]["content"] and "loader.py" in request.messages[-1]["content"]
    assert not list((project / "docs" / "sessions").glob("session_*.json"))  # the side question is not a session


def test_no_small_model_means_no_request(workspace_for):
    harness = workspace_for("never asked")
    assert asyncio.run(suggest_title(harness.workspace, "q", "a")) is None
    assert harness.model.requests == []


def test_a_failing_small_model_leaves_no_title(workspace_for, project):
    (project / "opencode.toml").write_text('small_model = "anthropic/claude-3-5-haiku-latest"\n')
    harness = workspace_for()  # no reply left: the call fails
    assert asyncio.run(suggest_title(harness.workspace, "q", "a")) is None


def test_retitle_rewrites_the_saved_session(workspace_for):
    harness = workspace_for("Done.")
    run = harness.run("first words as title")
    assert harness.saved(run.session_id)["title"] == "first words as title"
    retitle(harness.workspace, run.session_id, "A Better Title")
    saved = harness.saved(run.session_id)
    assert saved["title"] == "A Better Title" and len(saved["messages"]) == 2
