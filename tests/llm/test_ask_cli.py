"""``opencode ask`` end to end: the real CLI, litellm, and the fake server over loopback."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from fakellm.script import Reply
from helpers import opencode_command


def test_read_pipe_ask_sends_file_and_prints_answer(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "main.py").write_text("def secret_sauce():\n    return 42\n")
    fake_llm.script(Reply.text("It returns 42.").with_usage(input_tokens=120, output_tokens=5))
    piped = oc("read", "main.py").stdout
    result = oc("ask", "explain", input=piped, extra_env=keys)
    assert result.code == 0, result.stderr
    rec = result.record
    assert rec["type"] == "message" and rec["text"] == "It returns 42."
    assert rec["model"] == "openai/gpt-4o"
    assert rec["usage"] == {"input_tokens": 120, "output_tokens": 5, "cached_tokens": 0}
    assert rec["cost_usd"] is not None and rec["cost_usd"] > 0
    sent = fake_llm.chat_requests[-1]
    assert "def secret_sauce" in sent.text and "explain" in sent.text
    assert sent.header("authorization") == "Bearer sk-test-openai"


def test_anthropic_streaming_records(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("one two three four", chunks=4))
    result = oc("--model", "anthropic/claude-sonnet-4-20250514", "ask", "count", "--stream", extra_env=keys)
    assert result.code == 0, result.stderr
    kinds = [r["type"] for r in result.records]
    assert kinds[-1] == "message" and kinds.count("text_delta") >= 2
    assert "".join(r["text"] for r in result.records if r["type"] == "text_delta") == "one two three four"
    assert result.records[-1]["model"] == "anthropic/claude-sonnet-4-20250514"
    assert fake_llm.chat_requests[-1].header("x-api-key") == "sk-ant-test"


def test_format_text_and_files(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "notes.md").write_text("# Notes\nbuy milk\n")
    fake_llm.script(Reply.text("A shopping note."))
    result = oc("ask", "-f", "notes.md", "-s", "Be terse.", "what is this?", "--format", "text", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == "A shopping note.\n"
    body = fake_llm.chat_requests[-1].body
    assert body["messages"][0] == {"role": "system", "content": "Be terse."}
    assert "buy milk" in body["messages"][1]["content"]


def test_missing_key_exit_4_with_spec_message(oc, llm_project: Path):
    result = oc("--provider", "anthropic", "ask", "hi")
    assert result.code == 4
    assert "Error: ANTHROPIC_API_KEY not found" in result.stderr
    assert "export ANTHROPIC_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_retry_after_429_then_success(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.error(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "1"}), Reply.text("finally"))
    started = time.monotonic()
    result = oc("ask", "hi", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.record["text"] == "finally"
    assert len(fake_llm.chat_requests) == 2
    assert time.monotonic() - started >= 1.0


def test_provider_error_message_no_traceback(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.error(400, {"error": {"message": "model gpt-9 does not exist", "type": "invalid_request_error"}}))
    result = oc("ask", "hi", extra_env=keys)
    assert result.code == 4
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert result.records[-1]["error"]["code"].startswith("provider")


def test_stalled_stream_hits_idle_timeout(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.stall("partial", after=1, seconds=30))
    started = time.monotonic()
    result = oc("ask", "hi", "--stream", extra_env=keys, timeout=60)
    assert result.code == 4
    assert "stalled" in result.stderr
    assert time.monotonic() - started < 25


def test_malformed_chunk_exit_4(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.malformed("one two three", at=1, chunks=3))
    result = oc("ask", "hi", "--stream", extra_env=keys)
    assert result.code == 4, result.stderr
    assert "Traceback" not in result.stderr and "Error:" in result.stderr


def test_ctrl_c_keeps_partial_answer_and_exits_130(llm_project: Path, fake_llm, env, keys):
    fake_llm.script(Reply.stall("first words", after=1, seconds=30, chunks=3))
    proc = subprocess.Popen(
        [*opencode_command(), "ask", "hi", "--stream"],
        cwd=llm_project, env={**env, **keys}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    first_line = proc.stdout.readline()
    assert json.loads(first_line)["type"] == "text_delta"
    proc.send_signal(signal.SIGINT)
    rest, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130, stderr
    records = [json.loads(line) for line in rest.splitlines() if line.startswith("{")]
    assert any(r["type"] == "message" and r.get("interrupted") for r in records)
    assert records[-1]["type"] == "error" and records[-1]["error"]["code"] == "interrupted"


def test_schema_valid_after_one_retry(oc, llm_project: Path, fake_llm, keys):
    schema = json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})
    fake_llm.script(Reply.text('{"n": "three"}'), Reply.text('```json\n{"n": 3}\n```'))
    result = oc("ask", "count", "--schema", schema, extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.record["data"] == {"n": 3}
    retry_text = fake_llm.chat_requests[-1].text
    assert "invalid" in retry_text and "integer" in retry_text


def test_schema_still_invalid_exits_6(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "schema.json").write_text(json.dumps({"type": "array"}))
    fake_llm.script(Reply.text("not json"), Reply.text('{"still": "wrong"}'))
    result = oc("ask", "list", "--schema", "@schema.json", extra_env=keys)
    assert result.code == 6
    assert result.records[-1]["error"]["code"] == "check.failed"


def test_cache_pays_once(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("cached answer"))
    first = oc("ask", "same question", "--cache", extra_env=keys)
    second = oc("ask", "same question", "--cache", extra_env=keys)
    assert first.record["text"] == second.record["text"] == "cached answer"
    assert second.record["cached"] is True
    assert len(fake_llm.chat_requests) == 1
    stats = oc("cache", "stats").record
    assert stats["entries"] == 1
    assert oc("cache", "clear").code == 0
    assert oc("cache", "stats").record["entries"] == 0


def test_piped_error_is_refused(oc, llm_project: Path, keys):
    upstream = oc("read", "missing.py")
    result = oc("ask", "explain", input=upstream.stdout, extra_env=keys)
    assert result.code == 1 and "piped input is an error" in result.stderr


def test_continue_follows_up_on_the_last_answer(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("Paris."), Reply.text("About two million."), Reply.text("Fresh start."))
    first = oc("ask", "What is the capital of France?", extra_env=keys).record
    second = oc("ask", "-c", "How many people live there?", extra_env=keys).record
    assert second["session_id"] == first["session_id"]
    sent = fake_llm.chat_requests[1].body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert sent[0]["content"] == "What is the capital of France?" and sent[1]["content"] == "Paris."
    third = oc("ask", "--session", first["session_id"][:8], "And Lyon?", extra_env=keys).record
    assert third["session_id"] == first["session_id"]
    assert len(fake_llm.chat_requests[2].body["messages"]) == 5
    assert oc("ask", "--session", "ffffffff", "x", extra_env=keys).code == 2


def test_an_unknown_provider_is_exit_2_listing_the_known_ones(oc, llm_project: Path, fake_llm, keys):
    for args in (("--model", "nosuch/model", "ask", "hi"), ("run", "hi", "--model", "nosuch/model")):
        result = oc(*args, extra_env=keys)
        assert result.code == 2, result.stderr
        assert "Error: unknown provider 'nosuch'" in result.stderr and "known providers: anthropic, azure" in result.stderr
        assert "Traceback" not in result.stderr
    assert fake_llm.chat_requests == []
