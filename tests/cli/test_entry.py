"""The root command: help, version, directories, errors, formats, lazy loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import opencode_command
from opencode import __version__
from opencode.cli.commands import COMMANDS
from opencode.tools import BUILTIN


def test_help_lists_every_command(oc):
    for args in (["--help"], ["-h"], []):
        result = oc(*args)
        assert result.code == 0
        for name in COMMANDS:
            assert f"  {name}" in result.stdout
        assert "--profile NAME" in result.stdout and "-C DIR" in result.stdout


def test_version(oc):
    assert oc("--version").stdout.strip() == f"opencode {__version__}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_help(oc, name):
    result = oc(name, "--help")
    assert result.code == 0, result.stderr
    assert "Usage: opencode" in result.stdout


def test_help_imports_no_subcommand_module(project, env):
    code = "import sys; from opencode.cli.entry import run; run(['--help']); print(sorted(sys.modules), file=sys.stderr)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True)
    loaded = set(eval(proc.stderr.strip().splitlines()[-1]))
    command_modules = {target.split(":")[0] for target, _ in COMMANDS.values() if not target.startswith("tool:")}
    tool_modules = {path.split(":")[0] for path, _ in BUILTIN.values()}
    assert not loaded & (command_modules | tool_modules | {"click", "asyncio", "rich", "opencode.cli.app"})


def test_tool_command_imports_neither_click_nor_asyncio(project, env):
    (project / "small.py").write_text("x = 1\n")
    code = "import sys; from opencode.cli.entry import run; run(['read', 'small.py']); print(sorted(m for m in sys.modules if m in ('click', 'asyncio', 'litellm', 'rich', 'mcp', 'jsonschema')), file=sys.stderr)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True)
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def test_unknown_command_suggests(oc):
    result = oc("raed", "x")
    assert result.code == 2
    assert "read" in result.stderr and "Traceback" not in result.stderr


def test_bad_option_is_usage_error_with_record(oc, project: Path):
    (project / "f.txt").write_text("x\n")
    result = oc("read", "f.txt", "--offset", "abc")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert result.record["type"] == "error" and result.record["error"]["code"] == "usage"
    assert oc("read", "f.txt", "--offset", "0").code == 2


def test_directory_argument_and_dash_c(oc, project: Path, tmp_path: Path):
    (project / "f.txt").write_text("x\n")
    assert oc("-C", str(project), "read", "f.txt", cwd=tmp_path).record["text"] == "x\n"
    assert oc(str(project), "read", "f.txt", cwd=tmp_path).record["text"] == "x\n"
    result = oc("-C", str(tmp_path / "nope"), "read", "f.txt")
    assert result.code == 2 and "not a directory" in result.stderr


def test_json_flag_positions_and_jsonl(oc, project: Path):
    (project / "f.txt").write_text("x\n")
    for args in (["--json", "read", "f.txt"], ["read", "f.txt", "--json"], ["read", "--format", "jsonl", "f.txt"]):
        lines = oc(*args).stdout.splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["type"] == "tool_result"


def test_fast_and_click_paths_agree(oc, project: Path):
    """``-v`` sends a command through Click; the record must be identical."""
    (project / "f.txt").write_text("a\nb\nc\n")
    fast = oc("read", "f.txt", "--offset=2", "--limit", "1").record
    slow = oc("-v", "--no-color", "read", "f.txt", "--offset", "2", "--limit=1").record
    assert fast == slow


def test_quiet_hides_warnings_not_errors(oc, project: Path):
    (project / "opencode.toml").write_text("[ui]\nunknown_thing = 1\n")
    assert "Warning" in oc("config", "path").stderr
    assert "Warning" not in oc("-q", "config", "path").stderr
    assert "Error" in oc("-q", "read", "missing").stderr


def test_broken_pipe_is_quiet(project, env):
    (project / "big.txt").write_text("line\n" * 200_000)
    cmd = " ".join(opencode_command()) + " read big.txt --format text | head -1"
    proc = subprocess.run(["bash", "-c", cmd], cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout == "line\n"
    assert "Traceback" not in proc.stderr
