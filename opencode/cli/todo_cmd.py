"""``opencode todo``: the todo list from the shell.

``add``, ``list`` and ``done`` are shortcuts, not a second implementation: they build
the new list with the store functions of ``opencode.tools.todo`` and run the
``todowrite``/``todoread`` tools through ``run_tool_command``, so they validate and
emit ``tool_result`` records exactly as ``opencode tool call todowrite`` does.
``write`` and ``read`` are the tools' own generated faces. Outside a session the list
belongs to the project, so it persists between commands run in it.
"""

from __future__ import annotations

import click

from ..errors import ToolError
from ..tools.todo import PRIORITIES, READ, WRITE, load, next_id
from .clickutil import leaf
from .tool_commands import make_command
from .invoke_tool import run_tool_command


@click.group(invoke_without_command=True)
@click.pass_context
def todo(ctx: click.Context) -> None:
    """Track tasks: add, list, done. Without a subcommand, list them."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_todos)


@todo.command("add")
@click.argument("text", nargs=-1, required=True)
@click.option("--priority", type=click.Choice(PRIORITIES), default="medium", show_default=True, help="How important it is")
@leaf
def add(runtime, text: tuple[str, ...], priority: str) -> None:
    """Add a pending todo; it gets the next number as its id."""
    todos = load(runtime.workspace.tool_context())
    todos.append({"id": next_id(todos), "content": " ".join(text), "status": "pending", "priority": priority})
    raise SystemExit(run_tool_command(runtime, WRITE, {"todos": todos}))


@todo.command("list")
@leaf
def list_todos(runtime) -> None:
    """Show the todo list."""
    raise SystemExit(run_tool_command(runtime, READ, {}))


@todo.command("done")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@leaf
def done(runtime, ids: tuple[str, ...]) -> None:
    """Mark todos completed, by id."""
    todos = load(runtime.workspace.tool_context())
    known = {t["id"] for t in todos}
    missing = [i for i in ids if i not in known]
    if missing:
        error = ToolError(f"no todo with id {', '.join(missing)}", hint="see 'opencode todo list' for the ids")
        error.tool = WRITE.name  # type: ignore[attr-defined]
        raise error
    todos = [{**t, "status": "completed"} if t["id"] in ids else t for t in todos]
    raise SystemExit(run_tool_command(runtime, WRITE, {"todos": todos}))


todo.add_command(make_command(WRITE, "write"))
todo.add_command(make_command(READ, "read"))
