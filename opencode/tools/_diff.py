"""Unified diffs and line counts for tools that change files."""

from __future__ import annotations

import difflib

from ._files import split_lines


def unified(old: str, new: str, name: str) -> tuple[str, int, int]:
    """(diff text, lines added, lines removed) between two versions of a file."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    added = removed = 0
    out = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{name}", f"b/{name}", n=3):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
        out.append(line)
    return "".join(out), added, removed
