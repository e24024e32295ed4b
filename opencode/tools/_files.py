"""Helpers the file tools share: splitting lines exactly, finding a file's near names,
reading and replacing files safely with clear errors (the mechanism is ``fsutil``'s)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import FileMissing, OpencodeError, ToolError
from ..fsutil import ABSENT, BINARY_SAMPLE, FileChanged, Folder, FolderBusy, NotRegularFile, looks_binary, stamp


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


def file_error(exc: OSError, path: Path, shown: str, cwd: Path, verb: str) -> OpencodeError:
    """The clear, one-line error for what the file system said when ``verb``-ing ``path``."""
    if isinstance(exc, NotRegularFile):
        if exc.kind == "a directory":
            return ToolError(f"{shown} is a directory, not a file", hint="use `ls` to list a directory")
        return ToolError(f"{shown} is {exc.kind}, not a regular file; refusing to {verb} it")
    if isinstance(exc, FileChanged):
        return ToolError(
            f"{shown} changed since it was read (another program wrote it meanwhile); nothing was written",
            hint=f"read {shown} again and retry",
        )
    if isinstance(exc, FolderBusy):
        return ToolError(f"cannot {verb} {shown}: {exc}")
    if isinstance(exc, FileNotFoundError):
        return missing(path, shown, cwd)
    if exc.errno == errno.ELOOP:
        return ToolError(f"cannot {verb} {shown}: a folder on its path became a symbolic link after the path was checked")
    if exc.errno == errno.ENOTDIR:
        return ToolError(f"cannot {verb} {shown}: a part of its path is not a folder")
    if isinstance(exc, PermissionError):
        return ToolError(f"cannot {verb} {shown}: permission denied by the file system")
    return ToolError(f"cannot {verb} {shown}: {exc.strerror or exc}")


def read_file(path: Path, shown: str, cwd: Path) -> bytes:
    """The bytes of a regular file, read through its folder opened without following
    links; a clear error for a missing file, a folder, a FIFO, a socket or a device."""
    if not path.name:
        raise ToolError(f"{shown} is a directory, not a file", hint="use `ls` to list a directory")
    try:
        with Folder(path.parent) as folder:
            return folder.read(path.name)[0]
    except OSError as exc:
        raise file_error(exc, path, shown, cwd, "read") from None


def read_text_file(path: Path, shown: str, cwd: Path) -> bytes:
    """The bytes of a text file, or a clear error for anything else (binary too)."""
    data = read_file(path, shown, cwd)
    if looks_binary(data[:BINARY_SAMPLE]):
        raise ToolError(f"{shown} is a binary file; read shows text files only")
    return data


class ChangingFile:
    """One file a tool reads and then replaces: under its folder's writer lock, through
    the folder opened without following links, replaced only if still what was read
    (see ``fsutil``). ``create`` makes missing parent folders (for new files).

    ``with ChangingFile(path, shown, cwd, "edit") as file: new = f(file.read()); file.replace(new)``
    """

    def __init__(self, path: Path, shown: str, cwd: Path, verb: str, *, create: bool = False) -> None:
        self.path, self.shown, self.cwd, self.verb, self.create = path, shown, cwd, verb, create
        self.folder: Folder | None = None
        self.expected: tuple = ABSENT

    def __enter__(self) -> ChangingFile:
        if not self.path.name:
            raise ToolError(f"{self.shown} is a directory, not a file")
        try:
            self.folder = Folder(self.path.parent, create=self.create)
            self.folder.lock()
        except OSError as exc:
            self.__exit__()
            raise self._error(exc) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.folder is not None:
            self.folder.close()

    def _error(self, exc: OSError) -> OpencodeError:
        return file_error(exc, self.path, self.shown, self.cwd, self.verb)

    def status(self) -> os.stat_result | None:
        """The file's own status (a link not followed); None when there is none."""
        assert self.folder is not None
        try:
            return self.folder.status(self.path.name)
        except OSError as exc:
            raise self._error(exc) from None

    def read(self, missing_ok: bool = False) -> bytes | None:
        """The file's bytes (None for no file, when ``missing_ok``); what ``replace`` expects."""
        assert self.folder is not None
        try:
            data, status = self.folder.read(self.path.name)
        except FileNotFoundError:
            if missing_ok:
                self.expected = ABSENT
                return None
            raise missing(self.path, self.shown, self.cwd) from None
        except OSError as exc:
            raise self._error(exc) from None
        self.expected = stamp(status)
        return data

    def replace(self, data: bytes) -> None:
        """Write ``data`` atomically, if the file is still what ``read`` saw."""
        assert self.folder is not None
        try:
            self.folder.replace(self.path.name, data, expect=self.expected)
        except FileNotFoundError:
            raise ToolError(f"cannot {self.verb} {self.shown}: its folder was removed meanwhile; nothing was written") from None
        except OSError as exc:
            raise self._error(exc) from None
