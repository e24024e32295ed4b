"""``edit``: replace one piece of a file, tolerant of how models quote code.

The model says what to replace (``old_string``) and with what (``new_string``). Finding
``old_string`` is the matching engine's job (``_match``): exact first, then looser
comparisons, stopping at the first that finds anything and refusing ambiguous or
disproportionate matches. The file keeps its BOM and line endings, the write is atomic
and happens only on success (under the folder's writer lock, so a concurrent editor's
change is never lost), and the result carries a unified diff.
"""

from __future__ import annotations

from ..errors import ToolError
from ._edit import TextDoc, create, edit_text, require_fresh_read, save, summary, text_bytes
from ._files import ChangingFile
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = """Replace text in a file: `old_string` becomes `new_string`.

Read the file first, then copy `old_string` from it exactly (without the line-number prefix), with enough surrounding lines to make it unique. An empty `old_string` creates a new file containing `new_string`. The file keeps its own line endings; the result shows a diff.

old_string is looked for in these ways; the first that finds it decides:
  1. exactly
  2. whole lines, each compared without its leading and trailing whitespace
  3. first and last lines equal, the lines between at least 80% alike
  4. with every run of whitespace read as one space
  5. whole lines, without the indentation they all share
  6. with escapes (\\n, \\t, \\" ...) read as characters, in it or in the file
  7. without its own leading and trailing whitespace
  8. first and last lines equal, at least half of the lines between equal
Found by 2-8, new_string gets the file's indentation and way of escaping.

Refused, and the file left unchanged:
  - old_string found in more than one place: add context, or set replace_all
    (it replaces all the places found by the first way that finds any)
  - a loose match with far more or fewer lines or characters than old_string
  - a loose match of a multi-line old_string starting or ending inside a line"""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "The file to edit, absolute or relative to the working directory"},
        "old_string": {"type": "string", "description": "The text to replace, copied from the file (empty: create a new file)"},
        "new_string": {"type": "string", "description": "The text to put in its place (must differ from old_string)"},
        "replace_all": {"type": "boolean", "default": False, "description": "Replace every occurrence of old_string"},
    },
    "required": ["path", "old_string", "new_string"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = ctx.paths.resolve(params["path"])
    shown = ctx.paths.display(path)
    old, new = params["old_string"], params["new_string"]
    if old == new:
        raise ToolError("old_string and new_string are identical; there is nothing to change")
    if not old:
        stats = create(ctx, path, shown, new)
        return ToolResult(summary("Created", shown, stats), title=shown, metadata={"path": shown, "created": True, **stats})
    with ChangingFile(path, shown, ctx.cwd, "edit") as target:
        raw = text_bytes(target.read(), shown)
        require_fresh_read(ctx, path, shown, raw)
        doc = TextDoc(raw)
        text, strategy, count = edit_text(doc.original, doc.newline, old, new, bool(params.get("replace_all")), shown)
        stats = save(ctx, target, raw, doc.encode(text))
    how = "" if strategy == "exact" else f", matched by {strategy} comparison"
    detail = f": {count} replacement{'s' if count != 1 else ''}{how}"
    return ToolResult(
        summary("Edited", shown, stats, detail),
        title=shown,
        metadata={"path": shown, "created": False, "strategy": strategy, "replacements": count, **stats},
    )


SPEC = ToolSpec(
    name="edit",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="write",
    positional=("path",),
    subject="path",
    loop_free=True,
)
