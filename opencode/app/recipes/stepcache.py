"""The step cache: a recipe step is not run again when nothing it depends on changed.

Make-like. The runner keys a step by what decides its result (``step_key`` of the
action, the rendered inputs, the model and the settings) and names the files it read
or wrote; the stored result is reused while every one of those files is as it was:
same content (sha256), or still missing when it was missing. Like make, a file whose
size and mtime are unchanged is taken as unchanged without reading it; unlike make,
a changed mtime alone (``touch``, a checkout) costs a hash, not a re-run.

A file modified in the same instant the entry was stored could keep its size and
mtime (timestamps are coarse), so stat is trusted only for files older than the entry
by ``RACY_NS`` (git's "racily clean" rule); younger ones are always hashed.

Paths are stored relative to the project root and never followed outside it. diskcache
keeps the entries (safe across concurrent processes) and is imported on first use;
nothing here imports the model layer, so a fully cached re-run stays fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

FOLDER = ("cache", "recipes")
#: How much older than its entry a file must be for its size and mtime to be trusted.
RACY_NS = 2_000_000_000


def step_key(*parts: Any) -> str:
    """A sha256 of ``parts`` as canonical JSON (sorted keys; others as ``str``)."""
    material = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class StepCache:
    """Stored step results under ``data_dir/cache/recipes``; see the module docstring."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = Path(data_dir).joinpath(*FOLDER)
        self._cache = None

    def _open(self):
        if self._cache is None:
            import diskcache

            self.directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(self.directory))
        return self._cache

    def get(self, key: str, root: Path) -> dict[str, Any] | None:
        """The stored result, if there is one and its files are as they were."""
        entry = self._open().get(key)
        if not _well_formed(entry):
            return None
        root = Path(root).resolve()
        refreshed, stale = [], False
        for state in entry["files"]:
            now = _check(state, root, entry["stored_ns"])
            if now is None:
                return None
            stale = stale or now is not state
            refreshed.append(now)
        if stale:  # same content, new mtimes: the next check needs no hashing
            self._open().set(key, {**entry, "files": refreshed, "stored_ns": time.time_ns()})
        return entry["result"]

    def put(self, key: str, result: dict[str, Any], files: Iterable[Path], root: Path) -> None:
        """Store ``result`` with the state of ``files`` (relative to ``root``, or absolute) now."""
        root = Path(root).resolve()
        stored_ns = time.time_ns()
        states = [_state(_relative(Path(f), root), root) for f in dict.fromkeys(files)]
        self._open().set(key, {"result": result, "files": states, "stored_ns": stored_ns})

    def forget(self, key: str) -> None:
        self._open().delete(key)

    def clear(self) -> int:
        """Remove every entry; how many there were."""
        return self._open().clear()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict) and isinstance(entry.get("result"), dict)
        and isinstance(entry.get("files"), list) and isinstance(entry.get("stored_ns"), int)
    )


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (``../..`` for one outside: never a hit)."""
    absolute = path if path.is_absolute() else root / path
    return os.path.relpath(os.path.abspath(absolute), root)


def _inside(relative: Any, root: Path) -> Path | None:
    """The file at ``relative`` under ``root``; None when it would lead outside."""
    if not isinstance(relative, str) or not relative or os.path.isabs(relative):
        return None
    path = (root / relative).resolve()
    return path if path == root or path.is_relative_to(root) else None


def _state(relative: str, root: Path) -> dict[str, Any]:
    """What a file is now: missing, or its size, mtime and content hash."""
    path = _inside(relative, root)
    if path is None:
        return {"path": relative, "outside": True}
    try:
        info = path.stat()
    except FileNotFoundError:
        return {"path": relative, "missing": True}
    except OSError:
        return {"path": relative, "unreadable": True}
    digest = _hash(path)
    if digest is None:
        return {"path": relative, "unreadable": True}
    return {"path": relative, "size": info.st_size, "mtime_ns": info.st_mtime_ns, "sha256": digest}


def _check(state: Any, root: Path, stored_ns: int) -> dict[str, Any] | None:
    """``state`` itself when the file is unchanged, a fresh state when only its mtime
    moved, None when it changed (or cannot be checked)."""
    if not isinstance(state, dict):
        return None
    path = _inside(state.get("path"), root)
    if path is None or state.get("outside") or state.get("unreadable"):
        return None
    try:
        info = path.stat()
    except FileNotFoundError:
        return state if state.get("missing") else None
    except OSError:
        return None
    if state.get("missing") or "sha256" not in state:
        return None
    trusted = info.st_mtime_ns + RACY_NS < stored_ns
    if trusted and info.st_size == state.get("size") and info.st_mtime_ns == state.get("mtime_ns"):
        return state
    if info.st_size != state.get("size") or _hash(path) != state["sha256"]:
        return None
    return state if info.st_mtime_ns == state.get("mtime_ns") else {**state, "mtime_ns": info.st_mtime_ns}


def _hash(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
