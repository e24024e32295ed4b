"""Escape sequences in ``edit`` requests: reading them, and writing ``new_string`` back.

Code quoted through JSON loses or gains a level of escaping: a model sends ``\\"`` for
a quote, or the two characters ``\\n`` for a newline, or, the other way round, a real
newline where the file's string literal holds ``\\n``. The escape-normalized strategy
tries two readings, in order:

1. The request's escapes read as characters, found in the file as it is. New text
   gets the same reading (``READ_ALL``): the model escaped everything once too often.
2. Both read as characters: the request and the file are equal once every escape in
   either is read (``\\n`` and a newline, ``\\"`` and ``"``, are then the same). Here the
   file itself holds escapes, so ``new_string`` must be written the way the file
   writes what ``old_string`` wrote (``FileForms``): what it shares with
   ``old_string`` takes the file's form character by character, and an escape or
   quote it adds takes the form the file gave that character in ``old_string``. A
   newline or tab it adds stays as sent: it is far more often a line break or
   indentation than a string's escape.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from difflib import SequenceMatcher

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._match import Budget, FileView
    from ._match_strategies import Span

    #: (text as written, the character it stands for or "" for plain text, escaped?)
    Token = tuple[str, str, bool]

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "`": "`", "\\": "\\", "$": "$"}
LETTERS = {char: letter for letter, char in ESCAPES.items()}
_SPACES = "\n\t\r"
_TOKEN = re.compile(r"""\\[ntr'"`\\$]|[\n\t\r'"`\\$]|[^\n\t\r'"`\\$]+""")


def decode(text: str) -> tuple[str, list[int]]:
    """``text`` with its escapes read as characters, and where in the result each
    character that came from an escape sequence stands (ascending)."""
    if "\\" not in text:
        return text, []
    out, escapes, pos = [], [], 0
    found = text.find("\\")
    while found != -1:
        if found + 1 < len(text) and text[found + 1] in ESCAPES:
            out += [text[pos:found], ESCAPES[text[found + 1]]]
            escapes.append(found - len(escapes))
            pos = found + 2
            found = text.find("\\", pos)
        else:
            found = text.find("\\", found + 1)
    out.append(text[pos:])
    return "".join(out), escapes


def unescape(text: str) -> str:
    """``text`` with backslash escapes read as the characters they stand for."""
    return decode(text)[0]


def tokens(text: str) -> list[Token]:
    """``text`` as escape sequences, characters that could be escaped, and runs of others."""
    found = []
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece[0] == "\\" and len(piece) == 2:
            found.append((piece, ESCAPES[piece[1]], True))
        else:
            found.append((piece, piece if len(piece) == 1 and piece in LETTERS else "", False))
    return found


class ReadAll:
    """Reading 1: ``new_string``'s escapes are read as characters, like the request's."""

    def fit(self, new: str) -> str:
        return unescape(new)

    def as_read(self, found: str) -> str:
        """The file's text as this reading compared it: as it is."""
        return found


READ_ALL = ReadAll()


class FileForms:
    """Reading 2: how the file writes each character of ``old_string`` (escaped or
    not), and ``new_string`` written the same way."""

    def __init__(self, request: list[Token], file_escaped: set[int]) -> None:
        self.request: list[tuple[Token, bool | None]] = []
        seen: dict[tuple[str, bool], bool | None] = {}
        plain = 0
        for token in request:
            form = None
            if token[1]:
                form = plain in file_escaped
                key = (token[1], token[2])
                seen[key] = form if seen.get(key, form) == form else None
            self.request.append((token, form))
            plain += len(token[0]) if not token[1] else 1
        self.by_char = seen

    def as_read(self, found: str) -> str:
        """The file's text as this reading compared it: its escapes read."""
        return unescape(found)

    def fit(self, new: str) -> str:
        """``new`` written the file's way: lines it shares with the request (in order)
        and the common start and end of lines paired up take the file's forms."""
        old_lines, new_lines = _lines(self.request), _lines([(token, None) for token in tokens(new)])
        keys = ["".join(t[0] for t, _ in line) for line in old_lines], ["".join(t[0] for t, _ in line) for line in new_lines]
        out = []
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, *keys, autojunk=False).get_opcodes():
            paired = old_lines[i1:i2] if tag in ("equal", "replace") else []
            for number, line in enumerate(new_lines[j1:j2]):
                out.append(self._line([t for t, _ in line], paired[number] if number < len(paired) else []))
        return "".join(out)

    def _line(self, line: list[Token], old: list[tuple[Token, bool | None]]) -> str:
        head = 0
        while head < min(len(line), len(old)) and line[head] == old[head][0]:
            head += 1
        tail = 0
        while tail < min(len(line), len(old)) - head and line[-1 - tail] == old[-1 - tail][0]:
            tail += 1
        pieces = []
        for index, token in enumerate(line):
            if index < head:
                form = old[index][1]
            elif index >= len(line) - tail:
                form = old[index - len(line)][1]
            else:
                form = self._guess(token)
            pieces.append(_write(token, form))
        return "".join(pieces)

    def _guess(self, token: Token) -> bool | None:
        if not token[1] or (token[1] in _SPACES and not token[2]):
            return None
        return self.by_char.get((token[1], token[2]))


def _lines(request: list[tuple[Token, bool | None]]) -> list[list[tuple[Token, bool | None]]]:
    """Tokens split after each newline written as one (not as an escape)."""
    lines: list[list[tuple[Token, bool | None]]] = [[]]
    for item in request:
        lines[-1].append(item)
        if item[0][0] == "\n":
            lines.append([])
    return lines if lines[-1] else lines[:-1]


def _write(token: Token, escaped: bool | None) -> str:
    if escaped is None or escaped == token[2]:
        return token[0]
    return "\\" + LETTERS[token[1]] if escaped else token[1]


def escape_normalized(view: FileView, request: str, budget: Budget) -> list[Span]:
    """Reading 1 (found exactly, else line-trimmed), else reading 2."""
    from ._match_strategies import line_trimmed, occurrences
    from ._match_strategies import Span as Found

    plain = unescape(request)
    if not plain.strip():
        return []
    spans: list[Span] = []
    if plain != request:
        spans = [Found(pos, pos + len(plain), "escape-normalized", plain) for pos in occurrences(view.text, plain)]
        spans = spans or line_trimmed(view, plain, budget, strategy="escape-normalized")
        for span in spans:
            span.escapes = READ_ALL
    return spans or _in_decoded_file(view, request, plain, budget)


def _in_decoded_file(view: FileView, request: str, plain: str, budget: Budget) -> list[Span]:
    """Reading 2: where the file, its escapes read, holds ``plain``."""
    from ._match_strategies import CANDIDATE, LINE_SCAN, occurrences
    from ._match_strategies import Span as Found

    if "\\" not in view.text:
        return []
    if view.decoded is None:
        budget.spend(LINE_SCAN * len(view.lines))
        view.decoded = decode(view.text)
    text, escapes = view.decoded
    request_tokens: list[Token] | None = None
    spans = []
    for pos in occurrences(text, plain):
        budget.spend(CANDIDATE + LINE_SCAN * plain.count("\n"))
        lo, hi = bisect_left(escapes, pos), bisect_left(escapes, pos + len(plain))
        if lo == hi:  # no escape of the file's there: reading 1 or exact would have found it
            continue
        request_tokens = request_tokens if request_tokens is not None else tokens(request)
        span = Found(pos + lo, pos + len(plain) + hi, "escape-normalized", plain)
        span.escapes = FileForms(request_tokens, {at - pos for at in escapes[lo:hi]})
        spans.append(span)
    return spans
