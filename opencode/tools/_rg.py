"""Running ripgrep, the engine behind ``grep``, ``glob`` and ``ls``.

The binary comes from the ``ripgrep`` wheel (installed next to the Python interpreter's
scripts), so the tools work on machines without a system ``rg``. Every call searches
hidden files too (a project's ``.github`` matters) but never ``.git`` itself, and
respects ``.gitignore``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator

from ..errors import ToolError, UsageError

# --no-require-git: ignore files count in a project that is not a git repository too.
BASE_ARGS = ("--hidden", "--no-require-git", "--glob", "!.git", "--no-messages", "--color", "never")

#: Callers always name what to search: with no path, rg searches a piped stdin instead.

#: Folders nobody wants listed, ignored by ``ls`` even without a .gitignore.
DEFAULT_IGNORES = (
    ".git", "node_modules", "__pycache__", ".venv", "venv", "dist", "build", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".tox", ".idea", ".vscode", "target", ".next", ".cache",
    "coverage", ".DS_Store",
)


@lru_cache(maxsize=1)
def rg_binary() -> str:
    """The ripgrep executable: the wheel's, else one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "rg")
    if os.access(beside, os.X_OK):
        return beside
    import sysconfig

    candidates = [sysconfig.get_path("scripts")]
    try:
        candidates.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:
        pass
    for folder in candidates:
        candidate = os.path.join(folder, "rg")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    import shutil

    found = shutil.which("rg")
    if found:
        return found
    raise ToolError("ripgrep (rg) is not installed", hint="pip install ripgrep")


def run_rg(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """Run rg; exit 0 (found) and 1 (nothing found) are both fine, 2 is an error."""
    try:
        proc = subprocess.run(
            [rg_binary(), *BASE_ARGS, *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"search took longer than {timeout:.0f} s; narrow the path or pattern") from None
    _check(proc.returncode, proc.stderr, bool(proc.stdout))
    return proc


def stream_rg(args: list[str], cwd: Path, timeout: float = 60) -> Iterator[bytes]:
    """Run rg and yield its output lines as they come, so the caller's work on each
    line overlaps rg's search. rg runs with --no-messages, so its stderr stays small
    and cannot fill up while stdout is being read."""
    import threading

    proc = subprocess.Popen(
        [rg_binary(), *BASE_ARGS, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    produced = False
    try:
        assert proc.stdout is not None and proc.stderr is not None
        for line in proc.stdout:
            produced = True
            yield line
        stderr = proc.stderr.read()
        code = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    if code < 0:
        raise ToolError(f"search took longer than {timeout:.0f} s; narrow the path or pattern")
    _check(code, stderr, produced)


def _check(code: int, stderr: bytes, produced: bool) -> None:
    if code != 2:
        return
    message = stderr.decode("utf-8", "replace").strip()
    if "regex parse error" in message:
        raise UsageError(f"invalid regular expression: {message.splitlines()[-1]}", hint=" ".join(message.split()))
    if "error parsing glob" in message:
        problem = message.splitlines()[-1].removeprefix("rg: ").replace("error parsing glob", "invalid glob")
        raise UsageError(problem.replace("'!", "'"))
    if not produced:
        raise ToolError(f"ripgrep failed: {message.splitlines()[-1] if message else 'unknown error'}")


def filters(include: list[str] = (), exclude: list[str] = (), private: tuple[Path, ...] = (), root: Path | None = None) -> list[str]:  # type: ignore[assignment]
    """rg arguments that keep only files matching ``include`` globs and drop ``exclude``
    globs and the ``private`` folders under ``root``, with ignore files still counting.

    A ``--glob`` that names files overrides rg's ignore files, so an include glob
    without a slash (``*.py``, ``.env*``), which matches file names, is given as a file
    type instead, which does not: ``grep --include .env`` must not search an ignored
    ``.env``. Include globs with a slash (``src/**/*.py``) stay globs.
    """
    args: list[str] = []
    for index, pattern in enumerate(include):
        if "/" in pattern.rstrip("/"):
            args += ["--glob", pattern]
        else:
            args += ["--type-add", f"opencode{index}:{pattern}", "--type", f"opencode{index}"]
    for pattern in exclude:
        args += ["--glob", pattern if pattern.startswith("!") else "!" + pattern]
    for folder in private:
        if root is not None and (folder == root or root in folder.parents):
            relative = folder.relative_to(root).as_posix()
            args += ["--glob", f"!{relative}/**", "--glob", f"!{relative}"]
    return args


def files_newest_first(root: Path, selection: list[str] = (), timeout: float = 60) -> list[tuple[str, float]]:  # type: ignore[assignment]
    """(path relative to ``root``, mtime) of the files rg would search, newest first,
    among those ``selection`` (``filters``) keeps.

    Each file is stat'ed as rg reports it, overlapping rg's own walk.
    """
    args = ["--files", "--null", *selection]
    stamped: list[tuple[str, float]] = []
    prefix = os.fsencode(root) + b"/"
    for chunk in stream_rg(args, root, timeout):
        for raw in chunk.split(b"\0"):
            if raw.strip(b"\n"):
                stamp(prefix, raw.strip(b"\n"), stamped)
    return newest_first(stamped)


def list_files(root: Path, selection: list[str] = (), timeout: float = 60) -> list[str]:  # type: ignore[assignment]
    """Paths (relative to ``root``) of the files rg would search among those
    ``selection`` (``filters``) keeps, in no particular order."""
    args = ["--files", "--null", *selection]
    proc = run_rg(args, root, timeout)
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def stamp(prefix: bytes, raw: bytes, into: list[tuple[str, float]]) -> float | None:
    """Append (path, mtime) for one path from rg's output; skip files gone meanwhile.

    Plain ``os`` calls on bytes, not pathlib: this runs once per file of a large tree.
    """
    try:
        mtime = os.stat(prefix + raw).st_mtime
    except OSError:
        return None
    into.append((raw.decode("utf-8", "surrogateescape"), mtime))
    return mtime


def newest_first(stamped: list[tuple[str, float]]) -> list[tuple[str, float]]:
    stamped.sort(key=lambda item: (-item[1], item[0]))
    return stamped
