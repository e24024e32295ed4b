"""``rm``: remove a file or folder, never the project itself or its ``.git``.

The removal goes by name in the parent folder opened without following links
(``fsutil.Folder``), so a folder on the path swapped for a link meanwhile cannot
send it outside the project.
"""

from __future__ import annotations

import shutil

from ..errors import PermissionDenied, ToolError
from ..fsutil import Folder
from ..paths import is_within
from ._files import file_error
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

DESCRIPTION = """Remove a file, or a folder with `recursive: true`.
Refuses the project root, the .git folder and anything outside the project."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "The file or folder to remove"},
        "recursive": {"type": "boolean", "default": False, "description": "Needed to remove a folder and everything in it"},
    },
    "required": ["path"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    raw = params["path"]
    link = ctx.paths.absolute_unresolved(raw)
    if link.is_symlink():
        # A link is removed, not what it points to: check where the link itself sits.
        ctx.paths.resolve(link.parent)
        target = link
    else:
        target = ctx.paths.resolve(raw)
    shown = ctx.paths.display(target)
    if target == ctx.root:
        raise PermissionDenied("refusing to remove the project root")
    git = ctx.root / ".git"
    if target == git or is_within(target, git):
        raise PermissionDenied("refusing to remove .git or anything inside it")
    if not target.exists() and not target.is_symlink():
        raise ToolError(f"no such file or folder: {shown}")
    if target.is_dir() and not target.is_symlink():
        if not params.get("recursive"):
            raise ToolError(f"{shown} is a folder; pass recursive=true to remove it and its contents")
        count = sum(1 for _ in target.rglob("*"))
        _remove(ctx, target, shown, folder=True)
        return ToolResult(f"Removed folder {shown} ({count} entries)", metadata={"path": shown, "kind": "folder", "entries": count})
    _remove(ctx, target, shown, folder=False)
    return ToolResult(f"Removed {shown}", metadata={"path": shown, "kind": "file"})


def _remove(ctx: ToolContext, target: Path, shown: str, folder: bool) -> None:
    try:
        with Folder(target.parent) as parent:
            if folder:
                shutil.rmtree(target.name, dir_fd=parent.fd)
            else:
                parent.remove(target.name)
    except OSError as exc:
        raise file_error(exc, target, shown, ctx.cwd, "remove") from None


SPEC = ToolSpec(
    name="rm",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="write",
    positional=("path",),
    subject="path",
    loop_free=True,
)
