"""Paths inside the project that no agent changes without a person's say.

``.git/`` holds what git runs (``core.fsmonitor``, ``core.pager``, hooks): a model that
edits ``.git/config`` can make the next allowed ``git status`` run anything. The
project's own ``opencode.toml`` and ``.opencode/`` decide the agent's permissions and
prompts, and the session folders its memory. So a change to any of them is an ask;
``.git/config`` and ``.git/hooks/`` are never changed without a grant that names them
(``--allow 'edit:.git/config'``): neither ``--yes`` nor a grant of the whole tool will
do.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from ..paths import is_within

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable

ASK, NAMED = "ask", "named"


class ProtectedPaths:
    """The protected places of the project at ``root``; ``extra`` adds folders (the
    session folders)."""

    def __init__(self, root: Path, extra: Iterable[Path] = ()) -> None:
        self.root = Path(root).resolve()
        git = self.root / ".git"
        self.named = [git / "config", git / "hooks"]
        self.asked = [git, self.root / ".opencode", self.root / "opencode.toml", *(Path(p).resolve() for p in extra)]

    def level(self, path: Path) -> str | None:
        """``named`` (only a grant naming it), ``ask``, or None for an ordinary path."""
        if any(is_within(path, place) for place in self.named):
            return NAMED
        if any(is_within(path, place) for place in self.asked):
            return ASK
        return None

    def relative(self, path: Path) -> str:
        """The path as a grant names it: relative to the project root."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def names(grant_pattern: str, relative: str) -> bool:
    """Whether a grant's pattern names this protected path itself (not ``*``)."""
    import fnmatch

    pattern = posixpath.normpath(grant_pattern)
    return pattern not in ("*", ".") and fnmatch.fnmatchcase(relative, pattern)
