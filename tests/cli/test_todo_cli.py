"""``opencode todo`` as a user runs it: add, list, done, and the generated tool faces."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


def todos(result) -> list[dict]:
    return result.record["metadata"]["todos"]


def test_add_list_done_round_trip_across_processes(oc):
    first = oc("todo", "add", "Fix", "the", "failing", "test", "--priority", "high")
    assert first.code == 0, first.stderr
    assert first.record["tool"] == "todowrite"
    assert todos(first) == [{"id": "1", "content": "Fix the failing test", "status": "pending", "priority": "high"}]
    assert oc("todo", "add", "Write docs").record["metadata"]["counts"]["total"] == 2

    listed = oc("todo", "list")
    assert listed.code == 0 and listed.record["tool"] == "todoread"
    assert [(t["id"], t["content"], t["priority"]) for t in todos(listed)] == [
        ("1", "Fix the failing test", "high"),
        ("2", "Write docs", "medium"),
    ]

    done = oc("todo", "done", "1")
    assert done.code == 0 and done.record["tool"] == "todowrite"
    assert [t["status"] for t in todos(done)] == ["completed", "pending"]
    assert oc("todo", "list", "--format", "text").stdout == (
        "1 of 2 completed\n[x] 1. Fix the failing test (high)\n[ ] 2. Write docs\n"  # text output ends its last line
    )


def test_group_without_subcommand_lists(oc):
    oc("todo", "add", "something")
    result = oc("todo")
    assert result.code == 0 and result.record["tool"] == "todoread"
    assert todos(result)[0]["content"] == "something"


def test_done_with_unknown_id_fails_and_changes_nothing(oc):
    oc("todo", "add", "keep me")
    result = oc("todo", "done", "99")
    assert result.code == 1
    assert result.record["error"]["code"] == "tool.failed" and "99" in result.record["error"]["message"]
    assert "no todo with id 99" in result.stderr
    assert todos(oc("todo", "list"))[0]["status"] == "pending"


def test_lists_are_separate_per_project(oc, tmp_path: Path):
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    oc("todo", "add", "here")
    assert todos(oc("todo", "list", cwd=other)) == []
    oc("todo", "add", "there", cwd=other)
    assert [t["content"] for t in todos(oc("todo", "list"))] == ["here"]
    assert [t["content"] for t in todos(oc("todo", "list", cwd=other))] == ["there"]


def test_generated_write_and_read_commands(oc):
    items = [{"id": "a", "content": "Plan", "status": "in_progress"}]
    written = oc("todo", "write", "--todos", json.dumps(items))
    assert written.code == 0, written.stderr
    assert todos(written) == [{**items[0], "priority": "medium"}]
    assert todos(oc("todo", "read")) == todos(written)
    assert oc("todo", "add", "Next").record["metadata"]["todos"][-1]["id"] == "1"


def test_tool_call_with_bad_status_exits_2(oc):
    bad = {"todos": [{"id": "1", "content": "x", "status": "finished"}]}
    result = oc("tool", "call", "todowrite", json.dumps(bad))
    assert result.code == 2
    assert result.record["error"]["code"] == "usage.invalid_params"
    assert "todos[0].status" in result.stderr


def test_tool_call_write_is_seen_by_the_cli(oc):
    items = {"todos": [{"id": "1", "content": "From a script", "status": "pending", "priority": "low"}]}
    assert oc("tool", "call", "todowrite", json.dumps(items)).code == 0
    assert todos(oc("todo", "list")) == items["todos"]
