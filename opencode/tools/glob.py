"""``glob``: files matching a pattern, newest first, respecting .gitignore."""

from __future__ import annotations

import os

from ..errors import ToolError
from ._rg import files_newest_first, filters
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIMIT = 100

DESCRIPTION = """Find files by glob pattern, such as `**/*.py` or `src/**/*.ts`; a pattern without `/` matches file names anywhere below `path`.
Returns paths sorted by modification time, newest first, at most 100. Files ignored by .gitignore are skipped."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string", "minLength": 1, "description": "The glob pattern, e.g. **/*.py"},
        "path": {"type": "string", "default": ".", "description": "The folder to search (default: the working directory)"},
    },
    "required": ["pattern"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    folder = ctx.paths.resolve(params.get("path", "."))
    if not folder.is_dir():
        raise ToolError(f"not a folder: {ctx.paths.display(folder)}")
    matches = files_newest_first(folder, filters([params["pattern"]], private=ctx.private, root=folder))
    shown = [os.path.relpath(folder / path, ctx.cwd) for path, _ in matches[:LIMIT]]
    output = "\n".join(shown) if shown else "No files found"
    if len(matches) > LIMIT:
        output += f"\n\n(Showing the {LIMIT} newest of {len(matches)} files. Use a more specific pattern or path.)"
    return ToolResult(
        output=output,
        text="".join(p + "\n" for p in shown),
        metadata={"count": len(matches), "truncated": len(matches) > LIMIT, "files": shown},
    )


SPEC = ToolSpec(
    name="glob",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="read",
    positional=("pattern", "path"),
    loop_free=True,
    concurrent=True,
    subject="pattern",
)
