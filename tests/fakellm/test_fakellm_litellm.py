"""Real ``litellm.completion`` calls against the fake server, one native wire
format at a time: litellm must parse our responses into the right text, tool
calls, finish reason and usage, streamed and not; errors must surface as
litellm's exception classes; and the recorded requests must show what was sent.

Where litellm 1.106 behaves unexpectedly the expectation says so (see
README.md, "What litellm does that may surprise you").
"""

from __future__ import annotations

import asyncio
import json

import pytest

from fakellm import FAKE_KEY, FakeLLM, Reply

pytestmark = [pytest.mark.timeout(60), pytest.mark.filterwarnings("ignore::UserWarning:pydantic"), pytest.mark.filterwarnings("ignore::DeprecationWarning:litellm")]

OPENAI = "openai/gpt-4o-mini"
AZURE = "azure/my-deployment"
ANTHROPIC = "anthropic/claude-3-5-sonnet-20241022"
GEMINI = "gemini/gemini-1.5-flash"
BEDROCK = "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"
COHERE = "cohere/command-r-plus"
OLLAMA_CHAT = "ollama_chat/llama3.2"
OLLAMA = "ollama/llama3.2"
NATIVE = [OPENAI, AZURE, ANTHROPIC, GEMINI, BEDROCK, COHERE, OLLAMA_CHAT, OLLAMA]

FORMAT = {OPENAI: "openai", AZURE: "openai", ANTHROPIC: "anthropic", GEMINI: "gemini", BEDROCK: "bedrock", COHERE: "cohere", OLLAMA_CHAT: "ollama_chat", OLLAMA: "ollama"}
PATH = {
    OPENAI: "/v1/chat/completions",
    AZURE: "/openai/deployments/my-deployment/chat/completions",
    ANTHROPIC: "/v1/messages",
    GEMINI: "/v1beta/models/gemini-1.5-flash:{action}",
    BEDROCK: "/model/anthropic.claude-3-5-sonnet-20240620-v1:0/{action}",
    COHERE: "/v2/chat",
    OLLAMA_CHAT: "/api/chat",
    OLLAMA: "/api/generate",
}
CACHED_TOKENS_REPORTED = {OPENAI, AZURE, ANTHROPIC, GEMINI, BEDROCK}  # formats with a cached-token field

TOOLS = [
    {"type": "function", "function": {"name": "read", "description": "Read a file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}},
    {"type": "function", "function": {"name": "grep", "description": "Search files", "parameters": {"type": "object", "properties": {"pattern": {"type": "string"}}, "required": ["pattern"]}}},
]
PROMPT = "Explain the file. Contents of a.py:\nprint('PROMPT-MARKER-1234')"


def call(litellm, server: FakeLLM, model: str, stream: bool, messages=None, **kw):
    """One completion; a stream is drained and rebuilt. Returns (response, content chunks seen)."""
    args = server.litellm_kwargs(model, **kw)
    if stream:
        args.setdefault("stream_options", {"include_usage": True})
    resp = litellm.completion(messages=messages or [{"role": "user", "content": PROMPT}], stream=stream, **args)
    if not stream:
        return resp, []
    chunks = list(resp)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    return litellm.stream_chunk_builder(chunks), pieces


def expected_path(model: str, stream: bool) -> str:
    action = {GEMINI: "streamGenerateContent" if stream else "generateContent", BEDROCK: "converse-stream" if stream else "converse"}.get(model, "")
    return PATH[model].format(action=action)


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("model", NATIVE)
def test_text_reply(litellm, fake_llm, model, stream):
    fake_llm.script(Reply.text("Hello from the fake server", chunks=4).with_usage(42, 7, cached_tokens=12))
    resp, pieces = call(litellm, fake_llm, model, stream)
    msg = resp.choices[0].message
    assert msg.content == "Hello from the fake server"
    assert not msg.tool_calls
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (42, 7)
    if model in CACHED_TOKENS_REPORTED:
        assert resp.usage.prompt_tokens_details.cached_tokens == 12
    if stream:
        assert "".join(pieces) == "Hello from the fake server" and len(pieces) == 4

    [req] = fake_llm.chat_requests
    assert req.format == FORMAT[model] and req.stream is stream
    assert req.path == expected_path(model, stream)
    assert "PROMPT-MARKER-1234" in req.text  # the prompt (with the file content) was sent
    if model == GEMINI and stream:
        assert req.query == {"alt": "sse"}
    if model == AZURE:
        assert req.query == {"api-version": "2024-06-01"}


def _check_key(model: str, req) -> None:
    if model == BEDROCK:  # SigV4 with the fake credentials
        assert req.header("authorization").startswith("AWS4-HMAC-SHA256 Credential=AKIDFAKELLM/")
        assert req.header("x-amz-date")
    else:
        name = {ANTHROPIC: "x-api-key", GEMINI: "x-goog-api-key", AZURE: "api-key"}.get(model, "authorization")
        value = req.header(name)
        assert value in (FAKE_KEY, f"Bearer {FAKE_KEY}"), (name, value)
    if model == ANTHROPIC:
        assert req.header("anthropic-version")


@pytest.mark.parametrize("model", NATIVE)
def test_api_key_reaches_the_server(litellm, fake_llm, model):
    call(litellm, fake_llm, model, False)
    _check_key(model, fake_llm.last_request)


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("model", NATIVE)
def test_tool_calls(litellm, fake_llm, model, stream):
    fake_llm.script(Reply.tool_calls(("read", {"path": "a.py"}), ("grep", {"pattern": "TODO", "n": 2}), text="Let me look."))
    resp, _ = call(litellm, fake_llm, model, stream, tools=TOOLS)
    msg = resp.choices[0].message
    got = [(tc.function.name, tc.function.arguments if model == COHERE and stream else json.loads(tc.function.arguments)) for tc in msg.tool_calls]
    if model == OLLAMA:
        # /api/generate has no tool calls: litellm asks for JSON and parses one {"name", "arguments"} object
        assert got == [("read", {"path": "a.py"})]
        assert not msg.content
    elif model == COHERE and stream:
        # litellm's Cohere v2 stream parser gives tool-call deltas no index: several
        # calls in one streamed reply merge into one (last name, concatenated arguments)
        assert got == [("grep", '{"path": "a.py"}{"pattern": "TODO", "n": 2}')]
        assert msg.content == "Let me look."
    else:
        assert got == [("read", {"path": "a.py"}), ("grep", {"pattern": "TODO", "n": 2})]
        assert all(tc.id for tc in msg.tool_calls)
        # litellm drops the text of a Cohere v2 reply that has tool calls (non-streaming only)
        assert msg.content == (None if (model == COHERE and not stream) else "Let me look.")
    # litellm leaves Cohere's finish reason TOOL_CALL unmapped ("stop")
    assert resp.choices[0].finish_reason == ("stop" if model == COHERE else "tool_calls")

    req = fake_llm.last_request
    if model == OLLAMA:
        assert req.body["format"] == "json" and "grep" in req.body["prompt"]  # tools go into the prompt
    else:
        assert req.tool_names == ["read", "grep"]


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, GEMINI, BEDROCK, COHERE, OLLAMA_CHAT])
def test_tool_result_round_trip_is_sent(litellm, fake_llm, model):
    """The second turn carries the assistant's tool call and the tool's output."""
    fake_llm.script(Reply.tool_call("read", {"path": "a.py"}), Reply.text("It prints a marker."))
    first, _ = call(litellm, fake_llm, model, False, tools=TOOLS)
    tc = first.choices[0].message.tool_calls[0]
    messages = [
        {"role": "user", "content": "What does a.py do?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": tc.id, "type": "function", "function": {"name": tc.function.name, "arguments": tc.function.arguments}}]},
        {"role": "tool", "tool_call_id": tc.id, "content": "print('FILE-CONTENT-5678')"},
    ]
    second, _ = call(litellm, fake_llm, model, False, messages=messages, tools=TOOLS)
    assert second.choices[0].message.content == "It prints a marker."
    req = fake_llm.last_request
    assert "FILE-CONTENT-5678" in req.text and "What does a.py do?" in req.text
    assert '"a.py"' in json.dumps(req.body) or "a.py" in req.text  # the call's arguments went back too


@pytest.mark.parametrize("model", [ANTHROPIC, BEDROCK])
def test_cache_write_tokens(litellm, fake_llm, model):
    fake_llm.script(Reply.text("cached").with_usage(1000, 5, cached_tokens=600, cache_write_tokens=300))
    resp, _ = call(litellm, fake_llm, model, False)
    assert resp.usage.prompt_tokens == 1000
    assert resp.usage.prompt_tokens_details.cached_tokens == 600
    assert resp.usage.cache_creation_input_tokens == 300


# -- errors --------------------------------------------------------------------
# litellm's class for a 500 differs by provider; a streaming Gemini call fails
# lazily, on the first read, wrapped in MidStreamFallbackError (its
# .original_exception has the usual class).
SERVER_ERROR = {AZURE: "APIError", BEDROCK: "ServiceUnavailableError"}


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("model", NATIVE)
def test_rate_limit_and_server_error(litellm, fake_llm, model, stream):
    fake_llm.script(Reply.error(429, headers={"Retry-After": "1"}), Reply.error(500))
    for status, name in [(429, "RateLimitError"), (500, SERVER_ERROR.get(model, "InternalServerError"))]:
        with pytest.raises(Exception) as info:
            call(litellm, fake_llm, model, stream)
        err = info.value
        if model == GEMINI and stream:
            assert isinstance(err, litellm.exceptions.MidStreamFallbackError)
            err = err.original_exception
        assert type(err).__name__ == name, repr(err)
        assert isinstance(err, getattr(litellm, name))
        if status == 429:
            assert isinstance(err, litellm.RateLimitError)
    assert len(fake_llm.chat_requests) == 2  # no retries
    assert fake_llm.pending == 0


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, GEMINI, BEDROCK, COHERE, OLLAMA_CHAT])
def test_auth_error(litellm, fake_llm, model):
    fake_llm.script(Reply.error(401))
    with pytest.raises(litellm.AuthenticationError):
        call(litellm, fake_llm, model, False)


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, GEMINI, BEDROCK])
def test_retry_after_header_reaches_the_exception(litellm, fake_llm, model):
    fake_llm.script(Reply.error(429, headers={"Retry-After": "7"}))
    with pytest.raises(litellm.RateLimitError) as info:
        call(litellm, fake_llm, model, False)
    # (for OpenAI-SDK providers err.response.headers is empty; litellm_response_headers has them)
    assert info.value.litellm_response_headers["retry-after"] == "7"


# -- broken streams ----------------------------------------------------------------
# What litellm 1.106 does with an invalid JSON chunk mid-stream: most formats
# raise; Anthropic and Gemini end the stream early without an error (the text
# after the bad chunk is lost); ollama_chat skips the bad line.
MALFORMED = {ANTHROPIC: "truncated", GEMINI: "truncated", OLLAMA_CHAT: "skipped"}


@pytest.mark.parametrize("model", NATIVE)
def test_malformed_chunk(litellm, fake_llm, model):
    fake_llm.script(Reply.malformed("abcd", at=1, chunks=2))
    outcome = MALFORMED.get(model, "raises")
    if outcome == "raises":
        with pytest.raises(litellm.exceptions.MidStreamFallbackError) as info:
            call(litellm, fake_llm, model, True)
        assert info.value.generated_content == "ab" or "json" in str(info.value).lower()
    else:
        resp, pieces = call(litellm, fake_llm, model, True)
        assert "".join(pieces) == ("abcd" if outcome == "skipped" else "ab")


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, BEDROCK, OLLAMA_CHAT])
def test_malformed_body(litellm, fake_llm, model):
    import openai

    fake_llm.script(Reply.malformed())
    with pytest.raises(openai.OpenAIError):  # litellm's exception classes derive from openai's
        call(litellm, fake_llm, model, False)


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, BEDROCK, COHERE])
def test_stall_hits_the_client_timeout(litellm, fake_llm, model):
    # A read timeout of 1.5 s: ample for a loaded machine to deliver the first chunk
    # (about 10 ms normally), well short of the 8 s stall.
    fake_llm.script(Reply.stall("abcd", after=1, seconds=8), Reply.stall(seconds=8))
    # mid-stream: MidStreamFallbackError wrapping the read timeout; Bedrock: a plain
    # Timeout. A loaded machine may not even deliver the first chunk in time, which
    # ends as a plain Timeout too: either way the stall hits the timeout.
    expected = (litellm.Timeout,) if model == BEDROCK else (litellm.exceptions.MidStreamFallbackError, litellm.Timeout)
    with pytest.raises(expected) as info:
        call(litellm, fake_llm, model, True, timeout=1.5)
    assert "timed out" in str(info.value).lower()
    with pytest.raises(litellm.Timeout):
        call(litellm, fake_llm, model, False, timeout=1.5)


def test_gemini_stream_ignores_the_read_timeout(litellm, fake_llm):
    """litellm 1.106 does not apply ``timeout`` to reads of a Gemini stream: the
    call waits out the whole stall and fails only when the connection closes."""
    fake_llm.script(Reply.stall("abcd", after=1, seconds=1.0))
    import time

    t0 = time.monotonic()
    with pytest.raises(litellm.exceptions.MidStreamFallbackError):
        call(litellm, fake_llm, GEMINI, True, timeout=0.2)
    assert time.monotonic() - t0 >= 0.9


def test_time_to_first_token(litellm, fake_llm):
    import time

    fake_llm.script(Reply.text("slow start", chunks=2).with_delay(0.0, first=0.4))
    t0 = time.monotonic()
    stream = litellm.completion(messages=[{"role": "user", "content": "hi"}], stream=True, **fake_llm.litellm_kwargs(ANTHROPIC))
    first = next(c for c in stream if c.choices and c.choices[0].delta.content)
    assert time.monotonic() - t0 >= 0.4 and first.choices[0].delta.content == "slow "
    list(stream)


# -- what an exception really says -------------------------------------------------
# litellm's own status_code is not to be trusted (opencode/llm/failures.py): a status
# the server sent travels in the cause chain as an httpx.HTTPStatusError, a refused
# connection as an httpx.ConnectError under a made-up 500, and a 200 that is no
# completion as neither.
def causes(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None and exc not in found:
        found.append(exc)
        inner = getattr(exc, "original_exception", None)
        exc = inner if isinstance(inner, BaseException) else (exc.__cause__ or exc.__context__)
    return found


@pytest.mark.parametrize("model", NATIVE)
def test_a_real_status_is_an_http_status_error_in_the_chain(litellm, fake_llm, model):
    import httpx

    fake_llm.script(Reply.error(500))
    with pytest.raises(Exception) as info:
        call(litellm, fake_llm, model, False)
    sent = [c.response.status_code for c in causes(info.value) if isinstance(c, httpx.HTTPStatusError)]
    assert sent[:1] == [500]  # (Bedrock's exception says 503)


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, GEMINI, OLLAMA_CHAT])
def test_a_refused_connection_is_a_transport_error_in_the_chain(litellm, fake_llm, model):
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = fake_llm.litellm_kwargs(model)
    args["api_base"] = args["api_base"].replace(str(fake_llm.port), str(port))
    with pytest.raises(Exception) as info:
        litellm.completion(messages=[{"role": "user", "content": PROMPT}], **args)
    chain = causes(info.value)
    assert any(isinstance(c, (httpx.TransportError, ConnectionRefusedError)) for c in chain)
    assert not any(isinstance(c, httpx.HTTPStatusError) for c in chain)
    assert getattr(info.value, "status_code", None) in (None, 500)  # 500 for OpenAI: no server said so


@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, GEMINI, AZURE, COHERE, OLLAMA_CHAT])
@pytest.mark.parametrize("body", ["<html><body>Sign in</body></html>", {}], ids=["html", "empty"])
def test_a_200_that_is_no_completion(litellm, fake_llm, model, body):
    import httpx

    fake_llm.script(Reply.raw(body, content_type="text/html" if isinstance(body, str) else None))
    with pytest.raises(Exception) as info:  # plain: an exception of some class, no status in the chain
        call(litellm, fake_llm, model, False)
    assert not any(isinstance(c, (httpx.HTTPStatusError, httpx.TransportError)) for c in causes(info.value))
    fake_llm.script(Reply.raw(body, content_type="text/html" if isinstance(body, str) else None))
    args = fake_llm.litellm_kwargs(model)
    try:  # streamed: most streams end with a made-up empty chunk, finish "stop"
        chunks = list(litellm.completion(messages=[{"role": "user", "content": PROMPT}], stream=True, stream_options={"include_usage": True}, **args))
    except Exception as exc:  # noqa: BLE001 - Cohere's and Ollama's parsers raise instead
        assert not any(isinstance(c, httpx.HTTPStatusError) for c in causes(exc))
        return
    assert not any(getattr(c.usage, "completion_tokens", 0) for c in chunks if getattr(c, "usage", None))  # Gemini: an estimate of the prompt
    assert not any(ch.delta.content or ch.delta.role or ch.delta.tool_calls for c in chunks for ch in c.choices)
    assert {ch.finish_reason for c in chunks for ch in c.choices} <= {None, "stop"}


# -- async ---------------------------------------------------------------------
@pytest.mark.parametrize("model", [OPENAI, ANTHROPIC, GEMINI, BEDROCK, COHERE, OLLAMA_CHAT])
def test_async_stream(litellm, fake_llm, model):
    fake_llm.script(Reply.tool_call("read", {"path": "a.py"}, text="async hello", chunks=3))

    async def run():
        resp = await litellm.acompletion(messages=[{"role": "user", "content": PROMPT}], stream=True, tools=TOOLS, **fake_llm.litellm_kwargs(model))
        return [c async for c in resp]

    chunks = asyncio.run(asyncio.wait_for(run(), 20))
    built = litellm.stream_chunk_builder(chunks)
    assert built.choices[0].message.content == "async hello"
    assert [(t.function.name, json.loads(t.function.arguments)) for t in built.choices[0].message.tool_calls] == [("read", {"path": "a.py"})]


# -- model listing -----------------------------------------------------------------
def test_ollama_model_listing(litellm, fake_llm):
    from litellm.llms.ollama.common_utils import OllamaModelInfo

    assert sorted(OllamaModelInfo().get_models(api_base=fake_llm.url)) == sorted(f"ollama/{m}" for m in fake_llm.models)
    assert fake_llm.requests[0].path == "/api/tags"
