"""Each output mode's renderer, fed records, compared byte for byte.

The renderers are the faces' shared last step: chat and the server will reuse the
human and JSON ones, so what they print is pinned here, at a fixed width, colourless.
"""

from __future__ import annotations

import io
import json

from opencode import protocol
from opencode.errors import PermissionDenied
from opencode.render import make_renderer
from opencode.render.answer import AnswerView
from opencode.render.diag import Diagnostics


def renderer(mode: str, level: str = "WARNING"):
    out, err = io.StringIO(), io.StringIO()
    return make_renderer(mode, out, Diagnostics(err, level=level)), out, err


def read_result(text: str = "hi\n") -> dict:
    return protocol.tool_result("read", {"path": "a.txt"}, "     1\thi", text=text, metadata={"path": "a.txt"})


def test_json_lines_writes_each_record_as_one_line():
    shown, out, err = renderer("jsonl")
    records = [read_result(), protocol.record("text_delta", text="x")]
    for record in records:
        shown.show(record)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == records
    assert err.getvalue() == ""


def test_a_failure_is_a_message_for_people_and_a_record_for_machines():
    shown, out, err = renderer("jsonl")
    shown.fail(PermissionDenied("x is outside the project", hint="allow it"), tool="read")
    assert json.loads(out.getvalue()) == protocol.error_record({"code": "permission.denied", "message": "x is outside the project", "hint": "allow it"}, tool="read")
    assert err.getvalue() == "Error: x is outside the project\n  allow it\n"
    text, out, err = renderer("text")
    text.fail(PermissionDenied("x is outside the project"))
    assert out.getvalue() == "" and err.getvalue() == "Error: x is outside the project\n"


def test_text_is_the_payload_byte_for_byte():
    shown, out, _ = renderer("text")
    shown.show(read_result("line one\nno newline at the end"))
    assert out.getvalue() == "line one\nno newline at the end"


def test_a_streamed_answer_appears_once_and_ends_with_a_newline():
    shown, out, _ = renderer("text")
    for piece in ("An old ", "silent pond"):
        shown.show(protocol.record("text_delta", text=piece))
    shown.show(protocol.record("message", role="assistant", text="An old silent pond"))
    assert out.getvalue() == "An old silent pond\n"
    shown.show(protocol.record("message", role="assistant", text="Not streamed\n"))
    assert out.getvalue() == "An old silent pond\nNot streamed\n"


def test_retries_are_news_for_the_verbose_only():
    quiet, out, err = renderer("text")
    quiet.show(protocol.record("retry", attempt=1, delay_s=1.5, reason="HTTP 429"))
    assert out.getvalue() == err.getvalue() == ""
    verbose, out, err = renderer("text", level="INFO")
    verbose.show(protocol.record("retry", attempt=1, delay_s=1.5, reason="HTTP 429"))
    assert out.getvalue() == "" and err.getvalue() == "retrying in 1.5 s (HTTP 429)\n"


def test_human_lists_tools_as_aligned_columns():
    shown, out, _ = renderer("human")
    shown.show(protocol.record("tool", name="read", summary="Read a file", permission="read", enabled=True, text="read\n"))
    shown.show(protocol.record("tool", name="bash", summary="Run a command", permission="execute", enabled=False, text="bash\n"))
    assert out.getvalue() == ""  # a table is shown once it is complete
    shown.close()
    assert out.getvalue() == "read  read     Read a file\nbash  execute  Run a command  (disabled)\n"


def test_human_renders_an_answer_as_markdown_and_a_listing_note():
    shown, out, _ = renderer("human")
    shown.show(protocol.record("message", role="assistant", text="Use **pytest** here."))
    shown.empty("no keys found")
    shown.close()
    # rich pads a paragraph to the console's width
    assert [line.rstrip() for line in out.getvalue().splitlines()] == ["Use pytest here.", "no keys found"]


def test_human_shows_a_tool_result_with_its_diff():
    shown, out, _ = renderer("human")
    diff = "--- a.py\n+++ a.py\n@@ -1 +1 @@\n-old\n+new\n"
    shown.show(protocol.tool_result("edit", {"path": "a.py"}, "Edited a.py (+1 -1)", metadata={"diff": diff}))
    shown.close()
    assert out.getvalue().startswith("Edited a.py (+1 -1)\n")
    assert "+new" in out.getvalue() and "-old" in out.getvalue()


def test_human_models_table():
    shown, out, _ = renderer("human")
    shown.show(protocol.record("model", model="openai/gpt-4o", context_window=128000, max_output=16384, input_per_mtok=2.5, output_per_mtok=10.0, text=""))
    shown.close()
    header, row = out.getvalue().splitlines()[:2]
    assert header.split() == ["model", "context", "max", "out", "$", "in/Mtok", "$", "out/Mtok"]
    assert row.split() == ["openai/gpt-4o", "128,000", "16,384", "2.5", "10"]


def test_answer_view_puts_the_answer_on_stdout_and_the_rest_on_stderr():
    text, out, err = renderer("text")
    view = AnswerView(text, err, describe=lambda tool, params: params.get("path", ""), summary=False)
    records = [
        protocol.record("session", session_id="s" * 32, agent="build", model="m", title="t"),
        protocol.record("tool_call", call_id="c1", tool="read", input={"path": "a.txt"}),
        read_result(),
        protocol.record("tool_call", call_id="c2", tool="read", input={"path": "gone.txt"}),
        protocol.tool_result("read", {"path": "gone.txt"}, "Error: file not found: gone.txt", status="error", error="file not found: gone.txt"),
        protocol.record("text_delta", text="It says hi."),
        protocol.record("message", role="assistant", text="It says hi."),
        protocol.done_record("completed", session_id="s" * 32, denials=[{"tool": "bash", "input": {}, "reason": "needs approval"}]),
    ]
    for record in records:
        view.show(record)
    assert out.getvalue() == "It says hi.\n"
    assert err.getvalue() == (
        "→ read a.txt\n→ read gone.txt\nWarning: read: file not found: gone.txt\nWarning: denied bash: needs approval\n"
    )


def test_answer_view_summary_names_the_cost_and_the_session():
    text, _, err = renderer("text", level="INFO")
    view = AnswerView(text, err, describe=lambda tool, params: "", summary=True)
    view.show(protocol.done_record("completed", session_id="ab12cd34" + "0" * 24, usage={"input_tokens": 1200, "output_tokens": 30}, cost_usd=0.0123, duration_ms=2500, turns=2))
    assert err.getvalue() == "completed · 1,200 in · 30 out · $0.0123 · 2.5 s · 2 turns · session ab12cd34\n"
