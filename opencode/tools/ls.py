"""``ls``: a folder as a tree, respecting .gitignore and skipping the usual clutter."""

from __future__ import annotations

from ..errors import ToolError
from ._rg import DEFAULT_IGNORES, filters, list_files
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIMIT = 100

DESCRIPTION = """List files and folders under `path` as a tree (at most 100 files).
Skips files ignored by .gitignore and folders such as .git, node_modules, __pycache__, .venv, dist and build.
`ignore` adds glob patterns to skip. Prefer `glob` and `grep` when you know what you are looking for."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "default": ".", "description": "The folder to list (default: the working directory)"},
        "ignore": {"type": "array", "items": {"type": "string"}, "description": "Glob patterns to skip"},
    },
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    folder = ctx.paths.resolve(params.get("path", "."))
    if not folder.is_dir():
        raise ToolError(f"not a folder: {ctx.paths.display(folder)}", hint="use `read` for files")
    skip = [f"{name}/" for name in DEFAULT_IGNORES] + list(params.get("ignore") or [])
    files = sorted(list_files(folder, filters(exclude=skip, private=ctx.private, root=folder)))
    shown = files[:LIMIT]
    tree = render_tree(shown)
    output = f"{folder}/\n{tree}" if tree else f"{folder}/ (empty)"
    if len(files) > LIMIT:
        output += f"\n\n(Showing {LIMIT} of {len(files)} files. List a subfolder or use glob.)"
    return ToolResult(
        output=output,
        text="".join(f + "\n" for f in shown),
        metadata={"count": len(files), "truncated": len(files) > LIMIT},
    )


def render_tree(paths: list[str]) -> str:
    """Indented tree of relative paths: folders first, then files, each alphabetical."""
    root: dict[str, Any] = {}
    for path in paths:
        node = root
        *folders, name = path.split("/")
        for folder in folders:
            node = node.setdefault(folder + "/", {})
        node[name] = None
    lines: list[str] = []
    _walk(root, 1, lines)
    return "\n".join(lines)


def _walk(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    folders = sorted(k for k, v in node.items() if v is not None)
    files = sorted(k for k, v in node.items() if v is None)
    for name in folders:
        lines.append("  " * depth + name)
        _walk(node[name], depth + 1, lines)
    for name in files:
        lines.append("  " * depth + name)


SPEC = ToolSpec(
    name="ls",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="read",
    positional=("path",),
    loop_free=True,
    concurrent=True,
    subject="path",
)
