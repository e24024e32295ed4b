"""What every editing tool shares: loading a text file, the read-before-edit rule, and
writing the result back with the file's own BOM and line endings.

The matching engine sees LF text without a BOM. ``TextDoc`` remembers what to restore:
the UTF-8 BOM, and the dominant line ending, which new lines get. Lines the edit does
not touch keep their exact bytes, even in a file with mixed endings, because the
engine's offsets are mapped back onto the original text. Undecodable bytes survive as
well (surrogate escapes), so an edit never rewrites what it did not match.
"""

from __future__ import annotations

from bisect import bisect_left

from ..errors import ToolError
from ..fsutil import BINARY_SAMPLE, atomic_write, decode, looks_binary
from ._diff import unified
from ._files import missing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .base import ToolContext

BOM = "\ufeff"


def load_bytes(path: Path, shown: str, ctx: ToolContext) -> bytes:
    """A text file's bytes, or a clear error for a folder, a missing or binary file."""
    if path.is_dir():
        raise ToolError(f"{shown} is a directory, not a file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise missing(path, shown, ctx.cwd) from None
    except OSError as exc:
        raise ToolError(f"cannot read {shown}: {exc.strerror}") from None
    if looks_binary(data[:BINARY_SAMPLE]):
        raise ToolError(f"{shown} is a binary file; only text files can be edited")
    return data


def require_fresh_read(ctx: ToolContext, path: Path, shown: str) -> None:
    """In an agent session, the model must have read the file as it is now."""
    if ctx.read_files is None:
        return
    seen = ctx.read_files.get(str(path))
    if seen is None:
        raise ToolError(f"read {shown} before editing it", hint=f"use the read tool on {shown} first")
    if path.stat().st_mtime != seen:
        raise ToolError(f"{shown} changed since it was last read; read it again before editing it")


def note_written(ctx: ToolContext, path: Path) -> None:
    if ctx.read_files is not None:
        ctx.read_files[str(path)] = path.stat().st_mtime


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


def write_file(path: Path, data: bytes, shown: str) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise ToolError(f"cannot write {shown}: {exc.strerror}") from None


def save(ctx: ToolContext, path: Path, shown: str, old: bytes, new: bytes) -> dict[str, Any]:
    """Write ``new`` over ``path`` (only if it differs) and return the diff facts."""
    if new != old or not path.exists():
        write_file(path, new, shown)
    note_written(ctx, path)
    return diff_stats(old, new, shown)


def create(ctx: ToolContext, path: Path, shown: str, content: str) -> dict[str, Any]:
    """A new file from an empty ``old_string``; an existing one is an error."""
    if path.exists():
        kind = "directory" if path.is_dir() else "file"
        raise ToolError(
            f"{shown} already exists ({kind}); an empty old_string only creates new files",
            hint="give the text to replace as old_string, or use write to replace the whole file",
        )
    data = content.encode("utf-8", "surrogateescape")
    write_file(path, data, shown)
    note_written(ctx, path)
    return diff_stats(b"", data, shown)


def summary(verb: str, shown: str, stats: dict[str, Any], detail: str = "") -> str:
    return f"{verb} {shown}{detail} (+{stats['added']} -{stats['removed']})"
