"""read and write as a user runs them: processes, pipes, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path


def test_read_numbers_lines_and_keeps_exact_text(oc, project: Path):
    (project / "f.py").write_bytes(b"one\r\ntwo\n\nfour")
    result = oc("read", "f.py")
    assert result.code == 0, result.stderr
    rec = result.record
    assert rec["type"] == "tool_result" and rec["tool"] == "read" and rec["v"] == 1
    assert rec["output"].splitlines() == ["     1\tone", "     2\ttwo", "     3\t", "     4\tfour"]
    assert rec["text"] == "one\r\ntwo\n\nfour"
    assert rec["input"] == {"path": "f.py"}


def test_read_pipe_write_copies_byte_for_byte(oc, project: Path):
    original = "héllo\r\nwörld\n\x0cform feed stays\n\ttabs\nno newline at end".encode()
    (project / "f.py").write_bytes(original)
    piped = oc("read", "f.py").stdout
    result = oc("write", "copy.py", input=piped)
    assert result.code == 0, result.stderr
    assert (project / "copy.py").read_bytes() == original
    assert result.record["metadata"]["created"] is True


def test_read_missing_file_suggests_similar_names(oc, project: Path):
    (project / "main.py").write_text("x = 1\n")
    (project / "mains.py").write_text("x = 2\n")
    result = oc("read", "mian.py")
    assert result.code == 1
    error = result.record["error"]
    assert error["code"] == "tool.not_found"
    assert "main.py" in error["hint"]
    assert result.record["tool"] == "read"
    assert "Error: file not found: mian.py" in result.stderr


def test_read_offset_limit_and_note(oc, project: Path):
    (project / "long.txt").write_text("".join(f"line {i}\n" for i in range(1, 101)))
    rec = oc("read", "long.txt", "--offset", "50", "--limit", "3").record
    assert rec["output"].startswith("    50\tline 50\n    51\tline 51\n    52\tline 52")
    assert "Use offset=53 to read on" in rec["output"]
    assert rec["text"] == "line 50\nline 51\nline 52\n"


def test_read_directory_and_binary_are_clear_errors(oc, project: Path):
    (project / "pkg").mkdir()
    (project / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    assert "is a directory" in oc("read", "pkg").stderr
    result = oc("read", "blob.bin")
    assert result.code == 1 and "binary file" in result.stderr


def test_read_outside_project_is_permission_denied(oc, project: Path, tmp_path: Path):
    sibling = tmp_path / "proj2"
    sibling.mkdir()
    (sibling / "x").write_text("secret\n")
    result = oc("read", "../proj2/x")
    assert result.code == 3
    assert result.record["error"]["code"] == "permission.denied"


def test_read_outside_project_allowed_by_config(oc, project: Path, tmp_path: Path):
    sibling = tmp_path / "proj2"
    sibling.mkdir()
    (sibling / "x").write_text("shared\n")
    (project / "opencode.toml").write_text(f'[permissions]\nallowed_paths = ["{sibling}"]\n')
    result = oc("read", "../proj2/x")
    assert result.code == 0, result.stderr
    assert result.record["text"] == "shared\n"


def test_symlink_escaping_the_project_is_refused(oc, project: Path, tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("nope\n")
    (project / "link.txt").symlink_to(outside)
    assert oc("read", "link.txt").code == 3


def test_write_from_plain_text_stdin_creates_parents(oc, project: Path):
    result = oc("write", "a/b/c.txt", input="hello\n")
    assert result.code == 0, result.stderr
    assert (project / "a/b/c.txt").read_text() == "hello\n"


def test_write_reports_added_and_removed_lines(oc, project: Path):
    (project / "f.txt").write_text("a\nb\nc\n")
    rec = oc("write", "f.txt", "--content", "a\nB\nc\nd\n").record
    assert rec["metadata"]["added"] == 2 and rec["metadata"]["removed"] == 1
    assert rec["metadata"]["created"] is False


def test_failed_upstream_never_truncates_a_file(oc, project: Path):
    (project / "keep.txt").write_text("precious\n")
    upstream = oc("read", "missing.py")
    result = oc("write", "keep.txt", input=upstream.stdout)
    assert result.code == 1
    assert "piped input is an error" in result.stderr
    assert (project / "keep.txt").read_text() == "precious\n"
    empty = oc("write", "keep.txt", input="")
    assert empty.code == 2 and "content" in empty.stderr
    assert (project / "keep.txt").read_text() == "precious\n"


def test_format_text_prints_only_the_text(oc, project: Path):
    (project / "f.txt").write_text("exact\ncontent\n")
    result = oc("read", "f.txt", "--format", "text")
    assert result.stdout == "exact\ncontent\n"
    result = oc("--format", "text", "read", "f.txt")
    assert result.stdout == "exact\ncontent\n"


def test_tool_call_with_bad_type_exits_2_naming_the_field(oc, project: Path):
    result = oc("tool", "call", "read", '{"path": 5}')
    assert result.code == 2
    assert "'path'" in result.stderr
    assert result.record["error"]["code"] == "usage.invalid_params"


def test_tool_call_reads_json_from_stdin(oc, project: Path):
    (project / "f.txt").write_text("x\n")
    result = oc("tool", "call", "read", "-", input=json.dumps({"path": "f.txt"}))
    assert result.code == 0, result.stderr
    assert result.record["text"] == "x\n"
