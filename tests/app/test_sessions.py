"""Session operations (``app.sessions``) on sessions made by real in-process runs."""

from __future__ import annotations

import asyncio
import time

import pytest

from app_helpers import read_session_file
from opencode.agent.compaction import SUMMARY_REQUEST
from opencode.app import sessions
from opencode.errors import UsageError
from opencode.llm.scripted import tool_calls_reply


@pytest.fixture
def changed(workspace_for):
    """A run that rewrote keep.txt and created new.txt in one turn: (harness, session id)."""
    harness = workspace_for(
        tool_calls_reply(
            ("write", {"path": "keep.txt", "content": "changed\n"}),
            ("write", {"path": "new.txt", "content": "fresh\n"}),
        ),
        "Wrote both files.",
        "SUMMARY: two files were written.",  # for compact
    )
    (harness.root / "keep.txt").write_text("original\n")
    run = harness.run("rewrite keep.txt and add new.txt")
    assert [r["status"] for r in run.results] == ["completed", "completed"]
    return harness, run.session_id


def test_diff_shows_what_the_run_changed(changed):
    harness, session_id = changed

    record = sessions.diff(harness.workspace, session_id)

    assert record["files"] == [{"path": "keep.txt", "status": "modified"}, {"path": "new.txt", "status": "added"}]
    assert "-original" in record["diff"] and "+changed" in record["diff"]
    assert "+fresh" in record["diff"]


def test_undo_puts_the_files_back(changed):
    """undo restores the changed file, removes the new one, and keeps the session file."""
    harness, session_id = changed

    record = sessions.undo(harness.workspace, session_id)

    assert sorted(record["restored"]) == ["keep.txt", "new.txt"]
    assert (harness.root / "keep.txt").read_text() == "original\n"
    assert not (harness.root / "new.txt").exists()
    assert read_session_file(harness.root, session_id)["id"] == session_id


def test_second_undo_with_nothing_left_is_a_usage_error(changed):
    harness, session_id = changed
    sessions.undo(harness.workspace, session_id)

    with pytest.raises(UsageError, match="no file changes to undo"):
        sessions.undo(harness.workspace, session_id)


def test_export_then_import_into_another_project_round_trips(changed, workspace_for, other_project, tmp_path):
    """An exported session imported elsewhere is the same session, found by its id."""
    harness, session_id = changed
    target = tmp_path / "exported.json"
    sessions.export_to(harness.workspace, session_id, target)
    elsewhere = workspace_for(cwd=other_project)

    record = sessions.import_session(elsewhere.workspace, target.read_bytes(), str(target))

    assert record["id"] == session_id
    assert record["replaced"] is False
    original = read_session_file(harness.root, session_id)
    assert read_session_file(other_project, session_id) == original
    assert sessions.show(elsewhere.workspace, session_id)["messages"] == original["messages"]


def test_importing_the_same_session_again_needs_force(changed, workspace_for, other_project, tmp_path):
    harness, session_id = changed
    target = tmp_path / "exported.json"
    sessions.export_to(harness.workspace, session_id, target)
    elsewhere = workspace_for(cwd=other_project)
    sessions.import_session(elsewhere.workspace, target.read_bytes(), str(target))

    with pytest.raises(UsageError, match="already exists"):
        sessions.import_session(elsewhere.workspace, target.read_bytes(), str(target))


def test_list_sessions_is_newest_first(workspace_for):
    """One session record per session, the latest first."""
    harness = workspace_for("one", "two", "three")
    made = []
    for prompt in ("first question", "second question", "third question"):
        made.append(harness.ask(prompt)[-1]["session_id"])
        time.sleep(0.01)  # distinct creation times

    listed = sessions.list_sessions(harness.workspace)

    assert [r["type"] for r in listed] == ["session"] * 3
    assert [r["id"] for r in listed] == list(reversed(made))
    assert [r["title"] for r in listed] == ["third question", "second question", "first question"]


def test_compact_stores_the_summary(changed):
    """compact asks the model for a summary and the session continues from it."""
    harness, session_id = changed

    record = asyncio.run(sessions.compact(harness.workspace, session_id))

    assert record["summary"] == "SUMMARY: two files were written."
    assert harness.model.requests[-1].messages[-1]["content"] == SUMMARY_REQUEST
    saved = read_session_file(harness.root, session_id)
    assert saved["compaction"]["summary"] == "SUMMARY: two files were written."
