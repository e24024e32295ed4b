"""What every editing tool shares: loading a text file, the read-before-edit rule, and
writing the result back with the file's own BOM and line endings.

The tools read and write inside a ``ChangingFile`` (``_files``): the folder's writer
lock is held from reading the file to replacing it, so two editors of one file never
lose a change between them, and the replacement happens only if the file is still
what was read.

The matching engine sees LF text without a BOM. ``TextDoc`` remembers what to restore:
the UTF-8 BOM, and the dominant line ending, which new lines get. Lines the edit does
not touch keep their exact bytes, even in a file with mixed endings, because the
engine's offsets are mapped back onto the original text. Undecodable bytes survive as
well (surrogate escapes), so an edit never rewrites what it did not match.
"""

from __future__ import annotations

import stat
from bisect import bisect_left

from ..errors import ToolError
from ..fsutil import BINARY_SAMPLE, content_stamp, decode, looks_binary
from ._diff import unified
from ._files import ChangingFile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .base import ToolContext

BOM = "\ufeff"


def text_bytes(data: bytes, shown: str) -> bytes:
    """``data``, or a clear error when it is a binary file's."""
    if looks_binary(data[:BINARY_SAMPLE]):
        raise ToolError(f"{shown} is a binary file; only text files can be edited")
    return data


def require_fresh_read(ctx: ToolContext, path: Path, shown: str, data: bytes) -> None:
    """In an agent session, the model must have read the file as it is now (``data``)."""
    if ctx.read_files is None:
        return
    seen = ctx.read_files.get(str(path))
    if seen is None:
        raise ToolError(f"read {shown} before editing it", hint=f"use the read tool on {shown} first")
    if seen != content_stamp(data):
        raise ToolError(f"{shown} changed since it was last read; read it again before editing it")


def note_written(ctx: ToolContext, path: Path, data: bytes) -> None:
    """What the model wrote counts as read: it knows the file's content."""
    if ctx.read_files is not None:
        ctx.read_files[str(path)] = content_stamp(data)


class TextDoc:
    """A file's text as the engine sees it (LF, no BOM), and how to turn it back."""

    __slots__ = ("raw", "bom", "newline", "original")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        text = raw.decode("utf-8", "surrogateescape")
        self.bom = text.startswith(BOM)
        self.original = text[1:] if self.bom else text
        crlf = self.original.count("\r\n")
        self.newline = "\r\n" if crlf and crlf >= self.original.count("\n") - crlf else "\n"

    def encode(self, text: str) -> bytes:
        try:
            return ((BOM if self.bom else "") + text).encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raise ToolError("the new text has characters that cannot be written as UTF-8") from None


def edit_text(text: str, newline: str, old: str, new: str, replace_all: bool, name: str) -> tuple[str, str, int]:
    """One edit of ``text`` (original endings): (new text, strategy, replacements).

    The request is matched against the LF form; the spans found are mapped back onto
    ``text`` and the replacement gets the file's ``newline``.
    """
    from ._match import FileView, locate, replacement

    lf = text.replace("\r\n", "\n")
    crs = crlf_positions(text) if len(lf) != len(text) else []
    old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
    view = FileView(lf)
    strategy, spans = locate(view, old, replace_all, name)
    pieces, cursor = [], 0
    for span in spans:
        start, end = span.start + bisect_left(crs, span.start), span.end + bisect_left(crs, span.end)
        fitted = new if strategy == "exact" else replacement(new, span)
        pieces += [text[cursor:start], fitted.replace("\n", newline) if newline != "\n" else fitted]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), strategy, len(spans)


def crlf_positions(text: str) -> list[int]:
    """Where, in the LF form of ``text``, each newline that was a CRLF now stands."""
    found, pos = [], text.find("\r\n")
    while pos != -1:
        found.append(pos - len(found))
        pos = text.find("\r\n", pos + 2)
    return found


def diff_stats(old: bytes, new: bytes, name: str) -> dict[str, Any]:
    diff, added, removed = unified(decode(old), decode(new), name)
    return {"diff": diff, "added": added, "removed": removed}


def save(ctx: ToolContext, target: ChangingFile, old: bytes | None, new: bytes) -> dict[str, Any]:
    """Write ``new`` over the target (only if it differs from ``old``; None: no file
    yet) and return the diff facts."""
    if new != old:
        target.replace(new)
    note_written(ctx, target.path, new)
    return diff_stats(old or b"", new, target.shown)


def create(ctx: ToolContext, path: Path, shown: str, content: str) -> dict[str, Any]:
    """A new file from an empty ``old_string``; an existing one is an error."""
    data = content.encode("utf-8", "surrogateescape")
    with ChangingFile(path, shown, ctx.cwd, "create", create=True) as target:
        status = target.status()
        if status is not None:
            kind = "directory" if stat.S_ISDIR(status.st_mode) else "file"
            raise ToolError(
                f"{shown} already exists ({kind}); an empty old_string only creates new files",
                hint="give the text to replace as old_string, or use write to replace the whole file",
            )
        return save(ctx, target, None, data)


def summary(verb: str, shown: str, stats: dict[str, Any], detail: str = "") -> str:
    return f"{verb} {shown}{detail} (+{stats['added']} -{stats['removed']})"
