"""The fake model server on its own, driven with plain httpx: routing, the
script queue, recording, streaming mechanics (chunking, delays, stalls,
malformed chunks), errors, info endpoints, the event-stream encoder and
clean shutdown."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from fakellm import FakeLLM, Reply, ToolCall, eventstream
from fakellm.script import split

pytestmark = pytest.mark.timeout(30)

CHAT = "/v1/chat/completions"


def post(server: FakeLLM, path: str, body: dict, **kw) -> httpx.Response:
    return httpx.post(server.url + path, json=body, timeout=kw.pop("timeout", 5), **kw)


def sse_data(text: str) -> list[str]:
    return [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]


def test_start_url_and_context_manager():
    with FakeLLM() as s:
        assert s.url.startswith("http://127.0.0.1:") and s.port > 0
        assert post(s, CHAT, {"model": "m", "messages": []}).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.post(s.url + CHAT, json={}, timeout=1)


def test_queue_is_fifo_across_formats_then_default(fake_llm):
    fake_llm.script("one", Reply.text("two"), Reply.text("three"))
    assert fake_llm.pending == 3
    r1 = post(fake_llm, CHAT, {"model": "m", "messages": [{"role": "user", "content": "hi"}]}).json()
    r2 = post(fake_llm, "/v1/messages", {"model": "claude", "max_tokens": 10, "messages": []}).json()
    r3 = post(fake_llm, "/v1beta/models/gemini-x:generateContent", {"contents": []}).json()
    r4 = post(fake_llm, CHAT, {"model": "m", "messages": []}).json()
    assert r1["choices"][0]["message"]["content"] == "one"
    assert r2["content"][0]["text"] == "two"
    assert r3["candidates"][0]["content"]["parts"][0]["text"] == "three"
    assert r4["choices"][0]["message"]["content"] == "ok"  # the default reply
    fake_llm.default = Reply.text("fallback")
    assert post(fake_llm, CHAT, {"model": "m", "messages": []}).json()["choices"][0]["message"]["content"] == "fallback"
    assert fake_llm.pending == 0
    assert [r.format for r in fake_llm.requests] == ["openai", "anthropic", "gemini", "openai", "openai"]


def test_requests_are_recorded(fake_llm):
    body = {"model": "gpt-x", "messages": [{"role": "user", "content": "contents of a.py: print(1)"}], "tools": [{"type": "function", "function": {"name": "read", "parameters": {}}}]}
    post(fake_llm, CHAT + "?x=1", body, headers={"Authorization": "Bearer sk-123"})
    req = fake_llm.last_request
    assert (req.method, req.path, req.query) == ("POST", CHAT, {"x": "1"})
    assert req.header("AUTHORIZATION") == "Bearer sk-123" and req.headers["authorization"] == "Bearer sk-123"
    assert req.body == body and json.loads(req.raw) == body
    assert req.model == "gpt-x" and req.stream is False and req.format == "openai"
    assert "print(1)" in req.text and req.tool_names == ["read"] and req.messages == body["messages"]
    assert req.reply == Reply.text("ok")
    assert fake_llm.wait_for_requests(1, timeout=1)
    with pytest.raises(TimeoutError):
        fake_llm.wait_for_requests(2, timeout=0.1)
    fake_llm.clear()
    assert fake_llm.requests == []


def test_tool_names_per_format(fake_llm):
    post(fake_llm, "/v1/messages", {"model": "c", "messages": [], "tools": [{"name": "grep", "input_schema": {}}]})
    post(fake_llm, "/v1beta/models/g:generateContent", {"contents": [], "tools": [{"functionDeclarations": [{"name": "ls"}]}]})
    post(fake_llm, "/model/amazon.nova-lite-v1%3A0/converse", {"messages": [], "toolConfig": {"tools": [{"toolSpec": {"name": "bash"}}]}})
    reqs = fake_llm.requests
    assert [r.tool_names for r in reqs] == [["grep"], ["ls"], ["bash"]]
    assert reqs[2].model == "amazon.nova-lite-v1:0" and reqs[2].path == "/model/amazon.nova-lite-v1:0/converse"


def test_openai_stream_chunks_tool_deltas_and_usage(fake_llm):
    fake_llm.script(
        Reply.tool_calls(("read", {"path": "a.py"}), ToolCall("grep", {"pattern": "x"}, id="call_given"), text="hello world", chunks=4).with_usage(100, 20, cached_tokens=60),
        Reply.text("no usage chunk"),
    )
    r = post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True, "stream_options": {"include_usage": True}})
    assert r.headers["content-type"] == "text/event-stream"
    data = sse_data(r.text)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "hello world"
    assert sum(1 for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")) == 4
    calls: dict[int, dict] = {}
    for c in chunks:
        for tc in (c["choices"][0]["delta"].get("tool_calls") or []) if c["choices"] else []:
            slot = calls.setdefault(tc["index"], {"id": None, "name": "", "args": ""})
            slot["id"] = tc.get("id") or slot["id"]
            slot["name"] += tc.get("function", {}).get("name") or ""
            slot["args"] += tc.get("function", {}).get("arguments") or ""
    assert [(c["name"], json.loads(c["args"])) for c in calls.values()] == [("read", {"path": "a.py"}), ("grep", {"pattern": "x"})]
    assert calls[1]["id"] == "call_given"
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]] == ["tool_calls"]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["prompt_tokens"] == 100
    assert chunks[-1]["usage"]["prompt_tokens_details"]["cached_tokens"] == 60
    # without stream_options.include_usage there is no usage chunk (as with OpenAI) ...
    data = sse_data(post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True}).text)
    assert all("usage" not in json.loads(d) for d in data[:-1])
    # ... unless the server is told to always send one
    fake_llm.stream_usage = "always"
    data = sse_data(post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True}).text)
    assert "usage" in json.loads(data[-2])


def test_split():
    assert split("abcdefgh", 3) == ["abc", "def", "gh"]
    assert split("ab", 5) == ["a", "b"]
    assert split("", 3) == []


def test_anthropic_stream_event_sequence(fake_llm):
    fake_llm.script(Reply.tool_call("read", {"path": "a.py"}, text="hi there", chunks=2).with_usage(50, 9, cached_tokens=30, cache_write_tokens=5))
    r = post(fake_llm, "/v1/messages", {"model": "claude", "messages": [], "stream": True})
    events = [line[len("event: ") :] for line in r.text.splitlines() if line.startswith("event: ")]
    assert events == [
        "message_start", "ping",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop",
    ]  # fmt: skip
    data = [json.loads(d) for d in sse_data(r.text)]
    usage = data[0]["message"]["usage"]
    assert (usage["input_tokens"], usage["cache_read_input_tokens"], usage["cache_creation_input_tokens"]) == (15, 30, 5)
    assert "".join(d["delta"].get("partial_json", "") for d in data if d["type"] == "content_block_delta") == '{"path": "a.py"}'
    assert data[-2]["delta"]["stop_reason"] == "tool_use" and data[-2]["usage"]["output_tokens"] == 9


def test_ollama_ndjson_and_info_endpoints(fake_llm):
    fake_llm.script(Reply.text("abc", chunks=3))
    r = post(fake_llm, "/api/chat", {"model": "llama3.2", "messages": []})  # Ollama streams by default
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert r.headers["content-type"] == "application/x-ndjson"
    assert [x["message"]["content"] for x in lines] == ["a", "b", "c", ""] and lines[-1]["done"] is True
    tags = httpx.get(fake_llm.url + "/api/tags").json()
    assert [m["name"] for m in tags["models"]] == fake_llm.models
    assert "tools" in post(fake_llm, "/api/show", {"name": "llama3.2"}).json()["capabilities"]
    assert [m["id"] for m in httpx.get(fake_llm.url + "/v1/models").json()["data"]] == fake_llm.models
    assert httpx.get(fake_llm.url + "/api/version").status_code == 200
    missing = httpx.get(fake_llm.url + "/nope")
    assert missing.status_code == 404 and "no route" in missing.json()["error"]["message"]
    assert fake_llm.pending == 0 and len(fake_llm.chat_requests) == 1  # info endpoints consume no reply


@pytest.mark.parametrize(
    ("path", "check"),
    [
        (CHAT, lambda j: j["error"]["type"] == "rate_limit_error"),
        ("/v1/messages", lambda j: j["type"] == "error" and j["error"]["type"] == "rate_limit_error"),
        ("/v1beta/models/g:generateContent", lambda j: j["error"]["status"] == "RESOURCE_EXHAUSTED"),
        ("/model/m/converse", lambda j: "message" in j),
        ("/v2/chat", lambda j: "message" in j),
        ("/api/chat", lambda j: "error" in j),
    ],
)
def test_errors_use_the_provider_shape(fake_llm, path, check):
    fake_llm.script(Reply.error(429, headers={"Retry-After": "1"}))
    r = post(fake_llm, path, {"model": "m", "messages": [], "stream": True})
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert check(r.json())
    if "/model/" in path:
        assert r.headers["x-amzn-errortype"].startswith("ThrottlingException")


def test_error_with_custom_body(fake_llm):
    fake_llm.script(Reply.error(500, body="upstream exploded"), Reply.error(401, body={"error": {"message": "bad key"}}))
    r = post(fake_llm, CHAT, {"model": "m", "messages": []})
    assert (r.status_code, r.text) == (500, "upstream exploded")
    assert post(fake_llm, CHAT, {"model": "m", "messages": []}).json() == {"error": {"message": "bad key"}}


def test_malformed_chunk(fake_llm):
    fake_llm.script(Reply.malformed("abcd", at=1, chunks=2), Reply.malformed())
    data = sse_data(post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True}).text)
    good = [json.loads(d)["choices"][0]["delta"].get("content") for d in data[:2]]
    assert good == ["", "ab"] and data[2] == "{not valid json"
    assert json.loads(data[3])["choices"][0]["delta"]["content"] == "cd"
    r = post(fake_llm, CHAT, {"model": "m", "messages": []})
    with pytest.raises(ValueError):
        r.json()


def _first_content_time(server: FakeLLM, reply: Reply) -> tuple[float, float, list[str]]:
    server.script(reply)
    t0 = time.monotonic()
    first = None
    pieces = []
    with httpx.stream("POST", server.url + CHAT, json={"model": "m", "messages": [], "stream": True}, timeout=5) as r:
        for line in r.iter_lines():
            if line.startswith("data: {"):
                content = json.loads(line[6:])["choices"][0]["delta"].get("content")
                if content:
                    first = first or time.monotonic() - t0
                    pieces.append(content)
    return first, time.monotonic() - t0, pieces


def test_delays_time_to_first_token(fake_llm):
    first, total, pieces = _first_content_time(fake_llm, Reply.text("abc", chunks=3).with_delay(0.05, first=0.3))
    assert pieces == ["a", "b", "c"]
    assert 0.3 <= first < 2 and total >= 0.4


def test_stall_then_finish(fake_llm):
    first, total, pieces = _first_content_time(fake_llm, Reply.stall("abcd", after=1, seconds=0.3, then="finish", chunks=2))
    assert pieces == ["ab", "cd"] and total >= 0.3 and first < 0.3


def test_stall_then_close_cuts_the_stream(fake_llm):
    fake_llm.script(Reply.stall("abcd", after=1, seconds=0.2, chunks=2))
    with pytest.raises(httpx.RemoteProtocolError):
        post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True})


def test_non_stream_stall_times_out_and_stop_is_prompt():
    server = FakeLLM().start()
    server.script(Reply.stall())
    with pytest.raises(httpx.ReadTimeout):
        post(server, CHAT, {"model": "m", "messages": []}, timeout=0.3)
    t0 = time.monotonic()
    server.stop()
    assert time.monotonic() - t0 < 2


def test_silent_sends_no_status_line_streamed_or_not(fake_llm):
    fake_llm.script(Reply.silent(seconds=5), Reply.silent(seconds=0.2))
    t0 = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):  # not even headers: a stream request waits the same
        post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True}, timeout=0.3)
    assert time.monotonic() - t0 < 3
    with pytest.raises(httpx.RemoteProtocolError):  # then the connection is closed, still without a reply
        post(fake_llm, CHAT, {"model": "m", "messages": []})


def test_trickled_reply_sends_its_body_a_byte_at_a_time(fake_llm):
    fake_llm.script(Reply.text("hi").trickled(0.002), Reply.text("abcdef", chunks=3).trickled(0.001), Reply.text("slow").trickled(0.5))
    t0 = time.monotonic()
    r = post(fake_llm, CHAT, {"model": "m", "messages": []})
    assert r.json()["choices"][0]["message"]["content"] == "hi"
    assert time.monotonic() - t0 >= 0.002 * len(r.content)
    pieces = [json.loads(d)["choices"][0]["delta"].get("content") for d in sse_data(post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True}).text)[:-1]]
    assert "".join(p or "" for p in pieces) == "abcdef"
    got = bytearray()
    with httpx.stream("POST", fake_llm.url + CHAT, json={"model": "m", "messages": []}, timeout=httpx.Timeout(5, read=2)) as slow:
        assert slow.status_code == 200  # the headers came at once
        stop_at = time.monotonic() + 1.2
        for data in slow.iter_raw():  # no read ever times out: a byte comes every 0.5 s
            got += data
            if time.monotonic() > stop_at:
                break
    assert 1 <= len(got) <= 4


def test_raw_replies_are_sent_as_they_are(fake_llm):
    fake_llm.script(
        Reply.raw("<html><body>Sign in</body></html>", content_type="text/html"),
        Reply.raw({}),
        Reply.raw({"id": "x", "object": "chat.completion"}),
        Reply.raw(b"\x00\x01", status=202),
    )
    html = post(fake_llm, CHAT, {"model": "m", "messages": [], "stream": True})
    assert (html.status_code, html.headers["content-type"], html.text) == (200, "text/html", "<html><body>Sign in</body></html>")
    empty = post(fake_llm, "/v1/messages", {"model": "claude", "messages": [], "stream": True})
    assert (empty.headers["content-type"], empty.json()) == ("application/json", {})
    assert post(fake_llm, CHAT, {"model": "m", "messages": []}).json() == {"id": "x", "object": "chat.completion"}
    other = post(fake_llm, CHAT, {"model": "m", "messages": []})
    assert (other.status_code, other.content) == (202, b"\x00\x01")
    assert [r.format for r in fake_llm.chat_requests] == ["openai", "anthropic", "openai", "openai"]


def test_stop_ends_an_open_stalled_stream():
    server = FakeLLM().start()
    server.script(Reply.stall("abcdef", after=1))  # stalls until the server stops (capped)
    got: list[str] = []
    errors: list[BaseException] = []
    first = threading.Event()

    def client() -> None:
        try:
            with httpx.stream("POST", server.url + CHAT, json={"model": "m", "messages": [], "stream": True}, timeout=20) as r:
                for line in r.iter_lines():
                    got.append(line)
                    if '"content": "abc"' in line:
                        first.set()
        except httpx.HTTPError as e:
            errors.append(e)

    t = threading.Thread(target=client)
    t.start()
    assert first.wait(5), got
    t0 = time.monotonic()
    server.stop(timeout=5)
    assert time.monotonic() - t0 < 2
    t.join(5)
    assert not t.is_alive()
    assert errors and isinstance(errors[0], httpx.RemoteProtocolError)  # cut mid-stream, no [DONE]
    assert not any("[DONE]" in line for line in got)


def test_stop_with_idle_keepalive_connection():
    server = FakeLLM().start()
    client = httpx.Client(timeout=5)
    assert client.post(server.url + CHAT, json={"model": "m", "messages": []}).status_code == 200
    t0 = time.monotonic()
    server.stop()  # the pooled connection's handler is blocked reading the next request
    assert time.monotonic() - t0 < 2
    client.close()


def test_bedrock_event_stream_encoding(fake_llm):
    from botocore.eventstream import EventStreamBuffer

    fake_llm.script(Reply.tool_call("read", {"path": "a.py"}, text="hey", chunks=1).with_usage(10, 3))
    r = post(fake_llm, "/model/anthropic.claude-3%3A0/converse-stream", {"messages": []})
    assert r.headers["content-type"] == "application/vnd.amazon.eventstream"
    ours = list(eventstream.decode(r.content))
    buf = EventStreamBuffer()
    buf.add_data(r.content)
    theirs = [(m.headers, m.payload) for m in buf]  # botocore checks the CRCs too
    assert [h for h, _ in ours] == [h for h, _ in theirs]
    assert [h[":event-type"] for h, _ in ours] == ["messageStart", "contentBlockDelta", "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"]
    assert all(h[":message-type"] == "event" and h[":content-type"] == "application/json" for h, _ in ours)
    payloads = [json.loads(p) for _, p in ours]
    assert payloads[-1]["usage"] == {"inputTokens": 10, "outputTokens": 3, "totalTokens": 13}
    assert payloads[-2] == {"stopReason": "tool_use"}
    # a corrupted byte fails the CRC check
    bad = bytearray(r.content)
    bad[20] ^= 0xFF
    with pytest.raises(ValueError):
        list(eventstream.decode(bytes(bad)))


def test_reply_builders_validate():
    with pytest.raises(ValueError):
        Reply.error(200)
    with pytest.raises(ValueError):
        Reply.text("x", chunks=0)
    with pytest.raises(ValueError):
        Reply.stall(then="explode")
    r = Reply.tool_calls({"name": "a", "arguments": {"x": 1}}, ("b",), text="t").with_headers(x_request_id="abc")
    assert [c.name for c in r.calls] == ["a", "b"] and r.headers == (("x-request-id", "abc"),)
    assert r.finish() == "tool_calls" and Reply.text("x").finish() == "stop"
    assert Reply.stall(seconds=10_000).stall_duration == 60 and Reply.text("x").with_delay(99).chunk_delay == 10
    assert Reply.silent(seconds=10_000).stall_duration == 60 and Reply.text("x").trickled(99).byte_delay == 10
