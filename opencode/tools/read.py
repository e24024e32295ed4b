"""``read``: a file with numbered lines, in pages a model can ask for.

The model-facing ``output`` numbers the lines, cuts lines over 2,000 characters and
stops at 50 KB with a note on how to read on. The ``text`` of the record is the file's
exact content (from ``offset`` on, up to ``limit`` lines when a limit is given), so
``opencode read a.py | opencode write b.py`` copies a file byte for byte.
"""

from __future__ import annotations


from ..fsutil import decode
from ._files import read_text_file, split_lines
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_LIMIT = 2000
MAX_LINE = 2000
MAX_OUTPUT = 50 * 1024

DESCRIPTION = """Read a text file. Returns the lines numbered from 1 (`     1\\tline`).
By default up to 2000 lines from the start; use `offset` (1-based line number) and `limit` to read other parts of long files.
Lines longer than 2000 characters are cut, and the output stops at 50 KB with a note saying where to continue.
Read a file before editing it. A missing file returns similar names."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "The file to read, absolute or relative to the working directory"},
        "offset": {"type": "integer", "minimum": 1, "default": 1, "description": "The line number to start at (1-based)"},
        "limit": {"type": "integer", "minimum": 1, "description": "How many lines to read (default 2000)"},
    },
    "required": ["path"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = ctx.paths.resolve(params["path"])
    shown = ctx.paths.display(path)
    content = decode(read_text_file(path, shown, ctx.cwd))
    if ctx.read_files is not None:
        ctx.read_files[str(path)] = path.stat().st_mtime
    lines = split_lines(content)
    offset = params.get("offset", 1)
    limit = params.get("limit")
    if offset > max(len(lines), 1):
        from ..errors import ToolError

        raise ToolError(f"offset {offset} is past the end of {shown} ({len(lines)} lines)")
    start = offset - 1
    selected = lines[start : start + limit] if limit else lines[start:]
    shown_lines, size, capped = [], 0, False
    for number, line in enumerate(selected[: limit or DEFAULT_LIMIT], start=offset):
        body = line.rstrip("\n").rstrip("\r")
        if len(body) > MAX_LINE:
            body = f"{body[:MAX_LINE]}… [line cut: {len(body)} characters]"
        numbered = f"{number:>6}\t{body}"
        size += len(numbered.encode("utf-8")) + 1
        if size > MAX_OUTPUT and shown_lines:
            capped = True
            break
        shown_lines.append(numbered)
    last = offset + len(shown_lines) - 1
    output = "\n".join(shown_lines)
    if capped:
        output += f"\n\n(Output capped at 50 KB. Use offset={last + 1} to read on.)"
    elif last < len(lines):
        output += f"\n\n(File has {len(lines)} lines; showing {offset}-{last}. Use offset={last + 1} to read on.)"
    if not lines:
        output = "(empty file)"
    return ToolResult(
        output=output,
        text="".join(selected),
        title=shown,
        metadata={
            "path": shown,
            "total_lines": len(lines),
            "offset": offset,
            "lines_shown": len(shown_lines),
            "truncated": capped or last < len(lines),
        },
    )


SPEC = ToolSpec(
    name="read",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="read",
    positional=("path",),
    loop_free=True,
    concurrent=True,
    subject="path",
)
