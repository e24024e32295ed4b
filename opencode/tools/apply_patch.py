"""``apply_patch``: add, delete, update and move files with one patch in the codex format.

Unlike codex, the whole patch is checked before anything is written: every path is
resolved (outside the project: refused), every file read and every hunk located, all
in memory. Only then are the files written, each atomically, under the writer locks of
their folders and only if none changed since the patch read it (another writer's
change is never lost: the patch fails instead); should a write still fail (a full
disk), the files already written are put back. The format and its leniencies live in
``_patch``; files keep their BOM and line endings as with ``edit``.
"""

from __future__ import annotations

import stat

from ..errors import ToolError
from ..fsutil import ABSENT, BINARY_SAMPLE, FileChanged, Folder, looks_binary
from ..fsutil import stamp as stamp_of
from ._edit import TextDoc, diff_stats, note_written, require_fresh_read
from ._files import file_error, missing
from ._patch import FileOp, apply_hunks, parse
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

DESCRIPTION = """Apply a patch that adds, deletes, updates or moves files.

*** Begin Patch
*** Add File: path/new.py
+every line of the new file, prefixed with +
*** Delete File: path/old.py
*** Update File: path/main.py
*** Move to: path/renamed.py   (optional)
@@ def some_function():   (optional: a line above the change, to find it)
 a context line (leading space)
-a line to remove
+a line to add
*** End of File   (optional: the hunk is at the end of the file)
*** End Patch

Give about 3 lines of context around each change; hunks of a file in order.
Each hunk is looked for from where the one before it ended: exactly, else
ignoring trailing whitespace, else ignoring all surrounding whitespace, else
with typographic quotes and dashes read as ASCII. A hunk of only + lines
goes after its @@ line, or at the end of the file without one.
A changed file keeps its line endings and ends with a newline.

Refused, and no file written (the whole patch is checked first):
  - a hunk that does not match the file
  - Add File for a path that exists (use Update File)
  - Move to a path that exists
  - a heredoc around the patch whose quotes or closing line do not match"""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "patch": {"type": "string", "minLength": 1, "description": "The patch text, from '*** Begin Patch' to '*** End Patch'"},
    },
    "required": ["patch"],
    "additionalProperties": False,
}

_LETTERS = {"added": "A", "updated": "M", "moved": "R", "deleted": "D"}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    ops = parse(params["patch"])
    targets = [_targets(op, ctx) for op in ops]  # every path checked before anything else
    plan = Plan(ctx)
    for op, (path, dest) in zip(ops, targets):
        plan.apply(op, path, dest)
    plan.commit()
    lines = [_summary_line(entry) for entry in plan.files]
    return ToolResult(
        f"Applied the patch to {len(plan.files)} file{'s' if len(plan.files) != 1 else ''}:\n" + "\n".join(lines),
        title=", ".join(entry["path"] for entry in plan.files),
        metadata={
            "files": plan.files,
            "diff": "".join(entry["diff"] for entry in plan.files),
            "added": sum(entry["added"] for entry in plan.files),
            "removed": sum(entry["removed"] for entry in plan.files),
        },
    )


def _targets(op: FileOp, ctx: ToolContext) -> tuple[Path, Path | None]:
    if op.kind == "delete":
        link = ctx.paths.absolute_unresolved(op.path)
        if link.is_symlink():  # remove the link, not what it points to
            ctx.paths.resolve(link.parent)
            return link, None
    path = ctx.paths.resolve(op.path)
    return path, ctx.paths.resolve(op.move_to) if op.move_to else None


def _read(path: Path, shown: str, cwd: Path) -> tuple[bytes | None, tuple]:
    """A file's bytes (None when there is none) and its ``stamp``; a link's own content
    is not read. A FIFO, socket or device is refused before it is opened."""
    try:
        with Folder(path.parent) as folder:
            status = folder.status(path.name)
            if status is None or stat.S_ISLNK(status.st_mode):
                return (None if status is None else b""), stamp_of(status)
            data, status = folder.read(path.name)
            return data, stamp_of(status)
    except (FileNotFoundError, NotADirectoryError):
        return None, ABSENT
    except OSError as exc:
        raise file_error(exc, path, shown, cwd, "patch") from None


def _summary_line(entry: dict[str, Any]) -> str:
    name = f"{entry['from']} -> {entry['path']}" if entry["action"] == "moved" else entry["path"]
    return f"{_LETTERS[entry['action']]} {name} (+{entry['added']} -{entry['removed']})"


class Plan:
    """The patch applied in memory: each touched path's new bytes (None: deleted)."""

    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx
        self.state: dict[Path, bytes | None] = {}
        self.original: dict[Path, bytes | None] = {}
        self.stamps: dict[Path, tuple] = {}
        self.files: list[dict[str, Any]] = []

    def show(self, path: Path) -> str:
        return self.ctx.paths.display(path)

    def current(self, path: Path) -> bytes | None:
        """The path's content as the patch so far leaves it (None: no such file)."""
        if path not in self.state:
            data, self.stamps[path] = _read(path, self.show(path), self.ctx.cwd)
            self.state[path] = self.original[path] = data
        return self.state[path]

    def apply(self, op: FileOp, path: Path, dest: Path | None) -> None:
        getattr(self, op.kind)(op, path, dest)

    def add(self, op: FileOp, path: Path, dest: Path | None) -> None:
        shown = self.show(path)
        if self.current(path) is not None:
            raise ToolError(f"{shown}: cannot add the file, it already exists", hint="use '*** Update File:' to change it")
        self._check_parent(path)
        data = ("\n".join(op.lines) + "\n" if op.lines else "").encode("utf-8", "surrogateescape")
        self._record("added", path, b"", data)

    def delete(self, op: FileOp, path: Path, dest: Path | None) -> None:
        old = self.current(path)
        if old is None:
            raise missing(path, self.show(path), self.ctx.cwd)
        self._record("deleted", path, old, None)

    def update(self, op: FileOp, path: Path, dest: Path | None) -> None:
        shown, first_touch = self.show(path), path not in self.state
        old = self.current(path)
        if old is None:
            raise missing(path, shown, self.ctx.cwd)
        if looks_binary(old[:BINARY_SAMPLE]):
            raise ToolError(f"{shown} is a binary file; only text files can be patched")
        if first_touch:
            require_fresh_read(self.ctx, path, shown, old)
        doc = TextDoc(old)
        new = doc.encode(apply_hunks(doc.original, op.hunks, shown, doc.newline)) if op.hunks else old
        if dest is None or dest == path:
            self._record("updated", path, old, new)
            return
        if self.current(dest) is not None:
            raise ToolError(f"{shown}: cannot move to {self.show(dest)}, it already exists")
        self._check_parent(dest)
        self.state[path] = None
        self._record("moved", dest, old, new, source=path)

    def _check_parent(self, path: Path) -> None:
        for parent in path.parents:
            if parent.exists() or parent in self.state:
                if not parent.is_dir() or self.state.get(parent) is not None:
                    raise ToolError(f"cannot create {self.show(path)}: {self.show(parent)} is a file")
                return

    def _record(self, action: str, path: Path, old: bytes, new: bytes | None, source: Path | None = None) -> None:
        self.state[path] = new
        entry: dict[str, Any] = {"path": self.show(path), "action": action}
        if looks_binary(old[:BINARY_SAMPLE]):  # a binary file being deleted: no diff
            stats: dict[str, Any] = {"diff": "", "added": 0, "removed": 0}
        else:
            stats = diff_stats(old, new or b"", entry["path"])
        if source is not None:
            entry["from"] = self.show(source)
            stats["diff"] = stats["diff"].replace(f"--- a/{entry['path']}\n", f"--- a/{entry['from']}\n", 1)
        self.files.append({**entry, **stats})

    def commit(self) -> None:
        """Write every change under its folder's lock, if no file changed since it was
        read; if one write fails, put back those already made."""
        changes = [path for path, new in self.state.items() if new != self.original[path]]
        with LockedFolders(changes, self) as folders:
            for path in changes:
                if stamp_of(folders[path].status(path.name)) != self.stamps[path]:
                    raise file_error(FileChanged(), path, self.show(path), self.ctx.cwd, "patch")
            done: list[Path] = []
            for path in changes:
                try:
                    self._put(folders[path], path, self.state[path])
                except OSError as exc:
                    self._roll_back(done, folders)
                    raise ToolError(f"cannot write {self.show(path)}: {exc.strerror}; the patch was not applied") from None
                done.append(path)
        for path in done:
            new = self.state[path]
            if new is None:
                if self.ctx.read_files is not None:
                    self.ctx.read_files.pop(str(path), None)
            else:
                note_written(self.ctx, path, new)

    @staticmethod
    def _put(folder: Folder, path: Path, data: bytes | None) -> None:
        if data is None:
            folder.remove(path.name)
        else:
            folder.replace(path.name, data)

    def _roll_back(self, done: list[Path], folders: LockedFolders) -> None:
        for path in reversed(done):
            try:
                old = self.original[path]
                if old is None:
                    folders[path].remove(path.name, missing_ok=True)
                else:
                    folders[path].replace(path.name, old)
            except OSError:
                pass


class LockedFolders:
    """The folders of the paths a patch changes, opened without following links (made
    when missing) and write-locked in one order (by device and inode), so two patches
    locking the same folders cannot wait on each other."""

    def __init__(self, paths: list[Path], plan: Plan) -> None:
        self.paths, self.plan = paths, plan
        self.by_parent: dict[Path, Folder] = {}

    def __getitem__(self, path: Path) -> Folder:
        return self.by_parent[path.parent]

    def __enter__(self) -> LockedFolders:
        try:
            for path in self.paths:
                if path.parent not in self.by_parent:
                    self._open(path)
            for folder in sorted({id(f): f for f in self.by_parent.values()}.values(), key=Folder.identity):
                folder.lock()
        except ToolError:
            self.__exit__()
            raise
        except OSError as exc:
            self.__exit__()
            raise ToolError(f"cannot patch: {exc}; the patch was not applied") from None
        return self

    def _open(self, path: Path) -> None:
        try:
            folder = Folder(path.parent, create=self.plan.state[path] is not None)
        except OSError as exc:
            raise file_error(exc, path, self.plan.show(path), self.plan.ctx.cwd, "patch") from None
        same = next((f for f in self.by_parent.values() if f.identity() == folder.identity()), None)
        if same is not None:
            folder.close()
        self.by_parent[path.parent] = same or folder

    def __exit__(self, *exc: object) -> None:
        for folder in self.by_parent.values():
            folder.close()


def _named_files(params: dict[str, Any]) -> list[str]:
    """Every file a patch names (added, updated, deleted or moved to), for the
    protected-path rules, read off its header lines without applying anything."""
    from ._patch import ADD, DELETE, MOVE, UPDATE

    found = []
    for line in str(params.get("patch", "")).splitlines():
        stripped = line.strip()
        for header in (ADD, DELETE, UPDATE, MOVE):
            if stripped.startswith(header) and stripped[len(header):].strip():
                found.append(stripped[len(header):].strip())
    return found


SPEC = ToolSpec(
    name="apply_patch",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="write",
    stdin_param="patch",
    loop_free=True,
    targets=_named_files,
)
