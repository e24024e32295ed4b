"""Man pages and completion scripts are generated from the Click tree and kept fresh."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import opencode_command
from opencode.cli import gendocs

REPO = Path(__file__).resolve().parents[2]


def test_committed_docs_are_fresh(tmp_path: Path):
    gendocs.generate(tmp_path)
    stale = []
    for folder in ("man", "completions"):
        for fresh in sorted((tmp_path / folder).iterdir()):
            committed = REPO / folder / fresh.name
            if not committed.exists() or committed.read_text() != fresh.read_text():
                stale.append(f"{folder}/{fresh.name}")
    assert not stale, f"stale generated files (run: python -m opencode.cli.gendocs): {stale}"


def test_every_command_has_a_man_page():
    names = set(gendocs.pages())
    assert {"opencode.1", "opencode-read.1", "opencode-config-set.1", "opencode-tool-call.1"} <= names


def test_bash_completion_answers(project: Path, env: dict):
    proc = subprocess.run(
        opencode_command(),
        cwd=project,
        env={**env, "_OPENCODE_COMPLETE": "bash_complete", "COMP_WORDS": "opencode con", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "plain,config" in proc.stdout.split()
