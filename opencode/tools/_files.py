"""Helpers the file tools share: splitting lines exactly, finding a file's near names."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import FileMissing, ToolError
from ..fsutil import BINARY_SAMPLE, looks_binary


def split_lines(text: str) -> list[str]:
    """Lines with their endings kept, split on ``\\n`` only (``str.splitlines`` also
    splits on form feeds and Unicode separators, which would change the file)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def similar_names(path: Path, limit: int = 3) -> list[str]:
    """Up to ``limit`` names near ``path``'s in its folder (or the nearest existing one)."""
    import difflib

    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    wanted = path.name
    lowered = {n.lower(): n for n in names}
    picks = [lowered[wanted.lower()]] if wanted.lower() in lowered else []
    picks += difflib.get_close_matches(wanted, names, n=limit, cutoff=0.5)
    stem = Path(wanted).stem
    picks += [n for n in names if stem and Path(n).stem == stem]
    unique = list(dict.fromkeys(p for p in picks if p != wanted))[:limit]
    return [str(folder / name) for name in unique]


def missing(path: Path, shown: str, cwd: Path) -> FileMissing:
    suggestions = similar_names(path)
    if not suggestions:
        return FileMissing(f"file not found: {shown}")
    names = [os.path.relpath(s, cwd) if s.startswith(str(cwd)) else s for s in suggestions]
    return FileMissing(f"file not found: {shown}", hint=f"did you mean: {', '.join(names)}?", suggestions=names)


def read_text_file(path: Path, shown: str, cwd: Path) -> bytes:
    """The bytes of a text file, or a clear error for a missing file, a folder or binary."""
    if path.is_dir():
        raise ToolError(f"{shown} is a directory, not a file", hint="use `ls` to list a directory")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise missing(path, shown, cwd) from None
    except PermissionError:
        raise ToolError(f"cannot read {shown}: permission denied by the file system") from None
    except OSError as exc:
        raise ToolError(f"cannot read {shown}: {exc.strerror}") from None
    if looks_binary(data[:BINARY_SAMPLE]):
        raise ToolError(f"{shown} is a binary file; read shows text files only")
    return data
