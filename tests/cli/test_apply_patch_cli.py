"""apply_patch as a user runs it: JSON parameters, a patch piped in, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

PATCH = """*** Begin Patch
*** Update File: app.py
@@ def main():
-    return 1
+    return 2
*** Add File: docs/notes.md
+# Notes
*** End Patch
"""


def test_tool_call_apply_patch(oc, project: Path):
    (project / "app.py").write_bytes(b"def main():\r\n    return 1\r\n")
    result = oc("tool", "call", "apply_patch", json.dumps({"patch": PATCH}))
    assert result.code == 0, result.stderr
    assert (project / "app.py").read_bytes() == b"def main():\r\n    return 2\r\n"
    assert (project / "docs/notes.md").read_bytes() == b"# Notes\n"
    files = result.record["metadata"]["files"]
    assert [(f["path"], f["action"]) for f in files] == [("app.py", "updated"), ("docs/notes.md", "added")]


def test_a_patch_piped_in_heredoc_and_all(oc, project: Path):
    (project / "app.py").write_text("def main():\n    return 1\n")
    result = oc("apply_patch", input=f"<<'EOF'\n{PATCH}EOF\n")
    assert result.code == 0, result.stderr
    assert (project / "app.py").read_text() == "def main():\n    return 2\n"


def test_a_failing_hunk_exits_1_and_writes_nothing(oc, project: Path):
    (project / "app.py").write_text("def main():\n    return 3\n")
    result = oc("tool", "call", "apply_patch", json.dumps({"patch": PATCH}))
    assert result.code == 1
    assert "app.py: hunk 1 does not match" in result.stderr
    assert result.record["error"]["code"] == "tool.failed"
    assert (project / "app.py").read_text() == "def main():\n    return 3\n"
    assert not (project / "docs").exists()


def test_a_path_outside_the_project_exits_3_and_writes_nothing(oc, project: Path, tmp_path: Path):
    (project / "app.py").write_text("def main():\n    return 1\n")
    patch = PATCH.replace("*** Add File: docs/notes.md", "*** Add File: ../notes.md")
    result = oc("apply_patch", "--patch", patch)
    assert result.code == 3
    assert result.record["error"]["code"] == "permission.denied"
    assert (project / "app.py").read_text() == "def main():\n    return 1\n"
    assert not (tmp_path / "notes.md").exists()


def test_a_malformed_patch_exits_1(oc, project: Path):
    result = oc("apply_patch", input="just some text\n")
    assert result.code == 1 and "must start with '*** Begin Patch'" in result.stderr


def test_no_patch_at_all_is_a_usage_error(oc, project: Path):
    assert oc("apply_patch").code == 2


def test_a_heredoc_with_unmatched_quotes_exits_1_and_writes_nothing(oc, project: Path):
    (project / "app.py").write_text("def main():\n    return 1\n")
    result = oc("apply_patch", input=f"<<'EOF\"\n{PATCH}EOF\n")
    assert result.code == 1
    assert "heredoc whose quotes do not match" in result.stderr and "Traceback" not in result.stderr
    assert (project / "app.py").read_text() == "def main():\n    return 1\n"
    assert not (project / "docs").exists()


def test_codex_patches_that_used_to_be_refused(oc, project: Path):
    (project / "app.py").write_bytes(b"def main():\r\n    return 1")
    patch = "*** Begin Patch\n*** Update File: app.py\n@@\n+# end\n@@\n def main():\n-    return 1\n+    return 2\n*** End Patch\n"
    result = oc("apply_patch", input=patch)
    assert result.code == 0, result.stderr
    assert (project / "app.py").read_bytes() == b"def main():\r\n    return 2\r\n# end\r\n"


def test_apply_patch_help_shows_the_format_and_refusals_line_by_line(oc):
    result = oc("apply_patch", "--help")
    assert result.code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    start = lines.index("*** Begin Patch")
    assert lines[start + 1] == "*** Add File: path/new.py"
    assert lines[start + 1 : lines.index("*** End Patch")][-1].startswith("*** End of File")
    refusals = lines[lines.index("Refused, and no file written (the whole patch is checked first):") + 1 :]
    assert "- Add File for a path that exists (use Update File)" in refusals
    assert "- Move to a path that exists" in refusals
    assert "\x08" not in result.stdout
