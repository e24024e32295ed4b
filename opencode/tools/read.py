"""``read``: a file with numbered lines, in pages a model can ask for.

The model-facing ``output`` numbers the lines, cuts lines over 2,000 characters and
stops at 50 KB with a note on how to read on. The ``text`` of the record is the file's
exact content (from ``offset`` on, up to ``limit`` lines when a limit is given), so
``opencode read a.py | opencode write b.py`` copies a file byte for byte; content that
is not UTF-8 (a Latin-1 file) is carried as base64 (``encoding="base64"``), while the
model reads its lines with the undecodable bytes replaced.

A FIFO, socket or device is refused before it is opened (reading a FIFO would wait
forever for a writer), and the file is reached through folders opened without
following links (``fsutil.Folder``).
"""

from __future__ import annotations


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
    data = read_text_file(path, shown, ctx.cwd)
    if ctx.read_files is not None:
        from ..fsutil import content_stamp

        ctx.read_files[str(path)] = content_stamp(data)
    try:
        content, exact = data.decode("utf-8"), True
    except UnicodeDecodeError:  # lines keep their bytes as surrogates, for ``payload``
        content, exact = data.decode("utf-8", "surrogateescape"), False
    lines = split_lines(content)
    offset = params.get("offset", 1)
    limit = params.get("limit")
    if offset > max(len(lines), 1):
        from ..errors import ToolError

        raise ToolError(f"offset {offset} is past the end of {shown} ({len(lines)} lines)")
    start = offset - 1
    selected = lines[start : start + limit] if limit else lines[start:]
    shown_lines, capped = numbered(selected[: limit or DEFAULT_LIMIT], offset, exact)
    last = offset + len(shown_lines) - 1
    output = "\n".join(shown_lines)
    if capped:
        output += f"\n\n(Output capped at 50 KB. Use offset={last + 1} to read on.)"
    elif last < len(lines):
        output += f"\n\n(File has {len(lines)} lines; showing {offset}-{last}. Use offset={last + 1} to read on.)"
    if not lines:
        output = "(empty file)"
    text, encoding = payload("".join(selected), exact)
    return ToolResult(
        output=output,
        text=text,
        encoding=encoding,
        title=shown,
        metadata={
            "path": shown,
            "total_lines": len(lines),
            "offset": offset,
            "lines_shown": len(shown_lines),
            "truncated": capped or last < len(lines),
        },
    )


def numbered(lines: list[str], offset: int, exact: bool) -> tuple[list[str], bool]:
    """The lines as the model reads them (numbered, long ones cut) up to 50 KB, and
    whether the cap cut them short. ``exact``: the lines are UTF-8 text as they are."""
    shown_lines, size = [], 0
    for number, line in enumerate(lines, start=offset):
        body = line.rstrip("\n").rstrip("\r")
        if not exact:
            body = body.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if len(body) > MAX_LINE:
            body = f"{body[:MAX_LINE]}… [line cut: {len(body)} characters]"
        numbered_line = f"{number:>6}\t{body}"
        size += len(numbered_line.encode("utf-8")) + 1
        if size > MAX_OUTPUT and shown_lines:
            return shown_lines, True
        shown_lines.append(numbered_line)
    return shown_lines, False


def payload(selected: str, exact: bool) -> tuple[str, str | None]:
    """The record's ``text`` and ``encoding``: the selected text itself, or base64 of
    its bytes when they are not UTF-8."""
    if exact:
        return selected, None
    data = selected.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        from binascii import b2a_base64

        return b2a_base64(data, newline=False).decode("ascii"), "base64"


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
