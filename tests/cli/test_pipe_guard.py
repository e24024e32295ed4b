"""A pipe never destroys a file: failed upstream commands are refused, unless --force."""

from __future__ import annotations

from pathlib import Path

import pytest

PRECIOUS = b"precious\ncontent\n"
PATCH = "*** Begin Patch\n*** Update File: keep.txt\n-precious\n+replaced\n content\n*** End Patch\n"


@pytest.fixture
def keep(project: Path) -> Path:
    path = project / "keep.txt"
    path.write_bytes(PRECIOUS)
    return path


@pytest.mark.parametrize(
    ("upstream", "reason"),
    [
        (["bash", "cat missing"], "exited with status 1"),
        (["bash", "exit 3"], "exited with status 3"),
        (["bash", "true"], "is empty"),
        (["grep", "no-such-text-anywhere"], "is empty"),
        (["read", "missing.py"], "is an error"),
    ],
)
def test_write_refuses_a_failed_upstream(oc, keep: Path, upstream: list[str], reason: str):
    piped = oc(*upstream).stdout
    result = oc("write", "keep.txt", input=piped)
    assert result.code == 1, result.stderr
    assert reason in result.stderr and "--force" in result.stderr
    assert result.stderr.count("\n") <= 2 and "Traceback" not in result.stderr
    assert result.record["type"] == "error" and result.record["tool"] == "write"
    assert keep.read_bytes() == PRECIOUS


def test_apply_patch_refuses_a_failed_upstream(oc, keep: Path):
    piped = oc("bash", f"printf '{PATCH}'; exit 2").stdout
    result = oc("apply_patch", input=piped)
    assert result.code == 1 and "exited with status 2" in result.stderr
    assert keep.read_bytes() == PRECIOUS


def test_force_writes_the_output_of_a_failed_command(oc, keep: Path):
    piped = oc("bash", "echo partial; exit 3").stdout
    result = oc("write", "keep.txt", "--force", input=piped)
    assert result.code == 0, result.stderr
    assert keep.read_bytes() == b"partial\n"
    empty = oc("bash", "true").stdout
    assert oc("write", "keep.txt", "--force", input=empty).code == 0
    assert keep.read_bytes() == b""


def test_force_through_the_click_command_too(oc, keep: Path):
    # `--` is not a plain form: the generated Click command parses this one.
    piped = oc("bash", "echo partial; exit 3").stdout
    result = oc("write", "--force", "--json", "--", "keep.txt", input=piped)
    assert result.code == 0, result.stderr
    assert keep.read_bytes() == b"partial\n"
    help_text = oc("write", "--help").stdout
    assert "--force" in help_text


def test_apply_patch_force(oc, keep: Path):
    piped = oc("bash", f"printf '{PATCH}'; exit 2").stdout
    result = oc("apply_patch", "--force", input=piped)
    assert result.code == 0, result.stderr
    assert keep.read_bytes() == b"replaced\ncontent\n"


def test_a_successful_command_still_pipes_into_write(oc, keep: Path):
    result = oc("write", "keep.txt", input=oc("bash", "echo fresh").stdout)
    assert result.code == 0, result.stderr
    assert keep.read_bytes() == b"fresh\n"


def test_copying_an_empty_file_needs_force(oc, project: Path, keep: Path):
    (project / "empty.txt").write_bytes(b"")
    piped = oc("read", "empty.txt").stdout
    assert oc("write", "keep.txt", input=piped).code == 1
    assert keep.read_bytes() == PRECIOUS
    assert oc("write", "keep.txt", "--force", input=piped).code == 0
    assert keep.read_bytes() == b""


def test_force_is_not_a_tool_parameter(oc, keep: Path):
    result = oc("tool", "call", "write", '{"path": "keep.txt", "content": "x", "force": true}')
    assert result.code == 2
    assert keep.read_bytes() == PRECIOUS
