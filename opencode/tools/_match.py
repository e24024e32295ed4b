"""Where does ``old_string`` go? The matching engine behind ``edit`` and ``multiedit``.

Models quote code imperfectly: indentation shifted, trailing spaces lost, a middle line
misremembered, quotes escaped once too often. So ``old_string`` is looked up by a chain
of strategies (``_match_strategies``), strictest first; the first one that finds
anything decides. Two rules keep that looseness safe:

- A fuzzy match of a multi-line request covers whole lines: only whitespace may stand
  between it and the line ends around it. A looser comparison that starts or ends in
  the middle of a line (inside a word, after other code) has found something else,
  and is not a match at all.
- Ambiguity stops the search. A strategy that finds two distinct places fails the edit
  ("found multiple matches"); it never falls through to a looser strategy that might
  pick one by chance. With ``replace_all`` every place that strategy found is replaced.
- A fuzzy match must look like the request. One whose text has many more lines or
  characters than ``old_string``, or many fewer, is refused (every match, with
  ``replace_all`` too): a loose comparison that pairs a long request with a short
  stretch of the file, or the reverse, has found something else. The fuzzy strategies
  share a budget of line comparisons, so a pathological file or request fails fast
  and asks for a more exact ``old_string`` instead of hanging.

The engine works on text with LF endings and no BOM (``_edit`` strips and restores
both). A fuzzy match also adapts ``new_string`` the way the request was adapted: the
file's own indentation replaces the request's, whitespace trimmed from the request's
ends is trimmed from ``new_string`` too, and escapes read in the request (or in the
file) are read or written the same way in ``new_string`` (``_match_escapes``).
"""

from __future__ import annotations

from bisect import bisect_right

from ..errors import ToolError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Sequence

    from ._match_strategies import Row, Span

    Strategy = Callable[["FileView", str, "Budget"], list[Span]]

#: Line comparisons the fuzzy strategies may spend on one edit: at about 10 ns each
#: (see the costs in ``_match_strategies``), some 0.2-0.3 s; ``benchmarks/edit.py``.
BUDGET = 20_000_000
#: A fuzzy match and the request may differ at most this many times in non-blank
#: lines (+1) either way...
LINE_RATIO, LINE_SLACK = 1.25, 1
#: ... and in non-whitespace characters (+12).
CHAR_RATIO, CHAR_SLACK = 1.25, 12

AMBIGUOUS = "found multiple matches; add surrounding context or use replace_all"


class SearchTooCostly(Exception):
    """Raised inside a strategy when the shared budget runs out."""


class Budget:
    """Line comparisons left for the fuzzy strategies of one edit."""

    __slots__ = ("limit", "left")

    def __init__(self, limit: int = BUDGET) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise SearchTooCostly


class FileView:
    """The text being edited, split once into lines with lazily built indexes."""

    def __init__(self, text: str) -> None:
        self.text = text
        lines = text.split("\n")
        self.final_newline = text.endswith("\n")
        if self.final_newline:
            lines.pop()
        self.lines = lines
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        self.starts = starts
        self.stripped = [line.strip() for line in lines]
        self._index: dict[str, list[int]] | None = None
        self.normalized: tuple[str, list[int], list[int]] | None = None
        self.decoded: tuple[str, list[int]] | None = None
        self.bigrams: dict[str, frozenset[str]] = {}

    def positions(self, stripped_line: str) -> list[int]:
        """Indexes of the lines whose stripped text is ``stripped_line``."""
        if self._index is None:
            index: dict[str, list[int]] = {}
            for number, line in enumerate(self.stripped):
                index.setdefault(line, []).append(number)
            self._index = index
        return self._index.get(stripped_line, [])

    def line_end(self, number: int, with_newline: bool) -> int:
        end = self.starts[number] + len(self.lines[number])
        if with_newline and (number < len(self.lines) - 1 or self.final_newline):
            end += 1
        return end

    def whole_lines(self, span: Span) -> bool:
        """Whether only whitespace stands between ``span`` and the line ends around it."""
        text, start, end = self.text, span.start, span.end
        before = text[text.rfind("\n", 0, start) + 1 : start]
        after = "" if end == start or text[end - 1] == "\n" else text[end : self.line_end(self.line_of(end) - 1, False)]
        return not before.strip() and not after.strip()

    def line_of(self, offset: int) -> int:
        """The 1-based line number holding ``offset``."""
        return max(bisect_right(self.starts, offset), 1)


def locate(
    view: FileView,
    old: str,
    replace_all: bool,
    name: str,
    budget: Budget | None = None,
    strategies: Sequence[tuple[str, Strategy]] | None = None,
) -> tuple[str, list[Span]]:
    """(strategy, spans) for ``old`` in ``view``; ToolError when none, several or a bad fit.

    ``strategies`` defaults to the chain in ``_match_strategies``. A request that is
    only whitespace is matched exactly or not at all.
    """
    if strategies is None:
        from ._match_strategies import STRATEGIES as strategies
    budget = budget or Budget()
    fuzzy = bool(old.strip())
    for strategy, find in strategies:
        if strategy != "exact" and not fuzzy:
            break
        try:
            spans = _distinct(find(view, old, budget))
            if strategy != "exact":
                spans = [span for span in spans if "\n" not in span.ref.strip() or view.whole_lines(span)]
        except SearchTooCostly:
            raise ToolError(
                f"{name}: gave up looking for old_string after {budget.limit:,} line comparisons "
                f"(in the {strategy} strategy); give a more exact old_string",
                hint="copy old_string from a fresh read of the file, exactly, with a few lines of context",
            ) from None
        if not spans:
            continue
        if len(spans) > 1 and not replace_all:
            lines = ", ".join(str(view.line_of(s.start)) for s in spans[:8])
            more = "" if len(spans) <= 8 else ", ..."
            raise ToolError(f"{name}: {AMBIGUOUS} ({len(spans)} {strategy} matches, at lines {lines}{more})")
        if strategy != "exact":
            for span in spans:
                check_proportion(view, span, name)
        return strategy, _non_overlapping(spans) if replace_all else spans
    raise ToolError(f"{name}: old_string not found", hint=_nearest_hint(view, old, budget))


def _distinct(spans: list[Span]) -> list[Span]:
    seen: dict[tuple[int, int], Span] = {}
    for span in spans:
        seen.setdefault((span.start, span.end), span)
    return sorted(seen.values(), key=lambda s: (s.start, s.end))


def _non_overlapping(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in spans:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def check_proportion(view: FileView, span: Span, name: str) -> None:
    """Refuse a fuzzy match whose text is much bigger or much smaller than what was
    asked for."""
    found = view.text[span.start : span.end]
    if span.escapes is not None:  # like with like: the file's text read as the request was
        found = span.escapes.as_read(found)
    got_lines, want_lines = nonblank_lines(found), nonblank_lines(span.ref)
    got_chars, want_chars = nonspace_chars(found), nonspace_chars(span.ref)
    if _alike(got_lines, want_lines, LINE_RATIO, LINE_SLACK) and _alike(got_chars, want_chars, CHAR_RATIO, CHAR_SLACK):
        return
    first, last = view.line_of(span.start), view.line_of(max(span.end - 1, span.start))
    raise ToolError(
        f"{name}: refusing {'an' if span.strategy[0] in 'aeiou' else 'a'} {span.strategy} match at lines {first}-{last}: it spans {_count(got_lines, 'line')} "
        f"and {_count(got_chars, 'character')}, but old_string has {_count(want_lines, 'line')} "
        f"and {_count(want_chars, 'character')}",
        hint="give the exact text to replace, copied from a fresh read of the file",
    )


def _alike(got: int, want: int, ratio: float, slack: int) -> bool:
    return got <= want * ratio + slack and want <= got * ratio + slack


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def nonblank_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


def nonspace_chars(text: str) -> int:
    return len("".join(text.split()))


def replacement(new: str, span: Span) -> str:
    """``new`` adapted to a span the way the request was adapted to find it."""
    if span.escapes is not None:
        new = span.escapes.fit(new)
    if span.lead and new.startswith(span.lead):
        new = new[len(span.lead) :]
    if span.tail and new.endswith(span.tail):
        new = new[: len(new) - len(span.tail)]
    return reindent(new, span.indents, span.rows, skip_first=not span.whole_lines)


def reindent(text: str, indents: dict[str, str], rows: list[Row | None] | None, skip_first: bool) -> str:
    """Swap each line's indentation for the file's, using the request→file pairs seen.

    A line whose indentation was not seen keeps its extra depth: the longest known
    indentation it starts with is swapped, and the rest is kept. When the request
    flattened indentation (``rows``), a line takes the pair of the request line with
    the same text, else of the request line in its position.
    """
    if rows is None and all(req == got for req, got in indents.items()):
        return text
    known = sorted(indents, key=len, reverse=True)
    by_text: dict[str, Row] = {}
    for row in rows or ():
        if row is not None:
            by_text.setdefault(row[0], row)
    out = []
    for number, line in enumerate(text.split("\n")):
        if line.strip() and not (skip_first and number == 0):
            row = by_text.get(line.strip()) or (rows[number] if rows and number < len(rows) else None)
            line = _swap_indent(line, known, indents, row)
        out.append(line)
    return "\n".join(out)


def _swap_indent(line: str, known: list[str], indents: dict[str, str], row: Row | None) -> str:
    if row is not None and line.startswith(row[1]):
        return row[2] + line[len(row[1]) :]
    for indent in known:
        if line.startswith(indent):
            return indents[indent] + line[len(indent) :]
    return line


def _nearest_hint(view: FileView, old: str, budget: Budget) -> str:
    """Where the file has the line most like the request's first line, if the budget
    left allows looking."""
    from ._match_strategies import SIMILAR, similarity

    wanted = next((line.strip() for line in old.split("\n") if line.strip()), "")
    advice = "read the file again and copy old_string exactly, whitespace and indentation included"
    best, where = 0.0, -1
    try:
        for number, line in enumerate(view.stripped if wanted else ()):
            if line:
                budget.spend(SIMILAR)
                score = similarity(view, wanted, line, budget)
                if score > best:
                    best, where = score, number
    except SearchTooCostly:
        return advice
    if best < 0.5:
        return advice
    return f"{advice}; the most similar line is {where + 1}: {view.lines[where].strip()[:120]!r}"
