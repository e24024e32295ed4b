"""Writes through the real execution path under attack: links swapped in mid-write,
temporary files of killed writers, files changed behind the model's back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opencode.errors import OpencodeError, ToolError
from opencode.tools import builtin_spec
from helpers import call_tool_blocking, tool_context

WRITES = 600


def call(root: Path, tool: str, ctx=None, **params):
    return call_tool_blocking(builtin_spec(tool), params, ctx or tool_context(root))


#: Swaps a folder for a link to another and back until told to stop (or two minutes
#: pass). A process of its own, so it swaps while the writes run, not between them.
SWAPPER = """
import os, sys, time
folder, outside, stop = sys.argv[1:4]
deadline, swaps = time.monotonic() + 120, 0
while time.monotonic() < deadline and not os.path.exists(stop):
    spare = f"{folder}.parked{swaps}"
    try:
        os.rename(folder, spare)
    except OSError:
        time.sleep(0.0005)
        continue
    try:
        os.symlink(outside, folder)
    except FileExistsError:  # a write made the folder again meanwhile
        continue
    swaps += 1
    time.sleep(0.0003)
    os.unlink(folder)
    try:
        os.rename(spare, folder)
    except OSError:
        pass
    time.sleep(0.0003 * (1 + swaps % 4))
print(swaps)
"""


class Swapping:
    """``with Swapping(folder, outside) as swapper:`` the swapper runs in the block."""

    def __init__(self, folder: Path, outside: Path) -> None:
        self.folder, self.outside = folder, outside
        self.stop = folder.parent.parent / "stop-swapping"
        self.swaps = 0

    def __enter__(self) -> Swapping:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SWAPPER, str(self.folder), str(self.outside), str(self.stop)],
            stdout=subprocess.PIPE, text=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.touch()
        out, _ = self.proc.communicate(timeout=30)
        self.swaps = int(out.strip() or 0)
        if self.folder.is_symlink():
            self.folder.unlink()


def test_a_folder_swapped_for_a_link_never_lets_a_byte_out(root: Path):
    outside = root.parent / "outside"
    outside.mkdir()
    (root / "sub").mkdir()
    written = 0
    with Swapping(root / "sub", outside) as swapper:
        deadline = time.monotonic() + 60
        for number in range(WRITES):
            if time.monotonic() > deadline:
                break
            try:
                call(root, "write", path=f"sub/f{number % 7}.txt", content=f"write {number}\n" * 100)
                written += 1
            except OpencodeError:
                pass
    assert sorted(os.listdir(outside)) == []
    assert written > 0 and swapper.swaps > 0


def test_a_folder_swapped_for_a_link_never_lets_an_edit_out(root: Path):
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text("x = 0\n")
    (root / "sub").mkdir()
    with Swapping(root / "sub", outside):
        deadline = time.monotonic() + 60
        for number in range(WRITES):
            if time.monotonic() > deadline:
                break
            sub = root / "sub"
            if sub.is_dir() and not sub.is_symlink():
                try:
                    (sub / "f.txt").write_text("x = 0\n")
                except OSError:
                    pass
            try:
                call(root, "edit", path="sub/f.txt", old_string="x = 0", new_string="x = 1")
            except OpencodeError:
                pass
    assert sorted(os.listdir(outside)) == ["f.txt"]
    assert (outside / "f.txt").read_text() == "x = 0\n"


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait(timeout=10)
    return proc.pid


def test_a_write_removes_the_temporary_files_killed_writers_left(root: Path):
    (root / "f.txt").write_text("old\n")
    stale = root / f".f.txt.{dead_pid()}.0badc0de.tmp"
    stale.write_bytes(b"x" * 1000)
    live = root / f".f.txt.{os.getpid()}.12345678.tmp"  # a writer still running
    live.write_bytes(b"y")
    unrelated = root / f".g.txt.{dead_pid()}.0badc0de.tmp"
    unrelated.write_bytes(b"z")
    call(root, "write", path="f.txt", content="new\n")
    assert (root / "f.txt").read_text() == "new\n"
    assert not stale.exists()
    assert live.exists() and unrelated.exists()


def test_an_edit_refuses_a_file_changed_to_the_same_size_within_a_microsecond(root: Path):
    """Float mtimes cannot tell these apart; nanoseconds plus size (or content) can."""
    path = root / "f.py"
    path.write_text("x = 1\n")
    ctx = tool_context(root, read_files={})
    call(root, "read", ctx, path="f.py")
    before = os.stat(path).st_mtime_ns
    path.write_text("y = 1\n")
    os.utime(path, ns=(before + 1, before + 1))
    with pytest.raises(ToolError, match="changed since it was last read"):
        call(root, "edit", ctx, path="f.py", old_string="y = 1", new_string="y = 2")
    assert path.read_text() == "y = 1\n"


def test_an_edit_refuses_a_file_rewritten_with_the_same_size_and_time(root: Path):
    path = root / "f.py"
    path.write_text("x = 1\n")
    ctx = tool_context(root, read_files={})
    call(root, "read", ctx, path="f.py")
    stat = os.stat(path)
    path.write_text("y = 1\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(ToolError, match="changed since it was last read"):
        call(root, "edit", ctx, path="f.py", old_string="y = 1", new_string="y = 2")
    assert path.read_text() == "y = 1\n"


def test_the_read_record_is_a_stamp_not_a_float(root: Path):
    (root / "f.py").write_text("x = 1\n")
    ctx = tool_context(root, read_files={})
    call(root, "read", ctx, path="f.py")
    stamp = ctx.read_files[str(root / "f.py")]
    assert not isinstance(stamp, float)
    call(root, "edit", ctx, path="f.py", old_string="x = 1", new_string="x = 2")
    call(root, "edit", ctx, path="f.py", old_string="x = 2", new_string="x = 3")  # our own edit counts as a read
    assert (root / "f.py").read_text() == "x = 3\n"
