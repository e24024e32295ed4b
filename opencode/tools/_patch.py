"""The codex patch format: parsing it leniently, and applying one file's hunks in memory.

    *** Begin Patch
    *** Add File: path          (then every line prefixed with +)
    *** Delete File: path
    *** Update File: path
    *** Move to: new/path       (optional)
    @@ def context():           (optional context line; the first hunk may omit @@)
     context line
    -removed line
    +added line
    *** End of File             (optional: the hunk ends at the end of the file)
    *** End Patch

Models write this format from memory, so parsing forgives what codex forgives: marker
lines with surrounding whitespace, a patch wrapped in a shell heredoc (one a shell
would read: quotes that pair up, its delimiter on the last line), a first hunk
without ``@@``, blank lines that lost their leading space. Hunks are located in order,
each from where the previous one ended, comparing lines exactly, then without trailing
whitespace, then stripped, then with typographic punctuation made ASCII. Nothing here
touches the disk: ``apply_patch`` validates the whole patch before writing any of it.
"""

from __future__ import annotations

from bisect import bisect_left

from ..errors import ToolError
from ._files import split_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

BEGIN, END = "*** Begin Patch", "*** End Patch"
ADD, DELETE, UPDATE, MOVE = "*** Add File:", "*** Delete File:", "*** Update File:", "*** Move to:"
END_OF_FILE = "*** End of File"


class Hunk:
    """One ``@@`` section: context lines to seek first, then (op, text) lines."""

    __slots__ = ("contexts", "lines", "eof", "number")

    def __init__(self, number: int, context: str | None) -> None:
        self.number = number
        self.contexts = [context] if context else []
        self.lines: list[tuple[str, str]] = []
        self.eof = False

    @property
    def old(self) -> list[str]:
        return [text for op, text in self.lines if op != "+"]


class FileOp:
    """One file section of a patch: ``add`` (with ``lines``), ``delete`` or ``update``."""

    __slots__ = ("kind", "path", "move_to", "lines", "hunks")

    def __init__(self, kind: str, path: str) -> None:
        self.kind, self.path = kind, path
        self.move_to: str | None = None
        self.lines: list[str] = []
        self.hunks: list[Hunk] = []


# -- parsing ------------------------------------------------------------------------


def parse(patch: str) -> list[FileOp]:
    """The file operations of a patch, or a ToolError naming the line that is wrong."""
    lines = _unwrap(patch.replace("\r\n", "\n").split("\n"))
    if not lines or lines[0].strip() != BEGIN:
        raise ToolError(f"the patch must start with '{BEGIN}'", hint=_FORMAT_HINT)
    if len(lines) < 2 or lines[-1].strip() != END:
        raise ToolError(f"the patch must end with '{END}'", hint=_FORMAT_HINT)
    ops: list[FileOp] = []
    body, index = lines[1:-1], 0
    while index < len(body):
        line = body[index].strip()
        index += 1
        if not line:
            continue
        kind = _file_marker(line)
        if kind is None:
            raise ToolError(f"patch line {index + 1}: expected '{ADD}', '{DELETE}' or '{UPDATE}', got {line[:80]!r}", hint=_FORMAT_HINT)
        op = FileOp(kind, _marker_value(line, kind, index + 1))
        if kind == "add":
            index = _parse_add(op, body, index)
        elif kind == "update":
            index = _parse_update(op, body, index)
        ops.append(op)
    if not ops:
        raise ToolError("the patch changes no files")
    return ops


_FORMAT_HINT = "format: *** Begin Patch / *** Update File: path / @@ / ' '-'-'+' lines / *** End Patch"
_KINDS = {ADD: "add", DELETE: "delete", UPDATE: "update"}


def _unwrap(lines: list[str]) -> list[str]:
    """The patch without blank edges and without a shell heredoc around it.

    A heredoc is unwrapped only when it is one a shell would read: its delimiter's
    quotes pair up and the last line is that delimiter. Anything else is an error
    rather than a guess at where the patch ends.
    """
    lines = _trim(lines)
    if not lines or "<<" not in lines[0] or lines[0].strip().startswith("***"):
        return lines
    opening = lines[0].strip()
    words = opening.split("<<", 1)[1].lstrip("-").split()
    delimiter = _delimiter(words[0]) if words else ""
    if delimiter is None:
        raise ToolError(f"the patch is wrapped in a heredoc whose quotes do not match: {opening!r}", hint=_HEREDOC_HINT)
    if not delimiter:
        return lines
    if len(lines) < 2 or lines[-1].strip() != delimiter:
        raise ToolError(f"the patch opens a heredoc <<{words[0]} that does not end with {delimiter}", hint=_HEREDOC_HINT)
    return _trim(lines[1:-1])


_HEREDOC_HINT = "send the patch alone, from '*** Begin Patch' to '*** End Patch', or wrap it in <<'EOF' ... EOF"


def _delimiter(word: str) -> str | None:
    """The delimiter a shell reads from a heredoc's word (quotes removed); None when a
    quote is left open, as in ``'EOF"``."""
    out, quote = [], ""
    for char in word:
        if quote:
            if char == quote:
                quote = ""
            else:
                out.append(char)
        elif char in "'\"":
            quote = char
        else:
            out.append(char)
    return None if quote else "".join(out)


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _file_marker(stripped: str) -> str | None:
    for marker, kind in _KINDS.items():
        if stripped.startswith(marker):
            return kind
    return None


def _marker_value(stripped: str, kind: str, number: int) -> str:
    marker = next(m for m, k in _KINDS.items() if k == kind)
    value = stripped[len(marker) :].strip()
    if not value:
        raise ToolError(f"patch line {number}: '{marker}' needs a path")
    return value


def _parse_add(op: FileOp, body: list[str], index: int) -> int:
    start = index
    while index < len(body) and _file_marker(body[index].strip()) is None:
        index += 1
    section = body[start:index]
    while section and not section[-1].strip():
        section.pop()  # blank lines before the next section belong to no file
    for number, line in enumerate(section, start=start + 2):
        if line.startswith("+"):
            op.lines.append(line[1:])
        elif line.strip():
            raise ToolError(f"{op.path}: patch line {number}: every line of an added file starts with '+', got {line[:80]!r}")
        else:
            op.lines.append("")
    return index


def _parse_update(op: FileOp, body: list[str], index: int) -> int:
    if index < len(body) and body[index].strip().startswith(MOVE):
        op.move_to = body[index].strip()[len(MOVE) :].strip() or None
        index += 1
    hunk: Hunk | None = None
    while index < len(body) and _file_marker(body[index].strip()) is None:
        line, number = body[index], index + 2
        index += 1
        if line.startswith("@@") or line.strip() == "@@":
            context = _hunk_context(line.strip()[2:].strip())
            if hunk is not None and not hunk.lines and not hunk.eof:
                hunk.contexts += [context] if context else []
            else:
                hunk = Hunk(len(op.hunks) + 1, context)
                op.hunks.append(hunk)
        elif line.strip() == END_OF_FILE:
            if hunk is None:
                raise ToolError(f"{op.path}: patch line {number}: '{END_OF_FILE}' outside a hunk")
            hunk.eof = True
        elif line[:1] in (" ", "-", "+") or not line:
            if hunk is None or hunk.eof:
                hunk = Hunk(len(op.hunks) + 1, None)
                op.hunks.append(hunk)
            hunk.lines.append((line[:1] or " ", line[1:]))
        elif not line.startswith("\\"):  # "\ No newline at end of file" says nothing here
            raise ToolError(f"{op.path}: patch line {number}: a hunk line starts with ' ', '-' or '+', got {line[:80]!r}", hint=_FORMAT_HINT)
    if not any(hunk.lines for hunk in op.hunks) and op.move_to is None:
        raise ToolError(f"{op.path}: '{UPDATE}' has no hunks")
    return index


def _hunk_context(text: str) -> str | None:
    """The context after ``@@``; a unified-diff range (``-1,3 +1,4 @@ f``) is dropped."""
    if text.startswith("-") and "@@" in text:
        text = text.split("@@", 1)[1].strip()
    return text or None


# -- applying -----------------------------------------------------------------------

_PUNCTUATION = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'),
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"),
    **dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " "),
    ord("\u2026"): "...",
}


def _ascii_punctuation(line: str) -> str:
    return line.translate(_PUNCTUATION).strip()


#: How hunk lines are compared with the file's, strictest first.
LEVELS: tuple[Callable[[str], str], ...] = (lambda s: s, str.rstrip, str.strip, _ascii_punctuation)


class Seeker:
    """Finds runs of lines in a file, trying each comparison level in turn.

    Each level's normalized lines are indexed by content, so finding a run costs the
    places its first line occurs, not the length of the file.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._forms: dict[int, tuple[list[str], dict[str, list[int]]]] = {}

    def find(self, wanted: list[str], start: int, at_end: bool = False) -> int | None:
        if not wanted:
            return start
        size = len(wanted)
        last = len(self.lines) - size
        if last < start:
            return None
        for level, norm in enumerate(LEVELS):
            forms, index = self._form(level)
            want = [norm(line) for line in wanted]
            if at_end and forms[last:] == want:
                return last
            places = index.get(want[0], [])
            for place in places[bisect_left(places, start) :]:
                if place > last:
                    break
                if forms[place : place + size] == want:
                    return place
        return None

    def _form(self, level: int) -> tuple[list[str], dict[str, list[int]]]:
        if level not in self._forms:
            forms = [LEVELS[level](line) for line in self.lines]
            index: dict[str, list[int]] = {}
            for number, form in enumerate(forms):
                index.setdefault(form, []).append(number)
            self._forms[level] = (forms, index)
        return self._forms[level]


def apply_hunks(text: str, hunks: list[Hunk], name: str, newline: str = "\n") -> str:
    """``text`` with the hunks applied, or a ToolError naming the hunk that missed.

    Lines the hunks keep or do not reach keep their exact text and ending; added lines
    end with ``newline``, and so does the file, as with codex (a last line without
    one gets one). A hunk of only added lines and no ``@@`` context goes at the end
    of the file without moving the search on, so the hunks after it are still
    found where they are (codex does the same).
    """
    lines = split_lines(text)
    seeker, cursor = Seeker([_body(line) for line in lines]), 0
    edits: list[tuple[int, int, list[tuple[str, str]]]] = []
    for hunk in hunks:
        for context in hunk.contexts:
            found = seeker.find([context], cursor)
            if found is None:
                raise ToolError(f"{name}: hunk {hunk.number}: context line not found: {context!r}", hint=_MISS_HINT)
            cursor = found + 1
        start, body = _locate(seeker, hunk, cursor, name)
        size = sum(1 for op, _ in body if op != "+")
        edits.append((start, size, body))
        if size or hunk.contexts:
            cursor = start + size
    for start, size, body in reversed(sorted(edits, key=lambda edit: edit[0])):  # stable: same place, patch order
        lines[start : start + size] = _splice(lines[start : start + size], body, newline)
    return _fix_endings(lines, newline)


_MISS_HINT = "read the file again; context and '-' lines must match it, hunks in file order"


def _body(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith("\n") else line


def _locate(seeker: Seeker, hunk: Hunk, cursor: int, name: str) -> tuple[int, list[tuple[str, str]]]:
    """Where the hunk's old lines are, and the hunk lines to apply there.

    A pure addition goes after its ``@@`` context line, else at the end of the file. A
    trailing blank context line the file does not have is dropped (it is usually the
    blank line between two sections of the patch).
    """
    body = hunk.lines
    while True:
        old = [text for op, text in body if op != "+"]
        if not old:
            return (cursor if hunk.contexts else len(seeker.lines)), body
        found = seeker.find(old, cursor, hunk.eof)
        if found is not None:
            return found, body
        if body[-1] != (" ", ""):
            break
        body = body[:-1]
    shown = "\n".join(f"  {line}" for line in hunk.old[:6]) + ("\n  ..." if len(hunk.old) > 6 else "")
    raise ToolError(
        f"{name}: hunk {hunk.number} does not match the file (searched from line {cursor + 1}); expected:\n{shown}",
        hint=_MISS_HINT,
    )


def _splice(window: list[str], body: list[tuple[str, str]], newline: str) -> list[str]:
    """The file's ``window`` rewritten by hunk lines: context kept as the file has it."""
    kept, out = iter(window), []
    for op, text in body:
        if op == " ":
            out.append(next(kept))
        elif op == "-":
            next(kept)
        else:
            out.append(text + newline)
    return out


def _fix_endings(lines: list[str], newline: str) -> str:
    """The lines joined, each ending with a newline (``newline`` where it had none)."""
    return "".join(line if line.endswith("\n") else line + newline for line in lines)
