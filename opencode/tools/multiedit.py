"""``multiedit``: several edits to one file, applied in order, all or nothing.

Each edit goes through the same matching engine as ``edit`` (``_edit.edit_text``), on
the text the previous edits left in memory. The file is written once, at the end, and
only if every edit succeeded; an error names the edit that failed.
"""

from __future__ import annotations

from ..errors import ToolError
from ._edit import TextDoc, edit_text, require_fresh_read, save, summary, text_bytes
from ._files import ChangingFile
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = """Make several edits to one file in one call: each is an `edit` (old_string, new_string, replace_all).
Edits apply in order, each to the result of the previous ones, so a later old_string must match the text as earlier edits left it.
Each old_string is found, or refused, as `edit` finds or refuses it. All or nothing: if any edit fails, the file is not changed.
To create a file, give the first edit an empty old_string; its new_string becomes the content."""

EDIT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "old_string": {"type": "string", "description": "The text to replace (empty in the first edit: create the file)"},
        "new_string": {"type": "string", "description": "The text to put in its place"},
        "replace_all": {"type": "boolean", "default": False, "description": "Replace every occurrence"},
    },
    "required": ["old_string", "new_string"],
    "additionalProperties": False,
}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "The file to edit, absolute or relative to the working directory"},
        "edits": {"type": "array", "minItems": 1, "items": EDIT, "description": "The edits, applied in order"},
    },
    "required": ["path", "edits"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = ctx.paths.resolve(params["path"])
    shown = ctx.paths.display(path)
    edits: list[dict[str, Any]] = params["edits"]
    may_create = edits[0]["old_string"] == ""
    with ChangingFile(path, shown, ctx.cwd, "edit", create=may_create) as target:
        raw = target.read(missing_ok=may_create)
        creating = raw is None
        if raw is None:
            doc = TextDoc(edits[0]["new_string"].encode("utf-8", "surrogateescape"))
        else:
            require_fresh_read(ctx, path, shown, text_bytes(raw, shown))
            doc = TextDoc(raw)
        text, done = doc.original, []
        for number, edit in enumerate(edits[1:] if creating else edits, start=2 if creating else 1):
            text, strategy, count = _apply(text, doc.newline, edit, f"{shown}: edit {number} of {len(edits)}")
            done.append({"strategy": strategy, "replacements": count})
        stats = save(ctx, target, raw, doc.encode(text))
    verb = "Created" if creating else "Edited"
    return ToolResult(
        summary(verb, shown, stats, f": {len(edits)} edit{'s' if len(edits) != 1 else ''}"),
        title=shown,
        metadata={"path": shown, "created": creating, "edits": done, **stats},
    )


def _apply(text: str, newline: str, edit: dict[str, Any], name: str) -> tuple[str, str, int]:
    old, new = edit["old_string"], edit["new_string"]
    if not old:
        raise ToolError(f"{name}: old_string is empty; only the first edit of a new file may be empty")
    if old == new:
        raise ToolError(f"{name}: old_string and new_string are identical; there is nothing to change")
    return edit_text(text, newline, old, new, bool(edit.get("replace_all")), name)


SPEC = ToolSpec(
    name="multiedit",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="write",
    positional=("path",),
    subject="path",
    loop_free=True,
)
