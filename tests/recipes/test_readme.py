"""The README's first "fresh machine" command runs a shipped recipe by replay on the
project's own code. This runs its opencode part, parsed out of README.md so the two
cannot drift, in a copy of the repository, with no key and no network.

The recording's fingerprint covers the explained file's content: if that file
changes, the replay fails with exit 4 (re-record with ``tests/recipes/record.py
explain``). That is why the README explains a small file that rarely changes.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

from helpers import run
from scenarios import EXPLAINED, EXPLANATION, REPO
from test_replay import OFFLINE

SETUP = "python3 -m venv .venv && .venv/bin/pip install -q . && "


def readme_command() -> list[str]:
    """The arguments the README's main-job line gives ``.venv/bin/opencode``."""
    line = next(line for line in (REPO / "README.md").read_text().splitlines() if line.startswith(SETUP) and " run " in line)
    words = shlex.split(line[len(SETUP):])
    assert words[0] == ".venv/bin/opencode", line
    return words[1:]


def repository_copy(target: Path) -> Path:
    """The repository's files (tracked, and new ones git does not ignore) in ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    return target


def test_the_readme_command_explains_a_file_offline(tmp_path, env):
    args = readme_command()
    assert args[:2] == ["run", "explain"] and f"file={EXPLAINED}" in args and "--replay" in args
    copy = repository_copy(tmp_path / "opencode")
    result = run(args, cwd=copy, env={**env, **OFFLINE}, timeout=60)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == EXPLANATION.strip()
    assert "did_you_mean" in result.stdout
