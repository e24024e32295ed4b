"""edit and multiedit as a user runs them: real processes, exit statuses, exact bytes."""

from __future__ import annotations

import json
from pathlib import Path


def call(oc, tool: str, **params):
    return oc("tool", "call", tool, json.dumps(params))


def test_tool_call_edit_changes_the_bytes_and_reports_a_diff(oc, project: Path):
    (project / "f.py").write_bytes(b"def f():\r\n    return 1\r\n")
    result = call(oc, "edit", path="f.py", old_string="return 1", new_string="return 2")
    assert result.code == 0, result.stderr
    assert (project / "f.py").read_bytes() == b"def f():\r\n    return 2\r\n"
    record = result.record
    assert record["type"] == "tool_result" and record["tool"] == "edit"
    assert record["metadata"]["added"] == 1 and record["metadata"]["removed"] == 1
    assert "+    return 2" in record["metadata"]["diff"]


def test_fuzzy_edit_through_the_cli(oc, project: Path):
    (project / "f.py").write_text("class A:\n    def f(self):\n        return 1\n")
    result = call(oc, "edit", path="f.py", old_string="def f(self):\n    return 1\n", new_string="def f(self):\n    return 2\n")
    assert result.code == 0, result.stderr
    assert (project / "f.py").read_text() == "class A:\n    def f(self):\n        return 2\n"
    assert result.record["metadata"]["strategy"] == "line-trimmed"


def test_failed_edits_exit_1_and_leave_the_bytes(oc, project: Path):
    original = b"x = 1\r\nx = 1\r\n"
    (project / "f.py").write_bytes(original)
    ambiguous = call(oc, "edit", path="f.py", old_string="x = 1", new_string="x = 2")
    assert ambiguous.code == 1
    assert ambiguous.record["type"] == "error" and ambiguous.record["error"]["code"] == "tool.failed"
    assert "found multiple matches; add surrounding context or use replace_all" in ambiguous.stderr
    missing = call(oc, "edit", path="f.py", old_string="y = 1", new_string="y = 2")
    assert missing.code == 1 and "old_string not found" in missing.stderr
    assert (project / "f.py").read_bytes() == original


def test_edit_outside_the_project_exits_3(oc, project: Path, tmp_path: Path):
    (tmp_path / "outside.py").write_text("x = 1\n")
    result = call(oc, "edit", path="../outside.py", old_string="x = 1", new_string="x = 2")
    assert result.code == 3
    assert result.record["error"]["code"] == "permission.denied"
    assert (tmp_path / "outside.py").read_text() == "x = 1\n"


def test_options_come_from_the_schema(oc, project: Path):
    (project / "f.py").write_text("a = 1\na = 1\n")
    result = oc("edit", "f.py", "--old-string", "a = 1", "--new-string", "a = 2", "--replace-all")
    assert result.code == 0, result.stderr
    assert (project / "f.py").read_text() == "a = 2\na = 2\n"
    assert result.record["metadata"]["replacements"] == 2
    result = oc("edit", "f.py", "--old-string=a = 2\na = 2", "--new-string=b = 3")
    assert result.code == 0, result.stderr
    assert (project / "f.py").read_text() == "b = 3\n"


def test_edit_help_shows_the_generated_options(oc):
    result = oc("edit", "--help")
    assert result.code == 0
    assert "--old-string" in result.stdout and "--replace-all" in result.stdout


def test_edit_help_shows_the_matching_rules_and_refusals_line_by_line(oc):
    result = oc("edit", "--help")
    assert result.code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    rules = [line for line in lines if line[:3] in {f"{n}. " for n in range(1, 9)}]
    assert [rule[:2] for rule in rules] == ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."]
    assert rules[0] == "1. exactly" and "escapes" in rules[5]
    refusals = lines[lines.index("Refused, and the file left unchanged:") + 1 :]
    assert refusals[0].startswith("- old_string found in more than one place")
    assert any("far more or fewer lines" in line for line in refusals)
    assert any("starting or ending inside a line" in line for line in refusals)
    assert "\x08" not in result.stdout


def test_identical_strings_and_missing_files_exit_1(oc, project: Path):
    (project / "f.py").write_text("x\n")
    assert call(oc, "edit", path="f.py", old_string="x", new_string="x").code == 1
    result = call(oc, "edit", path="nope.py", old_string="x", new_string="y")
    assert result.code == 1 and result.record["error"]["code"] == "tool.not_found"


def test_empty_old_string_creates_a_file(oc, project: Path):
    result = oc("edit", "src/new.py", "--old-string", "", "--new-string", "print(1)\n")
    assert result.code == 0, result.stderr
    assert (project / "src/new.py").read_bytes() == b"print(1)\n"
    assert result.record["metadata"]["created"] is True


def test_multiedit_all_or_nothing_through_the_cli(oc, project: Path):
    (project / "f.py").write_text("a = 1\nb = 2\n")
    edits = [{"old_string": "a = 1", "new_string": "a = 3"}, {"old_string": "b = 2", "new_string": "b = 4"}]
    result = oc("multiedit", "f.py", "--edits", json.dumps(edits))
    assert result.code == 0, result.stderr
    assert (project / "f.py").read_text() == "a = 3\nb = 4\n"
    bad = [{"old_string": "a = 3", "new_string": "a = 5"}, {"old_string": "nope", "new_string": "x"}]
    result = call(oc, "multiedit", path="f.py", edits=bad)
    assert result.code == 1 and "edit 2 of 2" in result.stderr
    assert (project / "f.py").read_text() == "a = 3\nb = 4\n"


def test_bad_multiedit_parameters_exit_2(oc, project: Path):
    result = call(oc, "multiedit", path="f.py", edits=[{"old_string": "a"}])
    assert result.code == 2 and "new_string" in result.stderr


def test_a_newline_sent_for_the_files_backslash_n_through_the_cli(oc, project: Path):
    (project / "f.py").write_bytes(b'print("one\\ntwo")\r\n')
    result = call(oc, "edit", path="f.py", old_string='print("one\ntwo")', new_string='print("one\nthree")')
    assert result.code == 0, result.stderr
    assert (project / "f.py").read_bytes() == b'print("one\\nthree")\r\n'
    assert result.record["metadata"]["strategy"] == "escape-normalized"


def test_a_fuzzy_match_inside_a_line_is_not_found_through_the_cli(oc, project: Path):
    (project / "f.py").write_text("grab  \ncount\n")
    result = call(oc, "edit", path="f.py", old_string="b\n c", new_string="x\ny")
    assert result.code == 1 and "old_string not found" in result.stderr
    assert (project / "f.py").read_text() == "grab  \ncount\n"
