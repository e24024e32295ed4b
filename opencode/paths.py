"""Where the project is, and which paths a tool may touch.

Every path a tool receives goes through ``PathPolicy.resolve``: it is made absolute
against the working directory, symlinks are followed, and the result must lie inside
the project root (or a directory the user allowed in ``[permissions]``). This is the
one place that decides; tools never compare paths themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import PermissionDenied

ROOT_MARKERS = (".git", "opencode.toml")


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``.git`` or ``opencode.toml``.

    Without either marker the start directory itself is the project.
    """
    start = start.resolve()
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return start


def is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class PathPolicy:
    """The project root plus what ``[permissions]`` allows beyond it.

    ``external`` is the ``external_directory`` setting: ``deny`` (default), ``allow``,
    or ``ask`` (a denial wherever nobody can be asked). ``allowed`` are extra
    directories (``allowed_paths``) that are always fine.
    """

    def __init__(self, root: Path, cwd: Path, external: str = "deny", allowed: list[Path] | None = None) -> None:
        self.root = root.resolve()
        self.cwd = cwd
        self.external = external
        self.allowed = [p.expanduser().resolve() for p in allowed or ()]

    def absolute(self, raw: str | os.PathLike[str]) -> Path:
        """``raw`` made absolute against the working directory, symlinks followed."""
        path = Path(os.path.expanduser(os.fspath(raw)))
        if not path.is_absolute():
            path = self.cwd / path
        return path.resolve()

    def absolute_unresolved(self, raw: str | os.PathLike[str]) -> Path:
        """``raw`` made absolute without following a final symlink (for removing links)."""
        path = Path(os.path.expanduser(os.fspath(raw)))
        if not path.is_absolute():
            path = self.cwd / path
        return path.parent.resolve() / path.name

    def inside(self, path: Path) -> bool:
        return is_within(path, self.root) or any(is_within(path, a) for a in self.allowed)

    def resolve(self, raw: str | os.PathLike[str]) -> Path:
        """The checked absolute path, or ``PermissionDenied`` when it leaves the project."""
        path = self.absolute(raw)
        if self.inside(path) or self.external == "allow":
            return path
        raise PermissionDenied(
            f"{raw} is outside the project ({self.root})",
            hint='allow it with [permissions] external_directory = "allow" '
            "or allowed_paths = [...] in opencode.toml",
            path=str(path),
        )

    def display(self, path: Path) -> str:
        """A path as people like to read it: relative to the working directory if below it."""
        try:
            return os.path.relpath(path, self.cwd) if is_within(path, self.cwd) else str(path)
        except ValueError:
            return str(path)
