"""ls, glob, grep and rm through the real CLI, compared with ripgrep itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from opencode.tools._rg import rg_binary


def make_tree(root: Path, files: int, *, match_every: int = 0) -> None:
    for i in range(files):
        folder = root / f"pkg{i % 40}" / f"sub{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = f"x_{i} = {i}\n"
        if match_every and i % match_every == 0:
            body += f"def function_{i}():\n    return {i}\n"
        (folder / f"mod{i}.py").write_text(body)


def test_grep_finds_every_match_rg_finds(oc, project: Path):
    make_tree(project, 2000, match_every=40)  # 50 files with a match
    (project / "notes.txt").write_text("def not_python\n")
    result = oc("grep", "def ", "--include", "*.py")
    assert result.code == 0, result.stderr
    ours = set(result.record["text"].splitlines())
    rg = subprocess.run(
        [rg_binary(), "--line-number", "--with-filename", "--no-heading", "--glob", "*.py", "def "],
        cwd=project, capture_output=True, text=True,
    )
    theirs = set(rg.stdout.splitlines())
    assert len(theirs) == 50
    assert ours == theirs
    assert result.record["metadata"]["matches"] == 50


def test_grep_caps_at_100_newest_first_and_counts_all(oc, project: Path):
    for i in range(30):
        path = project / f"f{i:02}.txt"
        path.write_text("hit\n" * 10)
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    rec = oc("grep", "hit").record
    assert rec["metadata"] == {"matches": 300, "files": 30, "shown": 100, "truncated": True}
    assert "Showing 100 of 300 matches" in rec["output"]
    first_files = [line.split(":")[0] for line in rec["text"].splitlines()]
    assert first_files[0] == "f29.txt"
    assert sorted(set(first_files), reverse=True) == sorted(set(first_files), reverse=True)
    assert set(first_files) == {f"f{i:02}.txt" for i in range(20, 30)}


def test_grep_bad_regex_is_usage_error(oc, project: Path):
    (project / "a.txt").write_text("x\n")
    result = oc("grep", "def (")
    assert result.code == 2
    assert "invalid regular expression" in result.stderr


def test_grep_respects_gitignore_and_searches_hidden(oc, project: Path):
    (project / ".gitignore").write_text("secret.txt\n")
    (project / "secret.txt").write_text("needle\n")
    (project / ".github").mkdir()
    (project / ".github" / "ci.yml").write_text("needle\n")
    text = oc("grep", "needle").record["text"]
    assert ".github/ci.yml:1:needle" in text
    assert "secret" not in text


def test_glob_newest_first_limited_to_100(oc, project: Path):
    for i in range(120):
        path = project / "src" / f"m{i:03}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text("")
        os.utime(path, (2_000_000 + i, 2_000_000 + i))
    (project / "README.md").write_text("")
    rec = oc("glob", "**/*.py").record
    assert rec["metadata"]["count"] == 120 and rec["metadata"]["truncated"] is True
    files = rec["metadata"]["files"]
    assert len(files) == 100 and files[0] == "src/m119.py" and files[-1] == "src/m020.py"
    assert "README.md" not in rec["output"]


def test_ls_tree_skips_default_ignores(oc, project: Path):
    for path in ["src/app/main.py", "src/util.py", "node_modules/x/index.js", "__pycache__/a.pyc", "build/out.o", "README.md"]:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text("x")
    rec = oc("ls").record
    assert rec["output"].splitlines()[1:] == ["  src/", "    app/", "      main.py", "    util.py", "  README.md"]
    rec = oc("ls", "--ignore", "*.md").record
    assert "README.md" not in rec["output"]


def test_ls_caps_at_100_with_note(oc, project: Path):
    for i in range(150):
        (project / f"f{i:03}.txt").write_text("")
    rec = oc("ls").record
    assert rec["metadata"] == {"count": 150, "truncated": True}
    assert "Showing 100 of 150 files" in rec["output"]


def test_rm_rules(oc, project: Path, tmp_path: Path):
    (project / "dir").mkdir()
    (project / "dir" / "a.txt").write_text("a")
    (project / "f.txt").write_text("f")
    assert oc("rm", "dir").code == 1 and (project / "dir").exists()
    assert oc("rm", "dir", "--recursive").code == 0 and not (project / "dir").exists()
    assert oc("rm", "f.txt").code == 0 and not (project / "f.txt").exists()
    assert oc("rm", ".").code == 3
    assert oc("rm", ".git", "--recursive").code == 3 and (project / ".git").exists()
    assert oc("rm", ".git/HEAD").code == 3
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    assert oc("rm", str(outside)).code == 3 and outside.exists()
    assert oc("rm", "nothing-here").code == 1
    (project / "link").symlink_to(outside)
    assert oc("rm", "link").code == 0
    assert not (project / "link").is_symlink() and outside.read_text() == "keep"


def test_an_include_or_a_glob_does_not_reach_ignored_files(oc, project: Path):
    """rg lets a --glob naming files override .gitignore; ours must not, or
    ``grep KEY --include .env`` would read the ignored secrets file."""
    (project / ".gitignore").write_text(".env\nbuild/\n")
    (project / ".env").write_text("API_KEY=sk-secret-value\n")
    (project / "settings.py").write_text("API_KEY = os.environ['API_KEY']\n")
    grep = oc("grep", "API_KEY", "--include", ".env")
    assert "sk-secret-value" not in grep.stdout
    assert oc("grep", "API_KEY", "--include", "*.py").record["metadata"]["matches"] == 1
    assert ".env" not in oc("glob", ".env*").record["metadata"]["files"]
