"""ChatView fed a conversation's records, rendered to a string console.

Colour checks use a truecolor terminal console; checks of what a person reads use a
plain one (rich draws a live region there once, when it stops, so "shown once" is
exact). Edit results come from the real tools, run through ``tools.execute``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from opencode import protocol
from opencode.render.chat_view import ChatView
from opencode.tools import builtin_spec
from opencode.tools.execute import execute_blocking
from helpers import _registry_of, tool_context

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ANSWER = "# Plan\n\nFirst **this**.\n\n```python\ndef greet():\n    return 'hi'\n```\n"


def view(width: int = 100, terminal: bool = False) -> tuple[ChatView, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=width, color_system="truecolor" if terminal else None)
    return ChatView(console), out


def stream(chat: ChatView, text: str, size: int = 7) -> None:
    for i in range(0, len(text), size):
        chat.show(protocol.record("text_delta", text=text[i : i + size]))


def tool_record(root: Path, tool: str, params: dict) -> dict:
    """The real ``tool_result`` record of one call, as an agent run yields it."""
    outcome = execute_blocking(_registry_of(builtin_spec(tool)), tool, params, tool_context(root))
    return outcome.record()


def edit_record(tmp_path: Path) -> dict:
    (tmp_path / "main.py").write_text("a = 1\nold = 2\nc = 3\n")
    return tool_record(tmp_path, "edit", {"path": "main.py", "old_string": "old = 2", "new_string": "new = 2"})


def test_streamed_answer_is_markdown_drawn_once():
    chat, out = view()
    stream(chat, ANSWER)
    chat.show(protocol.record("message", role="assistant", text=ANSWER))
    chat.close()
    text = out.getvalue()
    assert text.count("def greet():") == 1 and "return 'hi'" in text
    assert "Plan" in text and "#" not in text and "```" not in text and "**" not in text


def test_streamed_answer_is_highlighted_on_a_terminal():
    chat, out = view(terminal=True)
    stream(chat, ANSWER)
    chat.show(protocol.record("message", role="assistant", text=ANSWER))
    raw = out.getvalue()
    assert "\x1b[" in raw and "# Plan" not in ANSI.sub("", raw)
    assert chat._live is None
    # the last drawing of the answer (after the last cursor move) holds it once
    last = ANSI.sub("", raw.rsplit("\x1b[2K", 1)[-1])
    assert last.count("def greet():") == 1


def test_a_message_not_streamed_is_drawn():
    chat, out = view()
    chat.show(protocol.record("message", role="assistant", text="## Done\n\nAll good."))
    assert "Done" in out.getvalue() and "All good." in out.getvalue() and "#" not in out.getvalue()


def test_close_mid_stream_keeps_the_partial_text():
    chat, out = view(terminal=True)
    stream(chat, "Half an answer, then Esc")
    chat.close()
    assert chat._live is None
    assert "Half an answer, then Esc" in ANSI.sub("", out.getvalue())
    chat.close()  # twice is harmless


def test_tool_call_and_result_make_one_numbered_summary_line(tmp_path: Path):
    (tmp_path / "main.py").write_text("".join(f"line {i}\n" for i in range(20)))
    chat, out = view()
    chat.show(protocol.record("tool_call", call_id="c1", tool="read", input={"path": "main.py"}))
    chat.show({**tool_record(tmp_path, "read", {"path": "main.py"}), "call_id": "c1"})
    chat.close()
    assert out.getvalue() == "[1] ✓ read main.py (20 lines)\n"
    assert chat.results[0]["tool"] == "read"


def test_text_before_tool_calls_stays_above_them(tmp_path: Path):
    (tmp_path / "a.txt").write_text("x\n")
    chat, out = view()
    stream(chat, "Let me look.")
    chat.show(protocol.record("tool_call", call_id="c1", tool="read", input={"path": "a.txt"}))
    chat.show(tool_record(tmp_path, "read", {"path": "a.txt"}))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert lines == ["Let me look.", "[1] ✓ read a.txt (1 line)"]


def test_a_running_call_shows_a_spinner_line_that_goes_away():
    chat, out = view(terminal=True)
    chat.show(protocol.record("tool_call", call_id="c1", tool="bash", input={"command": "make test\n  && echo ok"}))
    assert chat._kind == "tools"
    assert "bash make test ⏎ && echo ok" in ANSI.sub("", out.getvalue())
    chat.show(protocol.tool_result("bash", {"command": "make test"}, "FAILED\n", metadata={"exit_code": 2}, call_id="c1"))
    assert chat._live is None
    assert ANSI.sub("", out.getvalue()).rstrip().endswith("[1] ✗ bash make test (exit 2)")


def test_failures_and_denials_are_marked():
    chat, out = view()
    chat.show(protocol.tool_result("bash", {"command": "rm -rf build"}, "Permission denied: not allowed", status="denied", error="not allowed"))
    chat.show(protocol.tool_result("edit", {"path": "x.py"}, "Error: no match", status="error", error="old_string not found"))
    assert out.getvalue().splitlines() == [
        "[1] ✗ bash rm -rf build (denied: not allowed)",
        "[2] ✗ edit x.py (old_string not found)",
    ]


def test_expand_shows_a_result_in_full(tmp_path: Path):
    (tmp_path / "main.py").write_text("def main():\n    return 42\n")
    chat, out = view()
    chat.show(tool_record(tmp_path, "read", {"path": "main.py"}))
    chat.show(protocol.tool_result("bash", {"command": "ls"}, "one\ntwo\n", metadata={"exit_code": 0}))
    assert chat.expand(9) is False and chat.expand(0) is False
    out.truncate(0), out.seek(0)
    assert chat.expand(1) is True
    assert "1 def main():" in out.getvalue() and "2     return 42" in out.getvalue()
    out.truncate(0), out.seek(0)
    assert chat.expand(2) is True
    assert out.getvalue() == "[2] ✓ bash ls (2 lines)\none\ntwo\n"


def test_expand_highlights_a_file_by_its_extension(tmp_path: Path):
    (tmp_path / "main.py").write_text("def main():\n    return 42\n")
    chat, out = view(terminal=True)
    chat.show(tool_record(tmp_path, "read", {"path": "main.py"}))
    chat.expand(1)
    assert "\x1b[" in out.getvalue().split("\n", 1)[1]  # the preview is coloured


def test_an_edit_shows_a_unified_diff(tmp_path: Path):
    chat, out = view()
    chat.show(edit_record(tmp_path))
    lines = out.getvalue().splitlines()
    assert lines[0] == "[1] ✓ edit main.py (+1 -1)"
    assert "-old = 2" in lines and "+new = 2" in lines and " a = 1" in lines


def test_an_edit_side_by_side_on_a_wide_screen(tmp_path: Path):
    chat, out = view(width=160)
    chat.show(edit_record(tmp_path))
    row = next(line for line in out.getvalue().splitlines() if "old = 2" in line)
    assert "-old = 2" in row and "+new = 2" in row  # both columns on one line
    assert re.search(r"a/main\.py\s+b/main\.py", out.getvalue())


def test_an_edit_diff_is_coloured(tmp_path: Path):
    chat, out = view(terminal=True)
    chat.show(edit_record(tmp_path))
    raw = out.getvalue()
    assert re.search(r"\x1b\[[0-9;]*31m-old = 2", raw) and re.search(r"\x1b\[[0-9;]*32m\+new = 2", raw)


def test_write_and_apply_patch_show_their_diffs(tmp_path: Path):
    (tmp_path / "b.txt").write_text("one\n")
    chat, out = view()
    chat.show(tool_record(tmp_path, "write", {"path": "b.txt", "content": "two\n"}))
    patch = "*** Begin Patch\n*** Add File: c.txt\n+fresh\n*** End Patch\n"
    chat.show(tool_record(tmp_path, "apply_patch", {"patch": patch}))
    lines = out.getvalue().splitlines()
    assert "[1] ✓ write b.txt (+1 -1)" in lines and "-one" in lines and "+two" in lines
    assert "[2] ✓ apply_patch c.txt (+1 -0)" in lines and "+fresh" in lines


def test_a_long_diff_is_cut_and_expand_shows_it_all(tmp_path: Path):
    chat, out = view()
    chat.diff_lines = 5
    chat.show(tool_record(tmp_path, "write", {"path": "big.txt", "content": "".join(f"row {i}\n" for i in range(30))}))
    assert "+row 1" in out.getvalue() and "+row 29" not in out.getvalue()
    assert "more lines of diff: /expand 1" in out.getvalue()
    chat.expand(1)
    assert "+row 29" in out.getvalue()


def test_error_retry_and_done_lines():
    chat, out = view()
    chat.show(protocol.record("retry", attempt=2, delay_s=1.5, reason="HTTP 429"))
    chat.show(protocol.error_record({"code": "provider.network", "message": "connection lost", "hint": "check the network"}))
    chat.show(protocol.record("step_start", step=1, agent="build"))
    chat.show(protocol.record("step_finish", step=1, usage={}, cost_usd=0, finish_reason="stop"))
    done = dict(reason="completed", session_id="s", usage={"input_tokens": 1234, "output_tokens": 56}, cost_usd=0.0012, duration_ms=3200, turns=1)
    chat.show(protocol.record("done", **done, denials=[{"tool": "bash", "input": {}, "reason": "not allowed"}], warnings=[], text=""))
    assert out.getvalue().splitlines() == [
        "retrying in 1.5 s (HTTP 429, attempt 2)",
        "✗ connection lost  check the network",
        "denied bash: not allowed",
        "1,234 in · 56 out · $0.0012 · 3.2 s · 1 turn",
    ]


def test_error_line_is_red():
    chat, out = view(terminal=True)
    chat.show(protocol.error_record({"code": "x", "message": "it broke"}))
    assert "\x1b[31m✗ it broke" in out.getvalue()


def test_unknown_records_and_missing_fields_are_ignored():
    chat, out = view()
    for record in ({"type": "mystery"}, {}, {"type": "text_delta"}, {"type": "tool_call"}, {"type": "error"}, {"type": "done"}, {"type": "retry"}, {"type": "message", "role": "user", "text": "hi"}):
        chat.show(record)
    chat.show({"type": "tool_result", "metadata": None})
    chat.close()
    assert chat._live is None and len(chat.results) == 1
    assert chat.expand(1) is True


def test_user_and_notice_lines():
    chat, out = view()
    chat.user("fix the tests")
    chat.notice("session saved")
    assert out.getvalue() == "› fix the tests\nsession saved\n"


def test_a_long_answer_streams_its_tail_then_shows_whole():
    chat, out = view(terminal=True)
    stream(chat, "".join(f"- item {i}\n" for i in range(60)), size=40)
    during = ANSI.sub("", out.getvalue().rsplit("\x1b[2K", 1)[-1])  # the last drawing while live
    assert "item 59" in during and "item 0\n" not in during and len(during.splitlines()) < 25
    chat.close()
    last = ANSI.sub("", out.getvalue().rsplit("\x1b[2K", 1)[-1])
    assert "item 0" in last and "item 59" in last


def test_concurrent_calls_keep_the_others_spinning_until_their_results():
    chat, out = view(terminal=True)
    chat.show(protocol.record("tool_call", call_id="a", tool="grep", input={"pattern": "TODO"}))
    chat.show(protocol.record("tool_call", call_id="b", tool="bash", input={"command": "sleep 1"}))
    chat.show(protocol.tool_result("grep", {"pattern": "TODO"}, "a.py:1:TODO", metadata={"matches": 1}, call_id="a"))
    assert chat._kind == "tools" and list(chat._running) == ["b"]
    chat.show(protocol.tool_result("bash", {"command": "sleep 1"}, "", metadata={"exit_code": 0}, call_id="b"))
    assert chat._live is None
    shown = ANSI.sub("", out.getvalue())
    assert "[1] ✓ grep TODO (1 match)" in shown and "[2] ✓ bash sleep 1" in shown
