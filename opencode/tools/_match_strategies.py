"""The strategies that look for ``old_string``, strictest first (see ``_match``).

Each takes the file view, the request and the shared budget and returns every span it
finds, with what ``_match.replacement`` needs to adapt ``new_string`` to it:

1. exact: the text itself.
2. line-trimmed: whole lines equal once each is stripped.
3. block-anchor: first and last lines equal (stripped), a block of about the same size
   (at most 25% more lines or 20% fewer: what the size guard in ``_match`` allows),
   middle lines at least 80% similar.
4. whitespace-normalized: equal once every run of whitespace is one space.
5. indentation-flexible: whole lines equal once their common indentation is removed.
6. escape-normalized: the request with ``\\n``, ``\\t``, ``\\"`` ... read as the
   characters they stand for, found exactly or line-trimmed; else the request and
   the file both read that way (``_match_escapes``).
7. trimmed-boundary: the request without its leading and trailing whitespace.
8. context-aware: first and last lines equal (stripped), same number of lines, at least
   half of the middle lines equal.

Costs are charged in line comparisons: comparing k lines at once (in C) costs k, and
the slower steps are charged what they take in comparison (``CANDIDATE``,
``LINE_SCAN``, ``SIMILAR``, ``BIGRAM_CHAR``), so the budget bounds time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from ._match_escapes import escape_normalized

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from ._match import Budget, FileView
    from ._match_escapes import FileForms, ReadAll

    Row = tuple[str, str, str]

#: Costs, in plain line comparisons (about 10 ns each): looking at one candidate place,
#: a line handled in Python rather than C, scoring two lines' similarity, and each
#: character of a line whose bigrams are computed.
CANDIDATE = 20
LINE_SCAN = 5
SIMILAR = 60
BIGRAM_CHAR = 6
#: Block-anchor: how similar the middle lines must be, on average (0..1).
BLOCK_THRESHOLD = 0.8


class Span:
    """A place in the file (LF offsets) and how the request was bent to find it.

    ``ref`` is the request as the strategy read it; ``whole_lines`` says the span starts
    at a line start; ``indents`` maps request indentation to the file's (``rows``: line
    by line, when the request flattened it); ``lead`` and ``tail`` are the whitespace
    trimmed off the request's ends; ``escapes``, when escape sequences were read to
    find the span, fits ``new_string`` the same way (``_match_escapes``).
    """

    __slots__ = ("start", "end", "strategy", "ref", "whole_lines", "indents", "rows", "lead", "tail", "escapes")

    def __init__(self, start: int, end: int, strategy: str, ref: str, whole_lines: bool = False) -> None:
        self.start, self.end, self.strategy, self.ref = start, end, strategy, ref
        self.whole_lines = whole_lines
        self.indents: dict[str, str] = {}
        self.rows: list[Row | None] | None = None
        self.lead = self.tail = ""
        self.escapes: ReadAll | FileForms | None = None

    def __repr__(self) -> str:
        return f"Span({self.start}, {self.end}, {self.strategy!r})"


# -- shared helpers ---------------------------------------------------------------


def request_lines(request: str) -> tuple[list[str], bool]:
    """The request's lines, and whether it ends with a newline."""
    lines = request.split("\n")
    ends = request.endswith("\n")
    if ends:
        lines.pop()
    return lines, ends


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def indent_pairs(wanted: list[str], found: list[str]) -> tuple[dict[str, str], list[Row | None] | None]:
    """Request indentation -> file indentation, from lines paired up in order.

    When one request indentation stands for several of the file's (a request with its
    indentation flattened), also each pair line by line with the request line's text
    (see ``_match.reindent``); else None.
    """
    pairs: dict[str, str] = {}
    rows: list[Row | None] = []
    conflict = False
    for want, got in zip(wanted, found):
        row = (want.strip(), indent_of(want), indent_of(got)) if want.strip() and got.strip() else None
        if row is not None:
            conflict = conflict or pairs.setdefault(row[1], row[2]) != row[2]
        rows.append(row)
    return pairs, rows if conflict else None


def line_span(view: FileView, first: int, last: int, ends: bool, strategy: str, ref: str, wanted: list[str]) -> Span:
    """A span of whole lines ``first..last``; the final newline only if the request had one."""
    found = view.lines[first : last + 1]
    span = Span(view.starts[first], view.line_end(last, ends), strategy, ref, whole_lines=True)
    if len(found) == len(wanted):
        span.indents, span.rows = indent_pairs(wanted, found)
    else:  # sizes differ: only the anchors pair up for sure
        span.indents = indent_pairs([wanted[0], wanted[-1]], [found[0], found[-1]])[0]
    return span


def substring_span(view: FileView, start: int, end: int, strategy: str, ref: str, reindent: bool = False) -> Span:
    """A span inside lines, for a request whose outer whitespace was trimmed off."""
    body = ref.strip()
    lead, tail = ref[: len(ref) - len(ref.lstrip())], ref[len(ref.rstrip()) :]
    span = Span(start, end, strategy, ref)
    first, last = view.line_of(start) - 1, view.line_of(end - 1) - 1
    starts_line = not view.text[view.starts[first] : start].strip()
    wanted = body.split("\n")
    if reindent and starts_line and last - first + 1 == len(wanted):
        wanted[0] = lead.rsplit("\n", 1)[-1] + wanted[0]
        span.indents, span.rows = indent_pairs(wanted, view.lines[first : last + 1])
    span.lead, span.tail = lead, tail
    return span


def occurrences(text: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``text``, overlapping ones included."""
    found, pos = [], text.find(needle)
    while pos != -1:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def similarity(view: FileView, a: str, b: str, budget: Budget | None = None) -> float:
    """How alike two stripped lines are (0..1): the Dice coefficient of their bigrams."""
    if a == b:
        return 1.0
    x, y = _bigrams(view, a, budget), _bigrams(view, b, budget)
    return 2 * len(x & y) / (len(x) + len(y))


def _bigrams(view: FileView, text: str, budget: Budget | None) -> frozenset[str]:
    grams = view.bigrams.get(text)
    if grams is None:
        if budget is not None:
            budget.spend(BIGRAM_CHAR * len(text) + CANDIDATE)
        grams = frozenset(text[i : i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset((text,))
        view.bigrams[text] = grams
    return grams


# -- the strategies -----------------------------------------------------------------


def exact(view: FileView, request: str, budget: Budget) -> list[Span]:
    return [Span(pos, pos + len(request), "exact", request) for pos in occurrences(view.text, request)]


def line_trimmed(view: FileView, request: str, budget: Budget, strategy: str = "line-trimmed") -> list[Span]:
    lines, ends = request_lines(request)
    wanted = [line.strip() for line in lines]
    size, spans = len(wanted), []
    for first in view.positions(wanted[0]):
        if first + size > len(view.lines):
            break
        budget.spend(CANDIDATE + size)
        if view.stripped[first : first + size] == wanted:
            spans.append(line_span(view, first, first + size - 1, ends, strategy, request, lines))
    return spans


def block_anchor(view: FileView, request: str, budget: Budget) -> list[Span]:
    lines, ends = request_lines(request)
    size = len(lines)
    head, foot = lines[0].strip(), lines[-1].strip()
    if size < 3 or not head or not foot:
        return []
    middle = [line.strip() for line in lines[1:-1]]
    more, fewer = max(1, size // 4), max(1, size // 5)
    feet = view.positions(foot)
    spans = []
    for first in view.positions(head):
        budget.spend(CANDIDATE)
        lo = bisect_left(feet, first + max(2, size - fewer) - 1)
        hi = bisect_right(feet, first + size + more - 1)
        best: tuple[float, int] | None = None
        for last in feet[lo:hi]:  # the best-scoring end, then the closest in size
            score = _middle_score(view, middle, view.stripped[first + 1 : last], budget)
            key = (score, -abs(last - first + 1 - size))
            if score >= BLOCK_THRESHOLD and (best is None or key > best):
                best, best_last = key, last
        if best is not None:
            spans.append(line_span(view, first, best_last, ends, "block-anchor", request, lines))
    return spans


def _middle_score(view: FileView, wanted: list[str], found: list[str], budget: Budget) -> float:
    """How alike two runs of stripped lines are (0..1), or 0 as soon as it cannot pass.

    Equal leading and trailing lines count 1 each; the lines between are paired in
    order and count their similarity (an added or dropped line counts 0).
    """
    total = len(wanted) + len(found)
    budget.spend(CANDIDATE + total)
    if wanted == found:
        return 1.0
    shortest = min(len(wanted), len(found))
    head = 0
    while head < shortest and wanted[head] == found[head]:
        head += 1
    tail = 0
    while tail < shortest - head and wanted[-1 - tail] == found[-1 - tail]:
        tail += 1
    budget.spend(LINE_SCAN * (head + tail))
    credit, left = float(head + tail), shortest - head - tail
    needed = BLOCK_THRESHOLD * total / 2
    for a, b in zip(wanted[head : len(wanted) - tail], found[head : len(found) - tail]):
        if credit + left < needed:
            return 0.0
        budget.spend(SIMILAR)
        credit += similarity(view, a, b, budget)
        left -= 1
    return 2 * credit / total


def whitespace_normalized(view: FileView, request: str, budget: Budget) -> list[Span]:
    wanted = " ".join(request.split())
    norm, norm_starts, starts = _normalized(view)
    budget.spend(LINE_SCAN * len(view.lines))

    def original(pos: int) -> int:
        token = bisect_right(norm_starts, pos) - 1
        return starts[token] + pos - norm_starts[token]

    spans = []
    for pos in occurrences(norm, wanted):
        budget.spend(CANDIDATE)
        start, end = original(pos), original(pos + len(wanted) - 1) + 1
        spans.append(substring_span(view, start, end, "whitespace-normalized", request, reindent=True))
    return spans


def _normalized(view: FileView) -> tuple[str, list[int], list[int]]:
    """The text with whitespace runs as single spaces, and where each token came from."""
    if view.normalized is None:
        import re

        tokens, norm_starts, starts, pos = [], [], [], 0
        for match in re.finditer(r"\S+", view.text):
            token = match.group()
            tokens.append(token)
            norm_starts.append(pos)
            starts.append(match.start())
            pos += len(token) + 1
        view.normalized = (" ".join(tokens), norm_starts, starts)
    return view.normalized


def indentation_flexible(view: FileView, request: str, budget: Budget) -> list[Span]:
    lines, ends = request_lines(request)
    wanted, stripped = _dedent(lines), [line.strip() for line in lines]
    size, spans = len(wanted), []
    for first in view.positions(stripped[0]):
        if first + size > len(view.lines):
            break
        budget.spend(CANDIDATE + size)
        if view.stripped[first : first + size] != stripped:
            continue
        budget.spend(LINE_SCAN * size)
        if _dedent(view.lines[first : first + size]) == wanted:
            spans.append(line_span(view, first, first + size - 1, ends, "indentation-flexible", request, lines))
    return spans


def _dedent(lines: list[str]) -> list[str]:
    """Lines without the indentation they all share (blank lines become empty)."""
    indents = [indent_of(line) for line in lines if line.strip()]
    common = min(indents, key=len) if indents else ""
    while common and not all(indent.startswith(common) for indent in indents):
        common = common[:-1]
    return [line[len(common) :].rstrip() if line.strip() else "" for line in lines]


def trimmed_boundary(view: FileView, request: str, budget: Budget) -> list[Span]:
    body = request.strip()
    if body == request:
        return []
    return [substring_span(view, pos, pos + len(body), "trimmed-boundary", request) for pos in occurrences(view.text, body)]


def context_aware(view: FileView, request: str, budget: Budget) -> list[Span]:
    lines, ends = request_lines(request)
    wanted = [line.strip() for line in lines]
    size = len(wanted)
    if size < 3 or not wanted[0] or not wanted[-1]:
        return []
    needed = (size - 1) // 2  # at least half of the size - 2 middle lines, rounded up
    spans = []
    for first in view.positions(wanted[0]):
        last = first + size - 1
        if last >= len(view.lines):
            break
        budget.spend(CANDIDATE)
        if view.stripped[last] != wanted[-1]:
            continue
        budget.spend(size)
        same = sum(map(str.__eq__, wanted[1:-1], view.stripped[first + 1 : last]))
        if same >= needed:
            spans.append(line_span(view, first, last, ends, "context-aware", request, lines))
    return spans


STRATEGIES: tuple[tuple[str, Callable[[FileView, str, Budget], list[Span]]], ...] = (
    ("exact", exact),
    ("line-trimmed", line_trimmed),
    ("block-anchor", block_anchor),
    ("whitespace-normalized", whitespace_normalized),
    ("indentation-flexible", indentation_flexible),
    ("escape-normalized", escape_normalized),
    ("trimmed-boundary", trimmed_boundary),
    ("context-aware", context_aware),
)
