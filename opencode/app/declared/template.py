"""The placeholders of a command's prompt, filled in without running anything.

A prompt is text with ``!`cmd``` spans in it. In the text, ``$ARGUMENTS`` becomes
the arguments joined by spaces and ``$1``..``$9`` one each (a missing one is empty);
``@path`` references are found afterwards (``file_refs``), so an argument may name a
file, which is then read through the ``read`` tool and its path rules like any other.

A ``!`cmd``` span is shell code, and arguments are data: they are put into it
shell-quoted (``shlex.quote``) wherever the span has them, bare or inside quotes, so
``; rm -rf ~``, ``$(...)`` and backticks in an argument stay inert words. The spans
are found in the template itself, once: nothing an argument, a file or a command's
output brings in is ever read as a span or a placeholder. Where the quoting of a span
cannot be followed by a plain left-to-right reading (after ``$(``, ``${``, ``$'``,
``<<``), a placeholder is refused rather than guessed at.
"""

from __future__ import annotations

import re
import shlex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

SHELL_SPAN = re.compile(r"!`([^`\n]+)`")
PLACEHOLDER = re.compile(r"\$(ARGUMENTS|[1-9])(?![0-9])")
#: ``@`` then a path-like word; not after a word character (``me@example.com``).
FILE_REF = re.compile(r"(?<![\w@/\\])@([\w.~/+-][^\s`'\"<>()\[\]{},;]*)")
_TRAILING = ".:!?"
#: Shell syntax after which a left-to-right quote reading no longer holds.
_OPAQUE = ("$(", "${", "$'", '$"', "<<")


class TemplateError(ValueError):
    """A span whose placeholders cannot be filled safely (the caller names the file)."""


def segments(template: str) -> list[tuple[str, str]]:
    """The template as ("text", ...) and ("shell", command) pieces, in order."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in SHELL_SPAN.finditer(template):
        if match.start() > position:
            pieces.append(("text", template[position : match.start()]))
        pieces.append(("shell", match.group(1)))
        position = match.end()
    if position < len(template):
        pieces.append(("text", template[position:]))
    return pieces


def uses_arguments(template: str) -> bool:
    return PLACEHOLDER.search(template) is not None


def fill_text(text: str, args: Sequence[str]) -> str:
    """``text`` with its placeholders replaced, in one pass (an argument holding
    ``$2`` stays as it is)."""
    return PLACEHOLDER.sub(lambda m: _value(m.group(1), args), text)


def _value(name: str, args: Sequence[str]) -> str:
    if name == "ARGUMENTS":
        return " ".join(args)
    index = int(name) - 1
    return args[index] if index < len(args) else ""


def fill_shell(command: str, args: Sequence[str]) -> str:
    """``command`` with its placeholders replaced by shell-quoted arguments.

    Quotes and backslashes are followed left to right: a bare ``$1`` becomes one
    quoted word (``$ARGUMENTS`` one word per argument, nothing when there are none);
    inside ``"..."`` or ``'...'`` the quotes are closed, the quoted word put in and the
    quotes reopened, so ``"x$1"`` is still one word. An escaped ``\\$1`` and anything
    after a ``#`` comment are left alone.
    """
    out: list[str] = []
    quote = ""  # the open quote, if any
    opaque = False
    index = 0
    while index < len(command):
        char = command[index]
        match = PLACEHOLDER.match(command, index) if char == "$" else None
        if match is not None:
            if opaque:
                raise TemplateError(f"a placeholder after $(, ${{, $' or << in !`{command}` cannot be quoted safely")
            out.append(_shell_value(match.group(1), args, quote))
            index = match.end()
            continue
        if quote != "'":
            if char == "\\":
                out.append(command[index : index + 2])
                index += 2
                continue
            if command.startswith(_OPAQUE, index):
                opaque = True
        if not quote and char == "#" and (index == 0 or command[index - 1] in " \t;&|("):
            out.append(command[index:])  # a comment: nothing in it is filled
            break
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        out.append(char)
        index += 1
    if quote:
        raise TemplateError(f"unbalanced {quote} in !`{command}`")
    return "".join(out)


def _shell_value(name: str, args: Sequence[str], quote: str) -> str:
    if not quote:
        if name == "ARGUMENTS":
            return " ".join(shlex.quote(arg) for arg in args)
        value = _value(name, args)
        return shlex.quote(value) if value else ""
    # Close the open quote, put the word in, reopen: the shell joins the three.
    return quote + shlex.quote(_value(name, args)) + quote


def file_refs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, path) of each ``@path`` in ``text``, trailing punctuation left out."""
    refs = []
    for match in FILE_REF.finditer(text):
        path = match.group(1).rstrip(_TRAILING)
        if path:
            refs.append((match.start(), match.start() + 1 + len(path), path))
    return refs
