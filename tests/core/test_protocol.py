"""Classifying piped input and taking the text of records."""

from __future__ import annotations

import base64
import json

import pytest

from opencode import protocol
from opencode.errors import ToolError
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


def test_bytes_are_records_only_when_they_are_utf8():
    rec = protocol.tool_result("read", {"path": "a"}, "x", text="x\n")
    assert protocol.parse_input(protocol.dumps(rec).encode()).records == [rec]
    odd = b'{"type": "message", "text": "\xff"}'
    piped = protocol.parse_input(odd)
    assert piped.records == [] and piped.payload == odd and "\ufffd" in piped.raw


def test_a_base64_payload_is_carried_exactly():
    data = b"caf\xe9\r\n\xff"
    rec = protocol.tool_result("read", {"path": "a"}, "x", text=base64.b64encode(data).decode(), encoding="base64")
    piped = protocol.parse_input(protocol.dumps(rec) + "\n" + protocol.dumps(protocol.tool_result("read", {}, "y", text="é\n")))
    assert piped.payload == data + "é\n".encode()
    assert protocol.record_text(rec) == data.decode("utf-8", "replace")


def test_a_non_zero_exit_is_refused_only_where_it_would_destroy():
    failed = protocol.parse_input(protocol.dumps(protocol.tool_result("bash", {}, "boom", text="boom\n", metadata={"exit_code": 2})))
    failed.refuse_errors("context")  # `bash pytest | ask "why?"` is fine
    with pytest.raises(ToolError, match="exited with status 2"):
        failed.refuse_errors("content for write", destructive=True)
    empty = protocol.parse_input(protocol.dumps(protocol.tool_result("grep", {}, "No matches found", text="")))
    empty.refuse_errors()
    with pytest.raises(ToolError, match="is empty"):
        empty.refuse_errors(destructive=True)
    denied = protocol.tool_result("read", {}, "no", metadata={}, status="denied", error="outside the project")
    with pytest.raises(ToolError, match="failed `read` call: outside the project"):
        protocol.parse_input(protocol.dumps(denied)).refuse_errors(destructive=True)
