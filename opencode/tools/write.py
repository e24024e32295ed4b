"""``write``: create or replace a file with the given content, atomically.

Parent folders are created. The content goes to a temporary file that is renamed over
the target, so a reader (or a crash) sees the old file or the new one, never a torn
one. On the command line the content comes from stdin when not given:
``opencode read a.py | opencode write b.py``.
"""

from __future__ import annotations


from ..errors import ToolError
from ..fsutil import atomic_write, count_lines, decode
from ._diff import unified
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = """Write a file: create it, or replace its whole content. Parent folders are created.
Prefer `edit` for changes to an existing file; use `write` for new files or complete rewrites."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "The file to write, absolute or relative to the working directory"},
        "content": {"type": "string", "description": "The complete new content of the file"},
    },
    "required": ["path", "content"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = ctx.paths.resolve(params["path"])
    shown = ctx.paths.display(path)
    if path.is_dir():
        raise ToolError(f"{shown} is a directory; give a file path")
    existed = path.exists()
    old = decode(path.read_bytes()) if existed else ""
    content: str = params["content"]
    try:
        atomic_write(path, content.encode("utf-8"))
    except OSError as exc:
        raise ToolError(f"cannot write {shown}: {exc.strerror}") from None
    if ctx.read_files is not None:
        ctx.read_files[str(path)] = path.stat().st_mtime
    _, added, removed = unified(old, content, shown)
    verb = "Updated" if existed else "Created"
    return ToolResult(
        output=f"{verb} {shown} ({count_lines(content)} lines, +{added} -{removed})",
        title=shown,
        metadata={"path": shown, "created": not existed, "lines": count_lines(content), "added": added, "removed": removed},
    )


SPEC = ToolSpec(
    name="write",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="write",
    positional=("path",),
    subject="path",
    stdin_param="content",
    loop_free=True,
)
