"""``write``: create or replace a file with the given content, atomically.

Parent folders are created. The content goes to a temporary file that is renamed over
the target, so a reader (or a crash) sees the old file or the new one, never a torn
one; the write holds the folder's writer lock and goes through folders opened without
following links (``_files.ChangingFile``). On the command line the content comes from
stdin when not given: ``opencode read a.py | opencode write b.py``; bytes that are not
UTF-8 text arrive as base64 with ``encoding="base64"``, so the copy is exact.
"""

from __future__ import annotations


from ..errors import ToolError
from ..fsutil import count_lines, decode
from ._diff import unified
from ._edit import note_written
from ._files import ChangingFile
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
        "encoding": {
            "type": "string",
            "enum": ["utf-8", "base64"],
            "default": "utf-8",
            "description": "How content is given: utf-8 text, or base64 for bytes that are not text",
        },
    },
    "required": ["path", "content"],
    "additionalProperties": False,
}


def content_bytes(content: str, encoding: str) -> bytes:
    """The bytes to write: ``content`` as UTF-8, or decoded from base64."""
    if encoding != "base64":
        try:
            return content.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raise ToolError("content has characters that cannot be written as UTF-8 (lone surrogates)") from None
    from binascii import Error, a2b_base64

    try:
        return a2b_base64("".join(content.split()), strict_mode=True)
    except (Error, ValueError) as exc:
        raise ToolError(f"content is not valid base64 ({exc})") from None


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = ctx.paths.resolve(params["path"])
    shown = ctx.paths.display(path)
    data = content_bytes(params["content"], params.get("encoding", "utf-8"))
    with ChangingFile(path, shown, ctx.cwd, "write", create=True) as target:
        old = target.read(missing_ok=True)
        target.replace(data)
    note_written(ctx, path, data)
    content = decode(data)
    diff, added, removed = unified(decode(old) if old else "", content, shown)
    verb = "Created" if old is None else "Updated"
    return ToolResult(
        output=f"{verb} {shown} ({count_lines(content)} lines, +{added} -{removed})",
        title=shown,
        metadata={"path": shown, "created": old is None, "lines": count_lines(content), "diff": diff, "added": added, "removed": removed},
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
