"""edit and multiedit called directly: file handling, errors, atomicity, read-before-edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opencode.errors import FileMissing, InvalidParams, PermissionDenied, ToolError
from opencode.fsutil import content_stamp
from opencode.tools import builtin_spec
from opencode.tools.base import ToolContext
from helpers import call_tool_blocking

from helpers import tool_context


def context(root: Path, read_files: dict | None = None) -> ToolContext:
    return tool_context(root, read_files=read_files)


def call(root: Path, tool: str, ctx: ToolContext | None = None, **params):
    return call_tool_blocking(builtin_spec(tool), params, ctx or context(root))


def edit(root: Path, path: str, old: str, new: str, **extra):
    return call(root, "edit", path=path, old_string=old, new_string=new, **extra)


def test_edit_result_carries_a_diff_and_counts(root: Path):
    (root / "f.py").write_text("a = 1\nb = 2\n")
    result = edit(root, "f.py", "b = 2", "b = 3\nc = 4")
    assert (root / "f.py").read_text() == "a = 1\nb = 3\nc = 4\n"
    meta = result.metadata
    assert meta["added"] == 2 and meta["removed"] == 1
    assert "-b = 2\n+b = 3\n+c = 4\n" in meta["diff"] and meta["diff"].startswith("--- a/f.py\n+++ b/f.py\n")
    assert meta["strategy"] == "exact" and meta["replacements"] == 1
    assert result.output == "Edited f.py: 1 replacement (+2 -1)"


def test_fuzzy_edits_say_how_they_matched(root: Path):
    (root / "f.py").write_text("if x:\n    y = 1\n")
    result = edit(root, "f.py", "\ty = 1\n", "\ty = 2\n")
    assert (root / "f.py").read_text() == "if x:\n    y = 2\n"
    assert "line-trimmed" in result.output and result.metadata["strategy"] == "line-trimmed"


def test_crlf_file_keeps_crlf_whatever_the_request_used(root: Path):
    (root / "f.py").write_bytes(b"one\r\ntwo\r\nthree\r\n")
    edit(root, "f.py", "two\nthree", "2\n3\nand four")
    assert (root / "f.py").read_bytes() == b"one\r\n2\r\n3\r\nand four\r\n"
    edit(root, "f.py", "one\r\n2", "uno\r\ndos")
    assert (root / "f.py").read_bytes() == b"uno\r\ndos\r\n3\r\nand four\r\n"


def test_lf_file_stays_lf_when_the_request_uses_crlf(root: Path):
    (root / "f.py").write_bytes(b"one\ntwo\n")
    edit(root, "f.py", "one\r\ntwo", "1\r\n2")
    assert (root / "f.py").read_bytes() == b"1\n2\n"


def test_mixed_endings_outside_the_edit_are_untouched(root: Path):
    (root / "f.py").write_bytes(b"a\r\nb\nc\r\nd\r\n")
    edit(root, "f.py", "c\nd", "C\nD")
    assert (root / "f.py").read_bytes() == b"a\r\nb\nC\r\nD\r\n"


def test_bom_is_kept_and_does_not_hide_the_first_line(root: Path):
    (root / "f.py").write_bytes(b"\xef\xbb\xbfimport os\r\nx = 1\r\n")
    edit(root, "f.py", "  import os\nx = 1", "import sys\nx = 2")
    assert (root / "f.py").read_bytes() == b"\xef\xbb\xbfimport sys\r\nx = 2\r\n"


def test_undecodable_bytes_outside_the_edit_survive(root: Path):
    (root / "f.txt").write_bytes(b"caf\xe9\nx = 1\n")
    edit(root, "f.txt", "x = 1", "x = 2")
    assert (root / "f.txt").read_bytes() == b"caf\xe9\nx = 2\n"


def test_replace_all_changes_every_occurrence(root: Path):
    (root / "f.py").write_text("old()\nold()\nkeep()\nold()\n")
    result = edit(root, "f.py", "old()", "new()", replace_all=True)
    assert (root / "f.py").read_text() == "new()\nnew()\nkeep()\nnew()\n"
    assert result.metadata["replacements"] == 3


def test_empty_old_string_creates_a_missing_file_and_refuses_an_existing_one(root: Path):
    result = edit(root, "pkg/new.py", "", "print('hi')\n")
    assert (root / "pkg/new.py").read_text() == "print('hi')\n"
    assert result.metadata["created"] is True and result.metadata["added"] == 1
    with pytest.raises(ToolError, match="already exists"):
        edit(root, "pkg/new.py", "", "other\n")
    assert (root / "pkg/new.py").read_text() == "print('hi')\n"


@pytest.mark.parametrize(
    ("setup", "message", "error"),
    [
        (lambda r: None, "file not found: f.py", FileMissing),
        (lambda r: (r / "f.py").mkdir(), "is a directory", ToolError),
        (lambda r: (r / "f.py").write_bytes(b"\x00\x01binary\x00"), "binary file", ToolError),
    ],
)
def test_missing_folder_and_binary_are_clear_errors(root: Path, setup, message, error):
    setup(root)
    with pytest.raises(error, match=message):
        edit(root, "f.py", "x", "y")


def test_identical_strings_are_an_error(root: Path):
    (root / "f.py").write_text("x\n")
    with pytest.raises(ToolError, match="identical"):
        edit(root, "f.py", "x", "x")


def test_schema_rejects_unknown_and_missing_parameters(root: Path):
    with pytest.raises(InvalidParams, match="new_string"):
        call(root, "edit", path="f.py", old_string="x")
    with pytest.raises(InvalidParams, match="bogus"):
        call(root, "edit", path="f.py", old_string="x", new_string="y", bogus=1)


def test_paths_outside_the_project_are_refused(root: Path):
    (root.parent / "outside.py").write_text("x\n")
    with pytest.raises(PermissionDenied):
        edit(root, "../outside.py", "x", "y")
    assert (root.parent / "outside.py").read_text() == "x\n"


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("nothing like this", "not found"),
        ("dup()", "found multiple matches; add surrounding context or use replace_all"),
        ("values = [1, 2, 3, 4, 5]", "refusing a whitespace-normalized match"),
    ],
)
def test_a_failed_edit_leaves_the_file_byte_for_byte_and_no_temp_files(root: Path, old: str, message: str):
    original = b"dup()\r\ndup()\r\nvalues = [1,\r\n  2,\r\n  3,\r\n  4,\r\n  5]\r\n"
    (root / "f.py").write_bytes(original)
    before = os.stat(root / "f.py").st_mtime_ns
    with pytest.raises(ToolError, match=message):
        edit(root, "f.py", old, "changed")
    assert (root / "f.py").read_bytes() == original
    assert os.stat(root / "f.py").st_mtime_ns == before
    assert sorted(p.name for p in root.iterdir()) == ["f.py"]


# -- read before edit ------------------------------------------------------------------


def test_in_a_session_a_file_must_be_read_before_it_is_edited(root: Path):
    (root / "f.py").write_text("x = 1\n")
    ctx = context(root, read_files={})
    with pytest.raises(ToolError, match="read f.py before editing it"):
        call(root, "edit", ctx, path="f.py", old_string="x = 1", new_string="x = 2")
    call(root, "read", ctx, path="f.py")
    call(root, "edit", ctx, path="f.py", old_string="x = 1", new_string="x = 2")
    assert ctx.read_files[str(root / "f.py")] == content_stamp((root / "f.py").read_bytes())
    call(root, "edit", ctx, path="f.py", old_string="x = 2", new_string="x = 3")  # our own edit counts as a read
    assert (root / "f.py").read_text() == "x = 3\n"


def test_a_file_changed_since_it_was_read_must_be_read_again(root: Path):
    (root / "f.py").write_text("x = 1\n")
    ctx = context(root, read_files={})
    call(root, "read", ctx, path="f.py")
    (root / "f.py").write_text("x = 1\ny = 2\n")
    mtime = os.stat(root / "f.py").st_mtime
    os.utime(root / "f.py", (mtime + 5, mtime + 5))
    with pytest.raises(ToolError, match="changed since it was last read; read it again"):
        call(root, "edit", ctx, path="f.py", old_string="x = 1", new_string="x = 2")
    with pytest.raises(ToolError, match="changed since it was last read"):
        call(root, "multiedit", ctx, path="f.py", edits=[{"old_string": "x = 1", "new_string": "x = 2"}])
    assert (root / "f.py").read_text() == "x = 1\ny = 2\n"


def test_creating_a_file_needs_no_read(root: Path):
    ctx = context(root, read_files={})
    call(root, "edit", ctx, path="new.py", old_string="", new_string="x\n")
    assert str(root / "new.py") in ctx.read_files


# -- multiedit ---------------------------------------------------------------------------


def multiedit(root: Path, path: str, *pairs, ctx: ToolContext | None = None):
    edits = [{"old_string": old, "new_string": new, **extra} for old, new, *rest in pairs for extra in [rest[0] if rest else {}]]
    return call(root, "multiedit", ctx, path=path, edits=edits)


def test_multiedit_applies_edits_in_order_on_the_text_so_far(root: Path):
    (root / "f.py").write_bytes(b"a = 1\r\nb = 2\r\nb = 2\r\n")
    result = multiedit(root, "f.py", ("a = 1", "a = 10"), ("a = 10\nb = 2", "a = 11\nb = 3"), ("b = 2", "b = 4", {"replace_all": True}))
    assert (root / "f.py").read_bytes() == b"a = 11\r\nb = 3\r\nb = 4\r\n"
    assert [e["strategy"] for e in result.metadata["edits"]] == ["exact", "exact", "exact"]
    assert result.metadata["added"] == 3 and result.metadata["removed"] == 3


def test_multiedit_is_all_or_nothing(root: Path):
    original = b"a = 1\nb = 2\n"
    (root / "f.py").write_bytes(original)
    with pytest.raises(ToolError, match="edit 2 of 3: old_string not found"):
        multiedit(root, "f.py", ("a = 1", "a = 2"), ("zzz", "y"), ("b = 2", "b = 3"))
    with pytest.raises(ToolError, match="edit 2 of 2: .*found multiple matches"):
        multiedit(root, "f.py", ("b = 2", "a = 1"), ("a = 1", "c"))
    assert (root / "f.py").read_bytes() == original


def test_multiedit_uses_the_same_fuzzy_engine(root: Path):
    (root / "f.py").write_text("def f():\n    x = 1\n    y = 2\n")
    result = multiedit(root, "f.py", ("x = 1", "x = 3"), ("y  =  2", "y = 4"))
    assert (root / "f.py").read_text() == "def f():\n    x = 3\n    y = 4\n"
    assert [e["strategy"] for e in result.metadata["edits"]] == ["exact", "whitespace-normalized"]


def test_multiedit_creates_a_file_from_an_empty_first_edit(root: Path):
    result = multiedit(root, "new.py", ("", "a = 1\nb = 2\n"), ("b = 2", "b = 3"))
    assert (root / "new.py").read_text() == "a = 1\nb = 3\n"
    assert result.metadata["created"] is True
    with pytest.raises(ToolError, match="edit 1 of 1: old_string is empty"):
        multiedit(root, "new.py", ("", "again"))
    with pytest.raises(ToolError, match="edit 2 of 2: old_string is empty"):
        multiedit(root, "other.py", ("", "x"), ("", "y"))
    assert not (root / "other.py").exists()


def test_multiedit_needs_at_least_one_edit(root: Path):
    with pytest.raises(InvalidParams, match="edits"):
        call(root, "multiedit", path="f.py", edits=[])


# -- hardening: what a fuzzy match may be ------------------------------------------------

BLOCK = "start()\n    one()\n    two()\n    three()\nend()\n"


def test_a_fuzzy_match_much_smaller_than_old_string_is_refused(root: Path):
    (root / "f.py").write_text(BLOCK)
    old = "start()\none()\n" + "made_up_call(argument); " * 4 + "\nthree()\nend()"
    with pytest.raises(ToolError, match="refusing a context-aware match at lines 1-5: it spans 5 lines"):
        edit(root, "f.py", old, "gone()")
    assert (root / "f.py").read_text() == BLOCK


@pytest.mark.parametrize(
    ("text", "old", "strategy"),
    [
        ("values = [1,  2, 3, 4, 5]\nvalues = [1,\n  2,\n  3,\n  4,\n  5]\n", "values = [1, 2, 3, 4, 5]", "whitespace-normalized"),
        ("start()\n    one()\n    " + "b" * 60 + "\n    three()\nend()\n" + BLOCK,
         "start()\none()\n" + "a" * 60 + "\nthree()\nend()", "context-aware"),
    ],
    ids=["one-much-larger", "one-much-smaller"],
)
def test_replace_all_checks_the_size_of_every_fuzzy_match(root: Path, text: str, old: str, strategy: str):
    (root / "f.py").write_text(text)
    with pytest.raises(ToolError, match=f"refusing a {strategy} match"):
        edit(root, "f.py", old, "gone()", replace_all=True)
    assert (root / "f.py").read_text() == text


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        ("grab  \ncount\n", "b\n c", "x\ny"),  # whitespace-normalized, inside words
        ("grab\ncount\n", " b\nc ", "x\ny"),  # its request trimmed as well
        ("grab\ncount\n", "b\\nc", "x\\ny"),  # escape-normalized
        ("log(1); run(job)\ncleanup()  # done\n", "run(job)\n\ncleanup()", "run(job, 2)\ncleanup()"),
    ],
    ids=["inside-words", "trimmed", "escaped", "inside-lines"],
)
def test_a_multi_line_old_string_is_matched_on_whole_lines_only(root: Path, text: str, old: str, new: str):
    (root / "f.py").write_text(text)
    with pytest.raises(ToolError, match="old_string not found"):
        edit(root, "f.py", old, new)
    assert (root / "f.py").read_text() == text


def test_a_multi_line_fuzzy_match_may_skip_indentation_and_trailing_spaces(root: Path):
    (root / "f.py").write_text("if ok:\n    call(a,   b,\n         c)   \n")
    result = edit(root, "f.py", "call(a, b,\n c)", "call(a, b,\n d)")
    assert (root / "f.py").read_text() == "if ok:\n    call(a, b,\n         d)   \n"
    assert result.metadata["strategy"] == "whitespace-normalized"


# -- hardening: escapes the file holds literally -----------------------------------------

SOURCE = 'def hello():\n    msg = "hi\\nthere"\n    say(msg, end="\\t")\n'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # quotes escaped once too often, the \n as the file has it
        ('msg = \\"hi\\nthere\\"', 'msg = \\"hi\\nyou\\"', '    msg = "hi\\nyou"\n    say(msg, end="\\t")\n'),
        # the file's \n sent as a newline, in old_string and new_string alike
        ('msg = "hi\nthere"', 'msg = "hey\nyou"', '    msg = "hey\\nyou"\n    say(msg, end="\\t")\n'),
        # both, with a real line break between them, and a line added
        ('msg = "hi\nthere"\n    say(msg, end="\t")', 'msg = "hi\nyou"\n    say(msg, end="\t")\n    done()',
         '    msg = "hi\\nyou"\n    say(msg, end="\\t")\n    done()\n'),
        # a quote added to a literal whose quotes the request escaped
        ('say(msg, end=\\"\\t\\")', 'say(msg, end=\\"\\t\\", sep=\\"\\")', '    msg = "hi\\nthere"\n    say(msg, end="\\t", sep="")\n'),
    ],
    ids=["escapes-kept", "escapes-sent-as-characters", "with-a-line-break", "quotes-added"],
)
def test_escape_normalized_finds_escapes_the_file_holds_literally(root: Path, old: str, new: str, expected: str):
    (root / "f.py").write_text(SOURCE)
    result = edit(root, "f.py", old, new)
    assert result.metadata["strategy"] == "escape-normalized"
    assert (root / "f.py").read_text() == "def hello():\n" + expected


def test_a_literal_with_many_escapes_sent_as_characters_is_not_taken_for_a_disproportion(root: Path):
    (root / "f.py").write_text('usage = "one\\ntwo\\nthree\\nfour"\n')
    edit(root, "f.py", 'usage = "one\ntwo\nthree\nfour"', 'usage = "one\ntwo\nthree"')
    assert (root / "f.py").read_text() == 'usage = "one\\ntwo\\nthree"\n'
