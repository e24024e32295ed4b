"""Classifying piped input and taking the text of records."""

from __future__ import annotations

import json

from opencode import protocol
from opencode.tools import Registry


def test_plain_text_is_one_part():
    piped = protocol.parse_input("hello\nworld\n")
    assert piped.records == [] and piped.text == "hello\nworld\n"
    assert piped.context_parts() == ["hello\nworld\n"]


def test_json_without_type_is_plain_text():
    raw = '{"name": "x"}\n'
    piped = protocol.parse_input(raw)
    assert piped.records == [] and piped.text == raw


def test_single_record_and_jsonl():
    rec = protocol.tool_result("read", {"path": "a.py"}, "     1\tx", text="x\n")
    one = protocol.parse_input(json.dumps(rec, indent=2))
    assert one.records == [rec] and one.text == "x\n"
    many = protocol.parse_input(protocol.dumps(rec) + "\n" + protocol.dumps({**rec, "text": "y\n"}) + "\n")
    assert many.text == "x\ny\n"
    # The label names what the tool acted on, as the tool declares it (its subject).
    assert many.context_parts(Registry().describe)[0] == "output of `read` for a.py:\n     1\tx"


def test_text_falls_back_to_output():
    rec = protocol.tool_result("ls", {}, "a\nb")
    del rec["metadata"]
    assert protocol.record_text(rec) == "a\nb"


def test_stream_with_final_message_is_not_doubled():
    lines = [protocol.record("text_delta", text="hai"), protocol.record("text_delta", text="ku"), protocol.record("message", role="assistant", text="haiku")]
    piped = protocol.parse_input("\n".join(protocol.dumps(r) for r in lines))
    assert piped.text == "haiku"
    deltas_only = protocol.parse_input("\n".join(protocol.dumps(r) for r in lines[:2]))
    assert deltas_only.text == "haiku"


def test_mixed_lines_are_plain_text():
    raw = '{"type": "message", "text": "x"}\nnot json\n'
    assert protocol.parse_input(raw).records == []


def test_error_records_are_found():
    raw = protocol.dumps(protocol.error_record({"code": "tool.not_found", "message": "nope"}, tool="read"))
    assert protocol.parse_input(raw).errors[0]["error"]["message"] == "nope"
