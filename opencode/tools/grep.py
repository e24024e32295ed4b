"""``grep``: regex search over the project with ripgrep, newest files first.

Two passes keep it as fast as ripgrep itself on big trees: the first asks rg only for
per-file counts (little output to read back), the second fetches the lines of just the
newest files needed to show 100 matches. A match is a matching line, as in rg's output.
"""

from __future__ import annotations

import os

from ..errors import ToolError
from ._rg import filters, newest_first, run_rg, stamp, stream_rg
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIMIT = 100
MAX_LINE = 2000

DESCRIPTION = """Search file contents with a regular expression (ripgrep syntax, e.g. `def \\w+\\(` or `TODO|FIXME`).
Returns matching lines with line numbers, grouped by file, newest files first, at most 100 matches.
Use `include` to limit the files searched, e.g. `*.py` or `*.{ts,tsx}`. Files ignored by .gitignore are skipped."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string", "minLength": 1, "description": "The regular expression to search for"},
        "path": {"type": "string", "default": ".", "description": "The file or folder to search (default: the working directory)"},
        "include": {"type": "string", "description": "A glob of files to search, e.g. *.py"},
    },
    "required": ["pattern"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    target = ctx.paths.resolve(params.get("path", "."))
    if not target.exists():
        raise ToolError(f"no such file or folder: {ctx.paths.display(target)}")
    base = target if target.is_dir() else target.parent
    selection = filters([params["include"]] if params.get("include") else [], private=ctx.private, root=base)
    counts, ordered = _count(params["pattern"], target, base, selection)
    total = sum(counts.values())
    picked, needed = [], 0
    for path, _ in ordered:
        if needed >= LIMIT:
            break
        picked.append(path)
        needed += counts[path]
    lines = _lines(params["pattern"], base, picked)
    return _result(ctx, base, picked, lines, total, len(counts))


def _count(pattern: str, target, base, selection: list[str]) -> tuple[dict[str, int], list[tuple[str, float]]]:
    """Matching lines per file, and the files newest first (stat'ed while rg searches)."""
    where = ["--", "." if target == base else target.name]
    counts: dict[str, int] = {}
    stamped: list[tuple[str, float]] = []
    prefix = os.fsencode(base) + b"/"
    for line in stream_rg(["--count", "--with-filename", "--null", "--regexp", pattern, *selection, *where], base):
        raw, _, count = line.rstrip(b"\n").partition(b"\0")
        raw = raw[2:] if raw.startswith(b"./") else raw
        if count.isdigit() and stamp(prefix, raw, stamped) is not None:
            counts[stamped[-1][0]] = int(count)
    return counts, newest_first(stamped)


def _lines(pattern: str, base, files: list[str]) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {f: [] for f in files}
    if not files:
        return found
    args = ["--line-number", "--with-filename", "--no-heading", "--null", "--regexp", pattern, "--", *files]
    proc = run_rg(args, base)
    for raw in proc.stdout.decode("utf-8", "replace").split("\n"):
        path, sep, rest = raw.partition("\0")
        number, _, text = rest.partition(":")
        if sep and number.isdigit():
            found.setdefault(os.path.normpath(path), []).append((int(number), text.rstrip("\r")))
    return found


def _result(ctx: ToolContext, base, files: list[str], lines, total: int, file_count: int) -> ToolResult:
    blocks, plain, shown = [], [], 0
    for path in files:
        display = os.path.relpath(base / path, ctx.cwd)
        entries = []
        for number, text in lines.get(path, []):
            if shown >= LIMIT:
                break
            text = text if len(text) <= MAX_LINE else text[:MAX_LINE] + "…"
            entries.append(f"  Line {number}: {text}")
            plain.append(f"{display}:{number}:{text}\n")
            shown += 1
        if entries:
            blocks.append(f"{display}:\n" + "\n".join(entries))
    if not total:
        output = "No matches found"
    else:
        output = f"Found {total} matches in {file_count} files\n\n" + "\n\n".join(blocks)
        if total > shown:
            output += f"\n\n(Showing {shown} of {total} matches, newest files first. Use a more specific pattern, path or include.)"
    return ToolResult(
        output=output,
        text="".join(plain),
        metadata={"matches": total, "files": file_count, "shown": shown, "truncated": total > shown},
    )


SPEC = ToolSpec(
    name="grep",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="read",
    positional=("pattern", "path"),
    loop_free=True,
    concurrent=True,
    subject="pattern",
)
