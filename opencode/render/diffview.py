"""Unified diffs drawn for people: coloured lines, or two columns on a wide screen.

The tools that change files put a unified diff in their result's ``metadata``
(``tools._diff.unified``); this module only reads that text, so whatever made the
diff (edit, write, apply_patch, ``git diff``), it looks the same. Side by side pairs
each run of removed lines with the added lines after it, as a review tool does.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.console import RenderableType

#: The screen width from which a diff is drawn in two columns.
SIDE_BY_SIDE_WIDTH = 140
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
STYLES = {"-": "red", "+": "green", "@": "cyan", "\\": "dim"}


def diff_view(diff: str, width: int) -> RenderableType:
    """``diff`` as a renderable for a screen ``width`` columns wide."""
    return side_by_side(diff) if width >= SIDE_BY_SIDE_WIDTH else unified(diff)


def unified(diff: str) -> RenderableType:
    """The diff as it is, each line coloured by its kind."""
    from rich.text import Text

    text = Text(no_wrap=False)
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            style = "bold"
        else:
            style = STYLES.get(line[:1], "")
        text.append(line + "\n", style=style)
    text.rstrip()
    return text


def side_by_side(diff: str) -> RenderableType:
    """Old on the left, new on the right, with line numbers; hunks apart by a dim gap."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=False, expand=True, padding=(0, 1), pad_edge=False)
    for ratio, justify in ((0, "right"), (1, "left"), (0, "right"), (1, "left")):
        table.add_column(justify=justify, ratio=ratio or None, overflow="fold", style="dim" if not ratio else None)
    for old, new in rows(diff):
        cells = []
        for side in (old, new):
            number, mark, content = side or ("", " ", "")
            shown = content if mark in "=@\\" else mark + content
            cells += [str(number), Text(shown, style=STYLES.get(mark, "bold" if mark == "=" else ""))]
        table.add_row(*cells)
    return table


Cell = "tuple[int | str, str, str] | None"


def rows(diff: str) -> list[tuple[Cell, Cell]]:
    """The diff as (old, new) pairs of cells (line number, mark, text); None is a
    blank cell. A mark is ``-``/``+`` for a change, `` `` for context, ``=`` for a
    file name and ``@`` for a hunk's start. Inside a hunk its counts decide what a
    line is, so a removed line reading ``-- x`` is not taken for a file header."""
    out: list = []
    removed: list = []
    added: list = []
    old_no = new_no = old_left = new_left = 0

    def flush() -> None:
        for i in range(max(len(removed), len(added))):
            out.append((removed[i] if i < len(removed) else None, added[i] if i < len(added) else None))
        removed.clear()
        added.clear()

    for line in diff.splitlines():
        mark, content = line[:1], line[1:]
        in_hunk = old_left > 0 or new_left > 0
        if mark == "\\":
            continue
        if in_hunk and mark == "-":
            removed.append((old_no, "-", content))
            old_no, old_left = old_no + 1, old_left - 1
        elif in_hunk and mark == "+":
            added.append((new_no, "+", content))
            new_no, new_left = new_no + 1, new_left - 1
        elif in_hunk:
            flush()
            out.append(((old_no, " ", content), (new_no, " ", content)))
            old_no, new_no, old_left, new_left = old_no + 1, new_no + 1, old_left - 1, new_left - 1
        else:
            flush()
            old_no, new_no, old_left, new_left = _header(line, out, (old_no, new_no))
    flush()
    return out


def _header(line: str, out: list, numbers: tuple[int, int]) -> tuple[int, int, int, int]:
    """A line outside any hunk: a file name, a hunk's start (whose numbers and
    counts it returns) or anything else, kept as a dim note."""
    match = HUNK.match(line)
    if match:
        out.append((("", "@", "⋯"), ("", "@", "⋯")))
        old_count, new_count = (1 if n is None else int(n) for n in (match.group(2), match.group(4)))
        return int(match.group(1)), int(match.group(3)), old_count, new_count
    if line.startswith("+++ ") and out and out[-1][1] is None and out[-1][0][1] == "=":
        out[-1] = (out[-1][0], ("", "=", line[4:]))
    elif line.startswith("--- "):
        out.append((("", "=", line[4:]), None))
    elif line:
        out.append((("", "\\", line), None))
    return (*numbers, 0, 0)


def cap(diff: str, lines: int) -> tuple[str, int]:
    """The first ``lines`` lines of ``diff`` and how many were left out."""
    all_lines = diff.splitlines(keepends=True)
    return "".join(all_lines[:lines]), max(len(all_lines) - lines, 0)
