"""``todowrite`` / ``todoread``: a todo list the model keeps while it works.

The list belongs to whoever the host says (``ctx.host.todo_scope()``): the session of an
agent run or, for stand-alone CLI use, the project (keyed by a hash of its root). It is
stored as versioned JSON under ``todos/`` in the data directory, written atomically. ``load``, ``save`` and
``next_id`` are the store; the ``opencode todo`` commands (add, list, done) use them to
build a new list and then call these same tools, so every face shares one
implementation and every change is a ``todowrite`` record.

Both tools declare the ``read`` permission kind: ``todowrite`` changes only
opencode's own data, never a project file, so a read-only agent (plan mode) may keep a
list and nobody is asked before it does.
"""

from __future__ import annotations

import json

from ..errors import InvalidParams, ToolError
from ..fsutil import atomic_write
from .base import ToolContext, ToolResult, ToolSpec
from .host import TODO

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FORMAT_VERSION = 1
STATUSES = ("pending", "in_progress", "completed", "cancelled")
PRIORITIES = ("high", "medium", "low")
MARKS = {"pending": "[ ]", "in_progress": "[~]", "completed": "[x]", "cancelled": "[-]"}

TODO_ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "minLength": 1, "description": "A short unique id, e.g. \"1\""},
        "content": {"type": "string", "minLength": 1, "description": "What to do, in one line"},
        "status": {"type": "string", "enum": list(STATUSES), "description": "pending, in_progress, completed or cancelled"},
        "priority": {"type": "string", "enum": list(PRIORITIES), "description": "high, medium (default) or low"},
    },
    "required": ["id", "content", "status"],
    "additionalProperties": False,
}

WRITE_DESCRIPTION = """Replace the todo list with the one given, and return it.
Use it for tasks of three steps or more: write the plan as todos, mark one `in_progress` before starting it, and mark it `completed` as soon as it is done (not in batches).
Each todo has an `id` (short and unique, e.g. "1"), `content`, `status` (pending, in_progress, completed, cancelled) and `priority` (high, medium, low; default medium).
Send the whole list every time: todos left out are removed."""

READ_DESCRIPTION = """Show the current todo list with each item's id, status and priority."""


async def run_write(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    todos = [_normal(item) for item in params["todos"]]
    _check_unique(todos)
    save(ctx, todos)
    return result(todos, ctx)


async def run_read(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    return result(load(ctx), ctx)


def _normal(item: dict[str, Any]) -> dict[str, Any]:
    if not item["content"].strip():
        raise InvalidParams(f"invalid parameter 'todos': the content of todo {item['id']!r} is blank", field="todos")
    return {
        "id": item["id"],
        "content": item["content"].strip(),
        "status": item["status"],
        "priority": item.get("priority", "medium"),
    }


def _check_unique(todos: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for index, todo in enumerate(todos):
        if todo["id"] in seen:
            raise InvalidParams(f"invalid parameter 'todos[{index}].id': {todo['id']!r} is used twice", field=f"todos[{index}].id")
        seen.add(todo["id"])


# -- the store ------------------------------------------------------------------


def store_path(ctx: ToolContext) -> Path:
    """The file holding this session's list, or this project's when there is no session."""
    import hashlib

    session_id = ctx.host.todo_scope()
    if session_id:
        safe = session_id.replace("-", "").replace("_", "").isalnum()
        key = session_id if safe else hashlib.sha256(session_id.encode()).hexdigest()[:24]
        return ctx.data_dir / "todos" / f"session-{key}.json"
    digest = hashlib.sha256(str(ctx.root).encode()).hexdigest()[:24]
    return ctx.data_dir / "todos" / f"project-{digest}.json"


def load(ctx: ToolContext) -> list[dict[str, Any]]:
    """The stored list; empty when there is none yet."""
    path = store_path(ctx)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ToolError(f"cannot read the todo list {path}: {exc}", hint="delete the file to start a new list") from None
    if not isinstance(data, dict) or not isinstance(data.get("todos"), list):
        raise ToolError(f"the todo list {path} is not in a known format", hint="delete the file to start a new list")
    if data.get("version", 0) > FORMAT_VERSION:
        raise ToolError(f"the todo list {path} was written by a newer opencode (format {data['version']})")
    return data["todos"]


def save(ctx: ToolContext, todos: list[dict[str, Any]]) -> None:
    session_id = ctx.host.todo_scope()
    owner = {"session_id": session_id} if session_id else {"project": str(ctx.root)}
    body = {"version": FORMAT_VERSION, **owner, "todos": todos}
    try:
        atomic_write(store_path(ctx), (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ToolError(f"cannot save the todo list: {exc.strerror or exc}") from None


def next_id(todos: list[dict[str, Any]]) -> str:
    """The next short sequential id: one more than the largest numeric id in use."""
    numbers = [int(t["id"]) for t in todos if str(t.get("id", "")).isdigit()]
    return str(max(numbers, default=0) + 1)


# -- what the model sees -----------------------------------------------------------


def counts(todos: list[dict[str, Any]]) -> dict[str, int]:
    tally = {status: 0 for status in STATUSES}
    for todo in todos:
        tally[todo.get("status", "pending")] = tally.get(todo.get("status", "pending"), 0) + 1
    return {"total": len(todos), **tally, "open": tally["pending"] + tally["in_progress"]}


def checklist(todos: list[dict[str, Any]]) -> str:
    """``[x] 1. Write the test (high)``, one line per todo, under a one-line summary."""
    if not todos:
        return "No todos."
    tally = counts(todos)
    summary = f"{tally['completed']} of {tally['total']} completed"
    if tally["in_progress"]:
        summary += f", {tally['in_progress']} in progress"
    lines = [summary]
    for todo in todos:
        mark = MARKS.get(todo.get("status", ""), "[?]")
        priority = todo.get("priority", "medium")
        lines.append(f"{mark} {todo['id']}. {todo['content']}" + ("" if priority == "medium" else f" ({priority})"))
    return "\n".join(lines)


def result(todos: list[dict[str, Any]], ctx: ToolContext) -> ToolResult:
    tally = counts(todos)
    return ToolResult(
        output=checklist(todos),
        title=f"{tally['open']} todos",
        metadata={"todos": todos, "counts": tally, "scope": "session" if ctx.host.todo_scope() else "project"},
    )


WRITE = ToolSpec(
    name="todowrite",
    description=WRITE_DESCRIPTION,
    parameters={
        "type": "object",
        "properties": {"todos": {"type": "array", "items": TODO_ITEM, "description": "The complete, updated todo list"}},
        "required": ["todos"],
        "additionalProperties": False,
    },
    run=run_write,
    permission="read",
    loop_free=True,
    uses=(TODO,),
)

READ = ToolSpec(
    name="todoread",
    description=READ_DESCRIPTION,
    parameters={"type": "object", "properties": {}, "additionalProperties": False},
    run=run_read,
    permission="read",
    loop_free=True,
    concurrent=True,
    uses=(TODO,),
)
