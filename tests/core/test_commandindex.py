"""The fast, pathlib-free walk of the command folders gives the answers of the
real ones: ``paths.find_project_root``, ``library.search_dirs`` and ``entries``."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencode import commandindex, library
from opencode.paths import find_project_root


def test_project_root_matches_find_project_root(tmp_path: Path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "cfg" / "sub").mkdir(parents=True)
    (tmp_path / "cfg" / "opencode.toml").write_text("")
    (tmp_path / "bare" / "x").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "repo" / "a")
    for start in ("repo", "repo/a/b", "cfg/sub", "bare/x", "link"):
        assert commandindex.project_root(str(tmp_path / start)) == str(find_project_root(tmp_path / start))


@pytest.mark.parametrize("extra", [{}, {"XDG_CONFIG_HOME": "/custom/xdg"}, {"OPENCODE_CONFIG": "~/conf/opencode.toml"}])
def test_search_dirs_match_the_library(tmp_path: Path, env: dict, extra: dict):
    env = {k: v for k, v in env.items() if k != "OPENCODE_CONFIG"} | extra
    fast = commandindex.search_dirs(str(tmp_path), env)
    assert fast == [(where, str(folder)) for where, folder in library.search_dirs("commands", tmp_path, env)]


def test_command_files_match_library_entries(project: Path, env: dict):
    user = Path(env["OPENCODE_CONFIG"]).parent / "commands"
    for folder, names in ((project / ".opencode" / "commands", ["a.md", "a.toml", "explain.toml", ".hidden.md", "x.txt"]), (user, ["a.md", "b.toml", "review.md"])):
        folder.mkdir(parents=True)
        for name in names:
            (folder / name).write_text("")
    fast = commandindex.command_files(str(project), env)
    slow = sorted((name, where, str(path)) for name, where, path in library.entries("commands", project, env, commandindex.SUFFIXES))
    assert fast == slow
    assert ("a", "project", str(project / ".opencode" / "commands" / "a.md")) in fast
    assert {name for name, _, _ in fast} >= {"a", "b", "explain", "review", "commit", "test", "todo-scan"}


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("a.md", "---\ndescription: Plain words\nagent: plan\n---\nbody\n", "Plain words"),
        ("a.md", '---\nagent: plan\ndescription: "Quoted: with \\"escapes\\""\n---\n', 'Quoted: with "escapes"'),
        ("a.md", "---\ndescription: 'it''s single'  # note\n---\n", "it's single"),
        ("a.md", "---\ndescription: >\n  folded\n---\n", ""),
        ("a.md", "no front matter\ndescription: nope\n", ""),
        ("a.md", "---\nagent: plan\n---\ndescription: in the body\n", ""),
        ("a.toml", 'description = "From TOML" # c\nprompt = "x"\n', "From TOML"),
        ("a.toml", '[table]\ndescription = "nested"\n', ""),
    ],
)
def test_description_is_read_from_the_first_lines(tmp_path: Path, name: str, text: str, expected: str):
    (tmp_path / name).write_text(text)
    assert commandindex.description(tmp_path / name) == expected


def test_the_help_fast_path_imports_no_pathlib_or_parser(tmp_path: Path):
    import subprocess
    import sys

    code = (
        "import sys; from opencode.cli.helptext import declared_rows, root_help; "
        f"root_help(declared=declared_rows({str(tmp_path)!r}, {{}}, print)); "
        "print(sorted(m for m in ('pathlib', 'ruamel', 'tomllib', 'click') if any(k.split('.')[0] == m for k in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
