"""The snapshot store behind undo, against real git in temporary folders."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest

from opencode.errors import ToolError
from opencode.session.snapshot import GIT_MISSING, Snapshots

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def git(root: Path, *args: str) -> str:
    """The user's own git, the way they would run it (never taking optional locks)."""
    proc = subprocess.run(
        ["git", "--no-optional-locks", *args],
        cwd=root,
        capture_output=True,
        check=True,
        env={**os.environ, "GIT_AUTHOR_NAME": "u", "GIT_AUTHOR_EMAIL": "u@x", "GIT_COMMITTER_NAME": "u", "GIT_COMMITTER_EMAIL": "u@x"},
    )
    return proc.stdout.decode()


def state(root: Path) -> dict[str, tuple]:
    """Every file, link and folder under ``root`` except ``.git``, with bytes and modes."""
    seen: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                seen[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                seen[rel] = ("dir",)
            else:
                executable = bool(path.stat().st_mode & stat.S_IXUSR)
                seen[rel] = ("file", path.read_bytes(), executable)
    return seen


def covered(snaps: Snapshots, tree: str) -> list[str]:
    """The paths a snapshot holds."""
    return sorted(entry["path"] for entry in snaps.changed(EMPTY_TREE, tree))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project folder that is not a git repository (tests add .git where they need it)."""
    folder = tmp_path / "proj"
    folder.mkdir()
    return folder


def fill(root: Path) -> None:
    (root / "src").mkdir()
    (root / "src" / "main.py").write_text("print('hi')\n")
    (root / "windows.txt").write_bytes(b"one\r\ntwo\r\n")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 8 + b"\0\r\n\x00")
    script = root / "run.sh"
    script.write_text("#!/bin/sh\necho run\n")
    script.chmod(0o755)
    (root / "link").symlink_to("src/main.py")
    (root / "notes.md").write_text("keep me\n")


def test_restore_brings_back_bytes_modes_and_links(root: Path, data: Path) -> None:
    fill(root)
    before = state(root)
    snaps = Snapshots(root, data)
    tree = snaps.take()

    (root / "windows.txt").write_bytes(b"one\r\nTWO\n")
    (root / "blob.bin").unlink()
    (root / "run.sh").chmod(0o644)
    (root / "link").unlink()
    (root / "link").symlink_to("notes.md")
    (root / "notes.md").unlink()
    (root / "new" / "deep" / "er").mkdir(parents=True)
    (root / "new" / "deep" / "er" / "file.py").write_text("x = 1\n")
    (root / "new" / "top.txt").write_text("top\n")
    (root / "src" / "extra.py").write_text("extra\n")
    assert state(root) != before

    restored = snaps.restore(tree)

    assert state(root) == before
    assert not (root / "new").exists()
    assert (root / "src").is_dir()
    assert restored == sorted(
        ["windows.txt", "blob.bin", "run.sh", "link", "notes.md", "new/deep/er/file.py", "new/top.txt", "src/extra.py"]
    )


def test_restore_with_nothing_changed_changes_nothing(root: Path, data: Path) -> None:
    fill(root)
    snaps = Snapshots(root, data)
    tree = snaps.take()
    assert snaps.restore(tree) == []
    assert snaps.take() == tree


def test_untouched_files_are_not_rewritten(root: Path, data: Path) -> None:
    """A restore rewrites what changed only, so build tools do not rebuild everything."""
    fill(root)
    old = 1_000_000_000_000_000_000
    os.utime(root / "src" / "main.py", ns=(old, old))
    snaps = Snapshots(root, data)
    tree = snaps.take()
    (root / "notes.md").write_text("changed\n")
    assert snaps.restore(tree) == ["notes.md"]
    assert (root / "src" / "main.py").stat().st_mtime_ns == old
    assert (root / "notes.md").read_text() == "keep me\n"


def test_gitattributes_cannot_change_bytes(root: Path, data: Path) -> None:
    """text=auto, eol=crlf and filters would rewrite line endings; snapshots keep bytes."""
    (root / ".gitattributes").write_text("* text=auto eol=crlf\n*.bin filter=lfs diff=lfs -text\n*.c ident\n")
    (root / "lf.txt").write_bytes(b"a\nb\n")
    (root / "crlf.txt").write_bytes(b"a\r\nb\r\n")
    (root / "mixed.txt").write_bytes(b"a\r\nb\nc\r")
    (root / "x.bin").write_bytes(b"\x00\x01version https://git-lfs")
    (root / "id.c").write_bytes(b"/* $Id$ */\n")
    before = state(root)
    snaps = Snapshots(root, data)
    tree = snaps.take()
    for name in ("lf.txt", "crlf.txt", "mixed.txt", "x.bin", "id.c"):
        (root / name).write_bytes(b"changed\n")
    snaps.restore(tree)
    assert state(root) == before


def test_ignored_files_are_not_snapshotted_or_deleted(root: Path, data: Path) -> None:
    (root / ".gitignore").write_text("build/\nnode_modules/\n*.log\n")
    (root / "app.js").write_text("app\n")
    (root / "build").mkdir()
    (root / "build" / "out.js").write_text("built\n")
    (root / "node_modules" / "left-pad").mkdir(parents=True)
    (root / "node_modules" / "left-pad" / "index.js").write_text("pad\n")
    (root / "debug.log").write_text("log\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()
    assert covered(snaps, tree) == [".gitignore", "app.js"]

    (root / "build" / "out.js").write_text("rebuilt\n")
    (root / "build" / "new.js").write_text("new\n")
    (root / "node_modules" / "right-pad").mkdir()
    (root / "node_modules" / "right-pad" / "index.js").write_text("pad\n")
    (root / "trace.log").write_text("more\n")
    (root / "app.js").write_text("app v2\n")

    assert snaps.changed(tree) == [{"path": "app.js", "status": "modified"}]
    assert snaps.restore(tree) == ["app.js"]
    assert (root / "app.js").read_text() == "app\n"
    assert (root / "build" / "out.js").read_text() == "rebuilt\n"
    assert (root / "build" / "new.js").exists()
    assert (root / "node_modules" / "right-pad" / "index.js").exists()
    assert (root / "trace.log").exists() and (root / "debug.log").exists()


def test_info_exclude_of_the_project_is_respected(root: Path, data: Path) -> None:
    git(root, "init", "-q")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("secret.txt\nscratch/\n")
    (root / "secret.txt").write_text("s\n")
    (root / "kept.txt").write_text("k\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()
    assert covered(snaps, tree) == ["kept.txt"]
    (root / "scratch").mkdir()
    (root / "scratch" / "tmp").write_text("t\n")
    (root / "secret.txt").write_text("s2\n")
    assert snaps.restore(tree) == []
    assert (root / "scratch" / "tmp").exists()
    assert (root / "secret.txt").read_text() == "s2\n"


def test_the_users_repository_is_untouched(root: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(root, "init", "-q")
    (root / ".gitignore").write_text("*.tmp\n")
    (root / "committed.txt").write_text("v1\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    (root / "staged.txt").write_text("staged\n")
    git(root, "add", "staged.txt")
    (root / "committed.txt").write_text("v2, not staged\n")
    (root / "untracked.txt").write_text("u\n")
    (root / "x.tmp").write_text("ignored\n")

    def repo_view() -> tuple:
        dot_git = root / ".git"
        objects = sorted(p.relative_to(dot_git).as_posix() for p in (dot_git / "objects").rglob("*"))
        index = dot_git / "index"
        return (
            git(root, "log", "--all", "--format=%H %s"),
            git(root, "status", "--porcelain", "--ignored"),
            git(root, "stash", "list"),
            index.stat().st_mtime_ns,
            index.read_bytes(),
            objects,
            sorted(p.name for p in dot_git.iterdir()),
        )

    before = repo_view()
    files_before = state(root)
    # As inside a git hook: variables that would aim a careless git at the user's repo.
    monkeypatch.setenv("GIT_DIR", str(root / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(root / ".git" / "index"))
    monkeypatch.setenv("GIT_WORK_TREE", str(root))
    snaps = Snapshots(root, data, env=os.environ)
    tree = snaps.take()
    (root / "committed.txt").write_text("v3\n")
    (root / "staged.txt").unlink()
    (root / "brand-new.txt").write_text("n\n")
    snaps.diff(tree)
    snaps.changed(tree)
    snaps.restore(tree)
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_INDEX_FILE")
    monkeypatch.delenv("GIT_WORK_TREE")

    assert state(root) == files_before
    assert repo_view() == before
    assert not data.joinpath(".git").exists()


def test_a_folder_that_is_not_a_repository_works(root: Path, data: Path) -> None:
    (root / "a.txt").write_text("a\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()
    (root / "a.txt").write_text("b\n")
    (root / "b.txt").write_text("b\n")
    assert snaps.restore(tree) == ["a.txt", "b.txt"]
    assert sorted(os.listdir(root)) == ["a.txt"]
    assert (root / "a.txt").read_text() == "a\n"


def test_an_empty_project_has_the_empty_tree(root: Path, data: Path) -> None:
    snaps = Snapshots(root, data)
    assert snaps.take() == EMPTY_TREE
    (root / "d").mkdir()
    (root / "d" / "f").write_text("f\n")
    assert snaps.restore(EMPTY_TREE) == ["d/f"]
    assert os.listdir(root) == []
    assert root.is_dir()


def test_diff_is_a_unified_diff(root: Path, data: Path) -> None:
    (root / "poem.txt").write_text("roses are red\nviolets are blue\n")
    (root / "gone.txt").write_text("bye\n")
    snaps = Snapshots(root, data)
    first = snaps.take()
    assert snaps.diff(first) == ""
    (root / "poem.txt").write_text("roses are red\nviolets are green\n")
    (root / "gone.txt").unlink()
    (root / "hello.txt").write_text("hello\n")

    text = snaps.diff(first)
    assert "diff --git a/poem.txt b/poem.txt\n" in text
    assert "--- a/poem.txt\n+++ b/poem.txt\n@@ -1,2 +1,2 @@\n roses are red\n-violets are blue\n+violets are green\n" in text
    assert "deleted file mode 100644" in text and "-bye\n" in text
    assert "new file mode 100644" in text and "+++ b/hello.txt\n" in text
    assert "\x1b[" not in text

    second = snaps.take()
    assert snaps.diff(first, second) == text
    assert "+violets are blue" in snaps.diff(second, first)


def test_changed_lists_added_modified_and_deleted(root: Path, data: Path) -> None:
    (root / "keep.txt").write_text("k\n")
    (root / "edit.txt").write_text("e\n")
    (root / "drop.txt").write_text("d\n")
    (root / "script").write_text("#!/bin/sh\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()
    (root / "edit.txt").write_text("e2\n")
    (root / "drop.txt").unlink()
    (root / "sub").mkdir()
    (root / "sub" / "add.txt").write_text("a\n")
    (root / "script").chmod(0o755)
    assert snaps.changed(tree) == [
        {"path": "drop.txt", "status": "deleted"},
        {"path": "edit.txt", "status": "modified"},
        {"path": "script", "status": "modified"},
        {"path": "sub/add.txt", "status": "added"},
    ]
    later = snaps.take()
    assert snaps.changed(later, tree) == [
        {"path": "drop.txt", "status": "added"},
        {"path": "edit.txt", "status": "modified"},
        {"path": "script", "status": "modified"},
        {"path": "sub/add.txt", "status": "deleted"},
    ]


def test_restore_to_an_older_snapshot_of_several(root: Path, data: Path) -> None:
    (root / "f.txt").write_text("1\n")
    snaps = Snapshots(root, data)
    one = snaps.take()
    (root / "f.txt").write_text("2\n")
    (root / "g.txt").write_text("g\n")
    two = snaps.take()
    (root / "f.txt").write_text("3\n")
    snaps.restore(one)
    assert state(root) == {"f.txt": ("file", b"1\n", False)}
    snaps.restore(two)
    assert state(root) == {"f.txt": ("file", b"2\n", False), "g.txt": ("file", b"g\n", False)}


def test_each_project_has_its_own_store(tmp_path: Path, data: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (first / "a.txt").write_text("one\n")
    (second / "a.txt").write_text("two\n")
    a, b = Snapshots(first, data), Snapshots(second, data)
    assert a.store != b.store
    assert a.store == data / "snapshots" / hashlib.sha256(str(first.resolve()).encode()).hexdigest()[:16]
    tree_a, tree_b = a.take(), b.take()
    assert (a.store / "HEAD").exists() and (b.store / "HEAD").exists()
    (first / "a.txt").write_text("changed\n")
    (second / "a.txt").write_text("changed\n")
    a.restore(tree_a)
    assert (first / "a.txt").read_text() == "one\n"
    assert (second / "a.txt").read_text() == "changed\n"
    b.restore(tree_b)
    assert (second / "a.txt").read_text() == "two\n"


def test_a_data_dir_inside_the_project_is_not_snapshotted(root: Path) -> None:
    (root / "a.txt").write_text("a\n")
    snaps = Snapshots(root, root / ".opencode-data")
    tree = snaps.take()
    assert covered(snaps, tree) == ["a.txt"]
    (root / "b.txt").write_text("b\n")
    assert snaps.restore(tree) == ["b.txt"]
    assert (snaps.store / "HEAD").exists()


def test_a_file_replaced_by_a_folder_comes_back(root: Path, data: Path) -> None:
    (root / "thing").write_text("was a file\n")
    (root / "dir").mkdir()
    (root / "dir" / "x").write_text("x\n")
    before = state(root)
    snaps = Snapshots(root, data)
    tree = snaps.take()
    (root / "thing").unlink()
    (root / "thing").mkdir()
    (root / "thing" / "inner.txt").write_text("now a folder\n")
    (root / "dir" / "x").unlink()
    (root / "dir").rmdir()
    (root / "dir").write_text("now a file\n")
    snaps.restore(tree)
    assert state(root) == before


def test_ignored_content_in_the_way_stops_a_restore_untouched(root: Path, data: Path) -> None:
    (root / ".gitignore").write_text("*.log\n")
    (root / "out").write_text("a file\n")
    (root / "other.txt").write_text("o\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()
    (root / "out").unlink()
    (root / "out").mkdir()
    (root / "out" / "run.log").write_text("precious log\n")
    (root / "other.txt").write_text("o2\n")
    during = state(root)
    with pytest.raises(ToolError, match="out"):
        snaps.restore(tree)
    assert state(root) == during


def test_nested_repositories_are_left_alone(root: Path, data: Path) -> None:
    (root / "a.txt").write_text("a\n")
    (root / "empty-repo").mkdir()
    git(root / "empty-repo", "init", "-q")
    (root / "empty-repo" / "f").write_text("f\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()  # a repository without a commit must not break the snapshot
    (root / "vendor").mkdir()
    git(root / "vendor", "init", "-q")
    (root / "vendor" / "lib.py").write_text("lib\n")
    git(root / "vendor", "add", ".")
    git(root / "vendor", "commit", "-qm", "v")
    (root / "a.txt").write_text("b\n")
    assert snaps.changed(tree) == [{"path": "a.txt", "status": "modified"}]
    assert snaps.restore(tree) == ["a.txt"]
    assert (root / "vendor" / "lib.py").read_text() == "lib\n"
    assert (root / "empty-repo" / "f").exists()


def test_not_a_snapshot_id_is_a_tool_error(root: Path, data: Path) -> None:
    snaps = Snapshots(root, data)
    for bad in ("--output=/tmp/x", "HEAD", "", "abc"):
        with pytest.raises(ToolError, match="not a snapshot id"):
            snaps.restore(bad)
    with pytest.raises(ToolError, match="not a snapshot id"):
        snaps.diff("main")


def test_a_failing_git_call_is_a_tool_error(root: Path, data: Path) -> None:
    (root / "a.txt").write_text("a\n")
    snaps = Snapshots(root, data)
    snaps.take()
    with pytest.raises(ToolError, match=r"git diff failed: .*deadbeef"):
        snaps.diff("deadbeef" * 5)
    with pytest.raises(ToolError, match="git .* failed"):
        snaps.restore("0123456789abcdef0123456789abcdef01234567")
    assert (root / "a.txt").read_text() == "a\n"


def test_a_broken_store_is_a_tool_error(root: Path, data: Path) -> None:
    snaps = Snapshots(root, data)
    snaps.take()
    (snaps.store / "objects").rename(snaps.store / "objects-gone")
    (root / "a.txt").write_text("a\n")
    with pytest.raises(ToolError) as caught:
        snaps.take()
    assert caught.value.message.startswith("git ")


def test_without_git_there_is_a_clear_error(root: Path, data: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-bin"
    empty.mkdir()
    snaps = Snapshots(root, data, env={"PATH": str(empty)})  # constructing needs no git
    with pytest.raises(ToolError, match=GIT_MISSING):
        snaps.take()


def test_concurrent_snapshots_of_one_project_do_not_collide(root: Path, data: Path) -> None:
    """Two sessions in one project share a store; each call waits for the other."""
    from concurrent.futures import ThreadPoolExecutor

    fill(root)
    first, second = Snapshots(root, data), Snapshots(root, data)
    with ThreadPoolExecutor(4) as pool:
        trees = set(pool.map(lambda i: (first if i % 2 else second).take(), range(16)))
    assert len(trees) == 1


def test_a_stale_index_lock_is_cleared(root: Path, data: Path) -> None:
    """A git killed by the timeout leaves index.lock behind; it must not break undo forever."""
    (root / "a.txt").write_text("a\n")
    snaps = Snapshots(root, data)
    tree = snaps.take()
    (snaps.store / "index.lock").write_text("")
    (root / "a.txt").write_text("b\n")
    assert snaps.restore(tree) == ["a.txt"]
