"""apply_patch called directly: every marker, the leniencies, line endings, and the rule
that the whole patch is checked before any file is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencode.errors import FileMissing, PermissionDenied, ToolError
from opencode.fsutil import content_stamp
from opencode.tools import builtin_spec
from opencode.tools._patch import apply_hunks, parse
from opencode.tools.base import ToolContext
from helpers import call_tool_blocking

from helpers import tool_context


def context(root: Path, read_files: dict | None = None) -> ToolContext:
    return tool_context(root, read_files=read_files)


def apply(root: Path, patch: str, ctx: ToolContext | None = None):
    return call_tool_blocking(builtin_spec("apply_patch"), {"patch": patch}, ctx or context(root))


def wrap(*body: str) -> str:
    return "\n".join(("*** Begin Patch", *body, "*** End Patch")) + "\n"


def patched(text: str, *hunk_lines: str) -> str:
    [op] = parse(wrap("*** Update File: f.py", *hunk_lines))
    return apply_hunks(text, op.hunks, "f.py")


# -- markers -----------------------------------------------------------------------


def test_add_update_delete_in_one_patch(root: Path):
    (root / "main.py").write_text("import os\n\ndef main():\n    print('hi')\n")
    (root / "old.txt").write_text("bye\n")
    result = apply(root, wrap(
        "*** Add File: pkg/new.py",
        "+x = 1",
        "+",
        "+y = 2",
        "*** Update File: main.py",
        "@@ def main():",
        "-    print('hi')",
        "+    print('hello')",
        "*** Delete File: old.txt",
    ))
    assert (root / "pkg/new.py").read_text() == "x = 1\n\ny = 2\n"
    assert (root / "main.py").read_text() == "import os\n\ndef main():\n    print('hello')\n"
    assert not (root / "old.txt").exists()
    files = result.metadata["files"]
    assert [(f["path"], f["action"], f["added"], f["removed"]) for f in files] == [
        ("pkg/new.py", "added", 3, 0), ("main.py", "updated", 1, 1), ("old.txt", "deleted", 0, 1),
    ]
    assert result.metadata["diff"] == "".join(f["diff"] for f in files)
    assert "+    print('hello')" in files[1]["diff"]
    assert result.output.splitlines()[1:] == ["A pkg/new.py (+3 -0)", "M main.py (+1 -1)", "D old.txt (+0 -1)"]


def test_update_with_move_to(root: Path):
    (root / "a.py").write_text("x = 1\ny = 2\n")
    result = apply(root, wrap("*** Update File: a.py", "*** Move to: sub/b.py", "@@", " x = 1", "-y = 2", "+y = 3"))
    assert not (root / "a.py").exists()
    assert (root / "sub/b.py").read_text() == "x = 1\ny = 3\n"
    [entry] = result.metadata["files"]
    assert entry["action"] == "moved" and entry["path"] == "sub/b.py" and entry["from"] == "a.py"
    assert entry["diff"].startswith("--- a/a.py\n+++ b/sub/b.py\n")


def test_a_move_without_hunks_renames(root: Path):
    (root / "a.py").write_text("x\n")
    apply(root, wrap("*** Update File: a.py", "*** Move to: b.py"))
    assert (root / "b.py").read_text() == "x\n" and not (root / "a.py").exists()


def test_several_hunks_apply_in_order_with_context_lines():
    text = "".join(f"line {i}\n" for i in range(1, 21))
    result = patched(text, "@@", " line 2", "-line 3", "+LINE 3", "@@ line 14", " line 15", "-line 16", "+LINE 16")
    assert result == text.replace("line 3\n", "LINE 3\n").replace("line 16\n", "LINE 16\n")


def test_an_at_at_context_line_picks_the_right_place():
    text = "def a():\n    return 1\n\ndef b():\n    return 1\n"
    assert patched(text, "@@ def b():", "-    return 1", "+    return 2") == "def a():\n    return 1\n\ndef b():\n    return 2\n"


def test_nested_at_at_contexts_and_unified_ranges():
    text = "class A:\n    def f(self):\n        return 1\nclass B:\n    def f(self):\n        return 1\n"
    result = patched(text, "@@ class B:", "@@     def f(self):", "-        return 1", "+        return 2")
    assert result.endswith("class B:\n    def f(self):\n        return 2\n")
    assert patched("a\nb\nc\n", "@@ -1,3 +1,3 @@", " a", "-b", "+B") == "a\nB\nc\n"


def test_end_of_file_anchors_the_hunk_at_the_end():
    text = "x = 1\nend\nx = 1\nend\n"
    assert patched(text, "@@", "-x = 1", "-end", "+x = 2", "+end", "*** End of File") == "x = 1\nend\nx = 2\nend\n"


def test_a_pure_addition_goes_after_its_context_or_at_the_end():
    assert patched("a\nb\n", "@@ a", "+inserted") == "a\ninserted\nb\n"
    assert patched("a\nb\n", "@@", "+appended") == "a\nb\nappended\n"


def test_the_same_file_twice_in_one_patch_chains(root: Path):
    (root / "f.py").write_text("a\nb\n")
    apply(root, wrap("*** Update File: f.py", "-a", "+A", "*** Update File: f.py", "-b", "+B"))
    assert (root / "f.py").read_text() == "A\nB\n"


def test_deleting_a_binary_file_is_fine(root: Path):
    (root / "blob.bin").write_bytes(b"\x00\x01\x02")
    result = apply(root, wrap("*** Delete File: blob.bin"))
    assert not (root / "blob.bin").exists() and result.metadata["files"][0]["diff"] == ""


# -- leniency ---------------------------------------------------------------------


def test_marker_lines_may_carry_surrounding_whitespace(root: Path):
    (root / "f.py").write_text("a\nb\n")
    apply(root, "  *** Begin Patch  \n\t*** Update File:   f.py  \n@@\n-a\n+A\n   *** End Patch\t\n\n")
    assert (root / "f.py").read_text() == "A\nb\n"


@pytest.mark.parametrize("opening", ["<<'EOF'", "<<EOF", '<<"EOF"', "apply_patch <<'EOF'", "cat <<'EOF' | apply_patch"])
def test_a_patch_wrapped_in_a_heredoc(root: Path, opening: str):
    (root / "f.py").write_text("a\n")
    apply(root, f"{opening}\n\n*** Begin Patch\n*** Update File: f.py\n-a\n+b\n*** End Patch\n\nEOF\n")
    assert (root / "f.py").read_text() == "b\n"


@pytest.mark.parametrize("opening", ["<<'EOF\"", "<<\"EOF'", "<<'EOF", "<<EOF'", "apply_patch <<\"EOF"])
def test_a_heredoc_whose_quotes_do_not_match_is_an_error(root: Path, opening: str):
    (root / "f.py").write_text("a\n")
    with pytest.raises(ToolError, match="heredoc .*quotes do not match"):
        apply(root, f"{opening}\n*** Begin Patch\n*** Update File: f.py\n-a\n+b\n*** End Patch\nEOF\n")
    assert (root / "f.py").read_text() == "a\n"


@pytest.mark.parametrize("closing", ["'EOF'", "EOF'", "END", ""])
def test_a_heredoc_must_end_with_its_own_delimiter(root: Path, closing: str):
    (root / "f.py").write_text("a\n")
    body = "*** Begin Patch\n*** Update File: f.py\n-a\n+b\n*** End Patch"
    with pytest.raises(ToolError, match="heredoc <<'EOF' that does not end with EOF"):
        apply(root, f"<<'EOF'\n{body}\n{closing}\n")
    assert (root / "f.py").read_text() == "a\n"


def test_the_first_hunk_may_omit_at_at():
    assert patched("a\nb\nc\n", " a", "-b", "+B") == "a\nB\nc\n"


def test_blank_lines_that_lost_their_space_are_empty_context():
    assert patched("a\n\nb\n", " a", "", "-b", "+B") == "a\n\nB\n"


def test_a_blank_line_before_the_next_section_is_ignored(root: Path):
    (root / "f.py").write_text("a\nb\n")
    (root / "g.py").write_text("c\n")
    apply(root, wrap("*** Update File: f.py", "-a", "+A", "", "*** Update File: g.py", "-c", "+C", ""))
    assert (root / "f.py").read_text() == "A\nb\n" and (root / "g.py").read_text() == "C\n"


def test_context_is_found_exact_then_rstripped_then_stripped():
    assert patched("x = 1   \ny\n", " x = 1", "-y", "+Y") == "x = 1   \nY\n"
    assert patched("    x = 1\ny\n", " x = 1", "-y", "+Y") == "    x = 1\nY\n"


def test_context_is_found_with_unicode_punctuation_normalized_and_kept_as_the_file_has_it():
    text = "msg = \u201chello\u201d \u2014 it\u2019s\u00a0fine\nx = 1\n"
    result = patched(text, ' msg = "hello" - it\'s fine', "-x = 1", "+x = 2")
    assert result == "msg = \u201chello\u201d \u2014 it\u2019s\u00a0fine\nx = 2\n"


def test_exact_matches_win_over_looser_ones():
    text = "  x\ny\nx\ny\n"
    assert patched(text, " x", "-y", "+Y") == "  x\ny\nx\nY\n"


# -- line endings -------------------------------------------------------------------


def test_a_crlf_file_keeps_crlf_and_new_lines_get_it(root: Path):
    (root / "f.py").write_bytes(b"\xef\xbb\xbfa\r\nb\r\nc\r\n")
    apply(root, wrap("*** Update File: f.py", " a", "-b", "+B", "+B2"))
    assert (root / "f.py").read_bytes() == b"\xef\xbb\xbfa\r\nB\r\nB2\r\nc\r\n"


def test_a_patch_sent_with_crlf_still_parses(root: Path):
    (root / "f.py").write_text("a\n")
    apply(root, wrap("*** Update File: f.py", "-a", "+b").replace("\n", "\r\n"))
    assert (root / "f.py").read_bytes() == b"b\n"


def test_an_updated_file_ends_with_a_newline(root: Path):
    assert patched("a\nb", " a", "-b", "+B") == "a\nB\n"
    assert patched("a\nb", " b", "+c") == "a\nb\nc\n"
    assert patched("a\nb", "-a", "+A") == "A\nb\n"
    (root / "f.py").write_bytes(b"\xef\xbb\xbfa\r\nb")
    apply(root, wrap("*** Update File: f.py", "-a", "+A"))
    assert (root / "f.py").read_bytes() == b"\xef\xbb\xbfA\r\nb\r\n"


def test_lines_added_to_a_crlf_file_are_crlf(root: Path):
    (root / "f.py").write_bytes(b"a\r\nb")
    apply(root, wrap("*** Update File: f.py", "@@", "+c", "+d"))
    assert (root / "f.py").read_bytes() == b"a\r\nb\r\nc\r\nd\r\n"
    apply(root, wrap("*** Update File: f.py", "@@ a", "+a2", "*** End of File"))
    assert (root / "f.py").read_bytes() == b"a\r\na2\r\nb\r\nc\r\nd\r\n"


def test_a_hunk_of_pure_additions_then_a_hunk_with_removals(root: Path):
    (root / "f.py").write_text("a\nb\nc\n")
    apply(root, wrap("*** Update File: f.py", "@@", "+appended", "@@", " a", "-b", "+B"))
    assert (root / "f.py").read_text() == "a\nB\nc\nappended\n"
    apply(root, wrap("*** Update File: f.py", "+one", "+two", "@@ a", "+after a", "@@", "-c", "+C", "@@", "+three"))
    assert (root / "f.py").read_text() == "a\nafter a\nB\nC\nappended\none\ntwo\nthree\n"


# -- errors and atomicity --------------------------------------------------------------


def test_a_failing_second_hunk_leaves_the_file_untouched(root: Path):
    (root / "f.py").write_bytes(b"a\r\nb\r\n")
    with pytest.raises(ToolError, match=r"f.py: hunk 2 does not match the file .*\n  nope"):
        apply(root, wrap("*** Update File: f.py", "@@", "-a", "+A", "@@", "-nope", "+x"))
    assert (root / "f.py").read_bytes() == b"a\r\nb\r\n"


def test_a_failing_second_file_leaves_the_first_untouched(root: Path):
    for name in ("a.py", "b.py", "c.py"):
        (root / name).write_text(f"{name}\n")
    with pytest.raises(ToolError, match=r"b.py: hunk 1 does not match"):
        apply(root, wrap(
            "*** Add File: new.py", "+n",
            "*** Update File: a.py", "-a.py", "+A",
            "*** Delete File: c.py",
            "*** Update File: b.py", "-zzz", "+q",
        ))
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "b.py", "c.py"]
    assert (root / "a.py").read_text() == "a.py\n"


def test_a_missing_context_line_is_named(root: Path):
    (root / "f.py").write_text("a\n")
    with pytest.raises(ToolError, match="f.py: hunk 1: context line not found: 'def nowhere'"):
        apply(root, wrap("*** Update File: f.py", "@@ def nowhere", "-a", "+b"))


def test_every_path_is_checked_before_anything_is_written(root: Path):
    (root / "a.py").write_text("a\n")
    (root / "b.py").write_text("b\n")
    with pytest.raises(PermissionDenied):
        apply(root, wrap("*** Update File: a.py", "-a", "+A", "*** Update File: b.py", "*** Move to: ../escaped.py", "-b", "+B"))
    with pytest.raises(PermissionDenied):
        apply(root, wrap("*** Update File: a.py", "-zzz", "+A", "*** Add File: ../../x.py", "+x"))
    assert (root / "a.py").read_text() == "a\n" and (root / "b.py").read_text() == "b\n"
    assert not (root.parent / "escaped.py").exists()


@pytest.mark.parametrize(
    ("body", "message", "error"),
    [
        (["*** Add File: a.py", "+again"], "cannot add the file, it already exists", ToolError),
        (["*** Delete File: missing.py"], "file not found: missing.py", FileMissing),
        (["*** Update File: missing.py", "-a", "+b"], "file not found: missing.py", FileMissing),
        (["*** Update File: a.py", "*** Move to: b.py", "-a", "+b"], "cannot move to b.py, it already exists", ToolError),
        (["*** Update File: a.py"], "has no hunks", ToolError),
        (["*** Add File: c.py", "no plus"], "every line of an added file starts with '\\+'", ToolError),
        (["*** Update File: a.py", "@@", "?a"], "a hunk line starts with", ToolError),
        (["*** Frobnicate File: a.py"], "expected '\\*\\*\\* Add File:'", ToolError),
        (["*** Update File: dir", "-a", "+b"], "is a directory", ToolError),
        (["*** Add File: a.py/x.py", "+x"], "a.py is a file", ToolError),
    ],
)
def test_bad_patches_fail_clearly_and_change_nothing(root: Path, body, message, error):
    (root / "a.py").write_text("a\n")
    (root / "b.py").write_text("b\n")
    (root / "dir").mkdir()
    with pytest.raises(error, match=message):
        apply(root, wrap(*body))
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "b.py", "dir"]
    assert (root / "a.py").read_text() == "a\n"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ("*** Update File: a.py\n-a\n+b\n*** End Patch\n", "must start with"),
        ("*** Begin Patch\n*** Update File: a.py\n-a\n+b\n", "must end with"),
        ("*** Begin Patch\n*** End Patch\n", "changes no files"),
    ],
)
def test_begin_and_end_markers_are_required(root: Path, patch: str, message: str):
    (root / "a.py").write_text("a\n")
    with pytest.raises(ToolError, match=message):
        apply(root, patch)
    assert (root / "a.py").read_text() == "a\n"


# -- read before edit --------------------------------------------------------------------


def test_in_a_session_updated_files_must_have_been_read(root: Path):
    (root / "f.py").write_text("a\n")
    ctx = context(root, read_files={})
    update = wrap("*** Update File: f.py", "-a", "+b")
    with pytest.raises(ToolError, match="read f.py before editing it"):
        apply(root, update, ctx)
    call_tool_blocking(builtin_spec("read"), {"path": "f.py"}, ctx)
    apply(root, wrap("*** Update File: f.py", "-a", "+b", "*** Add File: new.py", "+n"), ctx)
    assert ctx.read_files[str(root / "f.py")] == content_stamp((root / "f.py").read_bytes())
    assert str(root / "new.py") in ctx.read_files
    apply(root, wrap("*** Delete File: new.py"), ctx)
    assert str(root / "new.py") not in ctx.read_files
