"""The todo tools and their store: scope, validation, checklist, file format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opencode.errors import InvalidParams, ToolError
from opencode.paths import PathPolicy
from opencode.tools import todo
from opencode.tools.base import ToolContext
from opencode.tools.host import ToolHost
from helpers import call_tool_blocking


class SessionHost(ToolHost):
    """A host whose todo list belongs to a session, as an agent run's does."""

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def todo_scope(self) -> str | None:
        return self.session_id


def make_ctx(tmp_path: Path, project: str = "proj", session_id: str | None = None) -> ToolContext:
    root = tmp_path / project
    root.mkdir(exist_ok=True)
    host = SessionHost(session_id) if session_id else None
    return ToolContext(paths=PathPolicy(root=root, cwd=root), data_dir=tmp_path / "data", host=host)


def write(ctx: ToolContext, todos: list[dict]):
    return call_tool_blocking(todo.WRITE, {"todos": todos}, ctx)


def read(ctx: ToolContext):
    return call_tool_blocking(todo.READ, {}, ctx)


ITEMS = [
    {"id": "1", "content": "Write the test", "status": "completed", "priority": "high"},
    {"id": "2", "content": "Make it pass", "status": "in_progress"},
    {"id": "3", "content": "Tidy up", "status": "pending", "priority": "low"},
    {"id": "4", "content": "Rewrite everything", "status": "cancelled"},
]


def test_write_then_read_round_trip_with_default_priority(tmp_path):
    ctx = make_ctx(tmp_path)
    written = write(ctx, ITEMS)
    assert written.metadata["todos"][1] == {"id": "2", "content": "Make it pass", "status": "in_progress", "priority": "medium"}
    assert read(ctx).metadata["todos"] == written.metadata["todos"]
    assert written.metadata["counts"] == {
        "total": 4, "pending": 1, "in_progress": 1, "completed": 1, "cancelled": 1, "open": 2,
    }
    assert written.metadata["scope"] == "project" and written.title == "2 todos"


def test_checklist_for_the_model(tmp_path):
    ctx = make_ctx(tmp_path)
    assert write(ctx, ITEMS).output == (
        "1 of 4 completed, 1 in progress\n"
        "[x] 1. Write the test (high)\n"
        "[~] 2. Make it pass\n"
        "[ ] 3. Tidy up (low)\n"
        "[-] 4. Rewrite everything"
    )
    assert read(make_ctx(tmp_path, "empty")).output == "No todos."


def test_write_replaces_the_whole_list(tmp_path):
    ctx = make_ctx(tmp_path)
    write(ctx, ITEMS)
    write(ctx, [{"id": "9", "content": "Only this", "status": "pending"}])
    assert [t["id"] for t in read(ctx).metadata["todos"]] == ["9"]
    write(ctx, [])
    assert read(ctx).metadata["todos"] == []


def test_lists_are_per_project_and_per_session(tmp_path):
    first, second = make_ctx(tmp_path, "a"), make_ctx(tmp_path, "b")
    session = make_ctx(tmp_path, "a", session_id="ses_123")
    other_session = make_ctx(tmp_path, "a", session_id="ses/../odd id")
    write(first, [{"id": "1", "content": "in a", "status": "pending"}])
    write(session, [{"id": "1", "content": "in the session", "status": "pending"}])
    assert read(second).metadata["todos"] == []
    assert read(first).metadata["todos"][0]["content"] == "in a"
    assert read(session).metadata["todos"][0]["content"] == "in the session"
    assert read(session).metadata["scope"] == "session"
    assert read(other_session).metadata["todos"] == []
    assert todo.store_path(other_session).parent == tmp_path / "data" / "todos"


def test_bad_status_priority_and_fields_are_invalid_params(tmp_path):
    ctx = make_ctx(tmp_path)
    with pytest.raises(InvalidParams, match=r"todos\[0\]\.status"):
        write(ctx, [{"id": "1", "content": "x", "status": "done"}])
    with pytest.raises(InvalidParams, match="priority"):
        write(ctx, [{"id": "1", "content": "x", "status": "pending", "priority": "urgent"}])
    with pytest.raises(InvalidParams, match="content"):
        write(ctx, [{"id": "1", "status": "pending"}])
    with pytest.raises(InvalidParams, match="owner"):
        write(ctx, [{"id": "1", "content": "x", "status": "pending", "owner": "me"}])


def test_duplicate_ids_and_blank_content_are_refused(tmp_path):
    ctx = make_ctx(tmp_path)
    with pytest.raises(InvalidParams, match="used twice"):
        write(ctx, [{"id": "1", "content": "a", "status": "pending"}, {"id": "1", "content": "b", "status": "pending"}])
    with pytest.raises(InvalidParams, match="blank"):
        write(ctx, [{"id": "1", "content": "   ", "status": "pending"}])
    assert read(ctx).metadata["todos"] == []


def test_stored_file_is_versioned_json(tmp_path):
    ctx = make_ctx(tmp_path)
    write(ctx, ITEMS[:1])
    data = json.loads(todo.store_path(ctx).read_text())
    assert data["version"] == todo.FORMAT_VERSION and data["project"] == str(ctx.root)
    assert data["todos"] == [ITEMS[0]]
    assert [p.name for p in todo.store_path(ctx).parent.iterdir()] == [todo.store_path(ctx).name]


def test_broken_or_newer_file_is_a_clear_error(tmp_path):
    ctx = make_ctx(tmp_path)
    path = todo.store_path(ctx)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ToolError, match="cannot read the todo list"):
        read(ctx)
    path.write_text(json.dumps({"version": 99, "todos": []}))
    with pytest.raises(ToolError, match="newer opencode"):
        read(ctx)


def test_next_id_counts_on_from_the_largest_number():
    assert todo.next_id([]) == "1"
    assert todo.next_id([{"id": "1"}, {"id": "7"}, {"id": "x"}]) == "8"
    assert todo.next_id([{"id": "a"}]) == "1"


def test_specs():
    assert todo.WRITE.permission == todo.READ.permission == "read"
    assert todo.WRITE.loop_free and todo.READ.loop_free
    assert todo.WRITE.name == "todowrite" and todo.READ.name == "todoread"
