"""Snapshots of the project's files, the machinery behind ``opencode undo``.

Before the first file change of a turn the agent loop calls ``Snapshots.take()``; undo
calls ``restore()`` with that tree, and ``opencode session diff`` shows ``diff()``.

A snapshot is a git *tree* written into a private, bare git directory under the data
dir, one per project (``data_dir/snapshots/<sha256(root)[:16]>``). Git already knows
how to hash a large tree quickly, reuse a stat cache between runs, honour
``.gitignore`` and store files, links and executable bits exactly, so we drive the git
CLI with ``--git-dir=<store> --work-tree=<root>`` and a private ``GIT_INDEX_FILE``.
Nothing is ever written to the user's repository: not its objects, its index, its refs
or its history, and the project does not have to be a git repository at all.

Everything that could make bytes differ from what is on disk is switched off: the
user's global and system config are not read, ``core.autocrlf`` is off, and the
store's ``info/attributes`` (which outranks any ``.gitattributes``) unsets ``text``,
``eol``, ``filter``, ``ident`` and ``working-tree-encoding``, so CRLF files, binary
files and LFS-tracked files round-trip byte for byte.

What is covered: the files git would list as tracked or untracked-not-ignored, with
the project's ``.gitignore`` files and ``.git/info/exclude`` respected. Ignored files
are neither stored nor touched by ``restore()``. Nested git repositories are recorded
as git does (a link to their commit) and are never rewritten or deleted; their content
is theirs to manage.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

from ..errors import ToolError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

TIMEOUT = 60.0
"""Seconds any one git call may take; a wedged git must not hang a turn forever."""

GIT_MISSING = "git is needed for snapshots and undo"

GITLINK = "160000"
"""The mode git gives a nested repository; its content is not ours to restore."""

ATTRIBUTES = "* -text -eol -filter -ident -working-tree-encoding\n"
"""Store-level attributes that beat any ``.gitattributes``: store bytes as they are."""

STATUS = {"A": "added", "D": "deleted", "M": "modified", "T": "modified"}

# Keep the user's git from steering ours: their config, and any GIT_* variable set by a
# hook or a shell (GIT_DIR or GIT_INDEX_FILE from a pre-commit hook would aim our
# commands at their repository). GIT_EXEC_PATH is kept so an unusual install still runs.
KEEP_GIT_VARS = frozenset({"GIT_EXEC_PATH"})
IDENTITY = {
    "GIT_AUTHOR_NAME": "opencode",
    "GIT_AUTHOR_EMAIL": "opencode@localhost",
    "GIT_COMMITTER_NAME": "opencode",
    "GIT_COMMITTER_EMAIL": "opencode@localhost",
}


class Snapshots:
    """The snapshot store of one project.

    Constructing it is free: the store is created by the first call that needs it, so
    a machine without git only fails when a snapshot is actually asked for.
    """

    def __init__(self, root: Path, data_dir: Path, exclude: Iterable[Path] = (), env: Mapping[str, str] | None = None) -> None:
        """``exclude``: folders inside the project that undo must never touch (the
        session files an agent run writes into ``docs/sessions``, say). ``env`` is the
        environment git runs with (its ``GIT_*`` variables dropped); without one, git
        gets none but what it needs here."""
        self.root = Path(root).resolve()
        self.env = dict(env or {})
        self.exclude = [Path(p) for p in exclude]
        key = hashlib.sha256(str(self.root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.store = Path(data_dir) / "snapshots" / key
        self.index = self.store / "index"

    # --- the API -------------------------------------------------------------------

    def take(self) -> str:
        """Record the project's current files; return the tree hash naming them.

        ``git add -A`` keeps a stat cache in the private index, so a second snapshot of
        a large, mostly unchanged project only hashes the files that changed.
        """
        with self._locked():
            return self._take()

    def restore(self, tree: str) -> list[str]:
        """Make the work tree match ``tree`` again; return the paths that changed.

        Files created since the snapshot are deleted (with folders they leave empty),
        changed files are rewritten and deleted ones recreated, each with its mode.
        Ignored files are never touched; if a file cannot come back without deleting
        ignored content in its way, nothing is changed and a ToolError says where.
        """
        tree = self._check(tree)
        with self._locked():
            current = self._take()
            entries = [e for e in self._raw_diff(tree, current) if GITLINK not in (e[0], e[1])]
            added = {path for _, _, status, path in entries if status == "A"}
            write = [path for _, _, status, path in entries if status != "A"]
            blocked = [path for path in write if self._blocked(path, added)]
            if blocked:
                shown = ", ".join(blocked[:5]) + (" ..." if len(blocked) > 5 else "")
                raise ToolError(
                    f"cannot restore {shown}: something not covered by the snapshot "
                    "(an ignored file or a nested repository) is in the way",
                    hint="move it aside and undo again",
                )
            for path in sorted(added, reverse=True):
                self._delete(path)
            # A one-tree merge keeps the stat data of entries that did not change, so the
            # next take() does not have to rehash the whole project.
            self._git("read-tree", "-m", tree)
            if write:
                listed = b"".join(os.fsencode(path) + b"\0" for path in write)
                self._git("checkout-index", "-f", "-u", "-z", "--stdin", input=listed)
            return sorted(path for _, _, _, path in entries)

    def diff(self, old: str, new: str | None = None) -> str:
        """A unified diff from snapshot ``old`` to ``new`` (default: the files now)."""
        old = self._check(old)
        with self._locked():
            new = self._check(new) if new is not None else self._take()
            out = self._git(
                "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
                "--ignore-submodules=all", old, new, "--",
            )
        return out.decode("utf-8", "replace")

    def changed(self, old: str, new: str | None = None) -> list[dict]:
        """Which paths differ between ``old`` and ``new`` (default: the files now).

        Renames show as a deletion plus an addition, as in ``diff()``, so the two agree.
        """
        old = self._check(old)
        with self._locked():
            new = self._check(new) if new is not None else self._take()
            entries = self._raw_diff(old, new)
        return [
            {"path": path, "status": STATUS.get(status, "modified")}
            for old_mode, new_mode, status, path in entries
            if GITLINK not in (old_mode, new_mode)
        ]

    # --- the store -----------------------------------------------------------------

    def _take(self) -> str:
        # --ignore-errors: one unreadable file, or a nested repository without a commit,
        # must not cost the user their undo; git still adds everything else.
        self._git("add", "-A", "--ignore-errors", "--", ".", ok=(0, 1))
        return self._git("write-tree").decode().strip()

    def _raw_diff(self, old: str, new: str) -> list[tuple[str, str, str, str]]:
        """(old mode, new mode, status letter, path) for each path that differs."""
        out = self._git("diff", "--raw", "-z", "--no-renames", "--no-ext-diff", old, new, "--")
        fields = out.split(b"\0")
        entries = []
        for meta, path in zip(fields[0::2], fields[1::2]):
            if not meta.startswith(b":"):
                continue
            old_mode, new_mode, _, _, status = meta[1:].decode().split(" ")
            entries.append((old_mode, new_mode, status[:1], os.fsdecode(path)))
        return entries

    def _check(self, tree: str) -> str:
        """Only hashes reach git's command line, never something that reads as an option."""
        if not (isinstance(tree, str) and 4 <= len(tree) <= 64 and all(c in "0123456789abcdef" for c in tree)):
            raise ToolError(f"not a snapshot id: {tree!r}")
        return tree

    def _init(self) -> None:
        """Create the bare store once; ``--template=`` keeps hooks and samples out."""
        if not (self.store / "HEAD").exists():
            self._run(["init", "--bare", "--quiet", "--template=", str(self.store)], ok=(0,))
        info = self.store / "info"
        info.mkdir(exist_ok=True)
        exclude = ""
        # A data dir inside the project must not snapshot itself, nor the session files.
        for folder in (self.store, *self.exclude):
            if folder.resolve().is_relative_to(self.root) and folder.resolve() != self.root:
                exclude += "/" + folder.resolve().relative_to(self.root).as_posix() + "/\n"
        for name, text in (("attributes", ATTRIBUTES), ("exclude", exclude)):
            path = info / name
            if not path.exists() or path.read_text() != text:
                path.write_text(text)

    def _project_exclude(self) -> Path:
        """The project's ``info/exclude`` (a separate git dir means git will not read it).

        Follows a ``.git`` file (worktrees, submodules) to the real git dir, and a
        worktree's ``commondir`` to where the shared ``info/exclude`` lives. Without
        one, the store's own (empty) exclude file stands in, so the user's global
        ``~/.config/git/ignore`` is not picked up by default either.
        """
        dot_git = self.root / ".git"
        git_dir: Path | None = None
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():
            try:
                line = dot_git.read_text(errors="replace").strip()
            except OSError:
                line = ""
            if line.startswith("gitdir:"):
                git_dir = self.root / line[len("gitdir:") :].strip()
        if git_dir is not None:
            common = git_dir / "commondir"
            if common.is_file():
                try:
                    git_dir = git_dir / common.read_text(errors="replace").strip()
                except OSError:
                    pass
            if (git_dir / "info" / "exclude").is_file():
                return git_dir / "info" / "exclude"
        return self.store / "info" / "exclude"

    def _locked(self) -> _Lock:
        return _Lock(self)

    def _blocked(self, path: str, added: set[str]) -> bool:
        """Whether writing ``path`` would mean deleting something the snapshot does not cover.

        Everything covered that stands in the way is in ``added`` and is deleted first;
        anything else in the way (ignored files, a nested repository) is not ours.
        """
        parts = path.split("/")
        for depth in range(1, len(parts)):
            ancestor = "/".join(parts[:depth])
            if ancestor in added:
                return False
            where = self.root / ancestor
            if where.is_symlink() or (where.exists() and not where.is_dir()):
                return True
        where = self.root / path
        if where.is_symlink() or not where.is_dir():
            return False
        for folder, dirs, files in os.walk(where):
            # os.walk lists links to folders among the folders without entering them;
            # to git they are files like any other.
            links = [name for name in dirs if Path(folder, name).is_symlink()]
            for name in (*files, *links):
                if Path(folder, name).relative_to(self.root).as_posix() not in added:
                    return True
        return False

    def _delete(self, path: str) -> None:
        """Remove one file created since the snapshot, then the folders it leaves empty."""
        target = self.root / path
        try:
            if target.is_symlink() or not target.is_dir():
                target.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise ToolError(f"cannot delete {path}: {exc.strerror or exc}") from exc
        folder = target.parent
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent

    # --- running git ---------------------------------------------------------------

    def _git(self, *args: str, input: bytes | None = None, ok: Sequence[int] = (0,)) -> bytes:
        """One git command against the store and the project's work tree."""
        exclude = self._project_exclude()
        attributes = self.store / "info" / "attributes"
        options = [
            f"--git-dir={self.store}",
            f"--work-tree={self.root}",
            "-c", "core.autocrlf=false",
            "-c", "core.safecrlf=false",
            "-c", f"core.fileMode={'false' if os.name == 'nt' else 'true'}",
            "-c", "core.quotePath=false",
            "-c", "core.fsmonitor=false",
            "-c", f"core.excludesFile={exclude}",
            "-c", f"core.attributesFile={attributes}",
            "-c", "gc.auto=0",
            "-c", "color.ui=false",
            "-c", "advice.addEmbeddedRepo=false",
        ]
        return self._run([*options, *args], input=input, ok=ok)

    def _run(self, args: list[str], *, input: bytes | None = None, ok: Sequence[int]) -> bytes:
        env = {k: v for k, v in self.env.items() if not k.startswith("GIT_") or k in KEEP_GIT_VARS}
        env.update(IDENTITY)
        env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_INDEX_FILE=str(self.index),
            GIT_TERMINAL_PROMPT="0",
        )
        try:
            proc = subprocess.run(
                ["git", *args],
                cwd=self.root,
                env=env,
                input=input if input is not None else b"",
                capture_output=True,
                timeout=TIMEOUT,
            )
        except FileNotFoundError as exc:
            if not self.root.is_dir():
                raise ToolError(f"cannot snapshot {self.root}: no such folder") from exc
            raise ToolError(GIT_MISSING, hint="install git and try again") from exc
        except subprocess.TimeoutExpired as exc:
            raise ToolError(f"git {_verb(args)} took longer than {TIMEOUT:.0f} s while snapshotting {self.root}") from exc
        except OSError as exc:
            raise ToolError(f"cannot run git for snapshots: {exc.strerror or exc}") from exc
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode not in ok or "fatal:" in stderr:
            message = _first_error(stderr) or f"exit status {proc.returncode}"
            raise ToolError(f"git {_verb(args)} failed: {message}")
        return proc.stdout


class _Lock:
    """One snapshot operation at a time per store, across processes.

    Two sessions in one project share a store and its index; interleaved ``add`` and
    ``read-tree`` calls would corrupt each other's view. Holding the lock also proves
    that a leftover ``index.lock`` comes from a git that was killed (say, by our
    timeout), so it can be cleared instead of failing every later call.
    """

    def __init__(self, snapshots: Snapshots) -> None:
        self.snapshots = snapshots
        self.handle: int | None = None

    def __enter__(self) -> None:
        store = self.snapshots.store
        try:
            store.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ToolError(f"cannot create the snapshot store {store}: {exc.strerror or exc}") from exc
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; git's own index.lock still guards
            fcntl = None
        if fcntl is not None:
            self.handle = os.open(store / "opencode.lock", os.O_RDWR | os.O_CREAT, 0o600)
            deadline = time.monotonic() + TIMEOUT
            while True:
                try:
                    fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        os.close(self.handle)
                        self.handle = None
                        raise ToolError(f"the snapshot store {store} stayed busy for {TIMEOUT:.0f} s") from None
                    time.sleep(0.05)
            (store / "index.lock").unlink(missing_ok=True)
        try:
            self.snapshots._init()
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            os.close(self.handle)  # closing releases the flock
            self.handle = None


def _verb(args: Sequence[str]) -> str:
    """The git subcommand in ``args``, for messages (the options before it are noise)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-c":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return "command"


def _first_error(stderr: str) -> str:
    """The line of git's stderr that explains the failure, without hints and warnings."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for prefix in ("fatal:", "error:"):
        for line in lines:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
    useful = [line for line in lines if not line.startswith(("hint:", "warning:"))]
    return useful[0] if useful else ""
