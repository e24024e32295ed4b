"""Every row of ``providers.PROVIDERS`` verified with real litellm calls: the
``api_base`` argument and each environment variable reach the fake server,
and text and tool-call replies come back, streamed and not."""

from __future__ import annotations

import json

import pytest

from fakellm import FAKE_KEY, PROVIDERS, Reply

pytestmark = [pytest.mark.timeout(60), pytest.mark.filterwarnings("ignore::UserWarning:pydantic"), pytest.mark.filterwarnings("ignore::DeprecationWarning:litellm")]

TOOLS = [{"type": "function", "function": {"name": "read", "description": "Read a file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}}]
NO_TOOLS = {"perplexity"}  # litellm refuses `tools` for perplexity (UnsupportedParamsError) before any request
ENV_CASES = [(prefix, env) for prefix, p in PROVIDERS.items() for env in p.env]


def messages(marker: str) -> list[dict]:
    return [{"role": "user", "content": f"say hi {marker}"}]


def drain(litellm, resp, stream: bool):
    return litellm.stream_chunk_builder(list(resp)) if stream else resp


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("prefix", list(PROVIDERS))
def test_api_base_argument(litellm, fake_llm, prefix, stream):
    p = PROVIDERS[prefix]
    fake_llm.stream_usage = "always"  # some providers lose stream_options in litellm
    fake_llm.script(Reply.text("hello there", chunks=3).with_usage(42, 7))
    extra = {"stream_options": {"include_usage": True}} if stream else {}
    resp = drain(litellm, litellm.completion(messages=messages("M-1"), stream=stream, **p.kwargs(fake_llm.url), **extra), stream)
    assert resp.choices[0].message.content == "hello there"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (42, 7)
    req = fake_llm.last_request
    assert req.format == p.wire and req.stream is stream and "M-1" in req.text
    if p.api_key:
        assert req.header(p.key_header) in (FAKE_KEY, f"Bearer {FAKE_KEY}")


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("prefix", [x for x in PROVIDERS if x not in NO_TOOLS])
def test_tool_call(litellm, fake_llm, prefix, stream):
    p = PROVIDERS[prefix]
    fake_llm.script(Reply.tool_call("read", {"path": "src/a.py"}))
    resp = drain(litellm, litellm.completion(messages=messages("M-2"), stream=stream, tools=TOOLS, **p.kwargs(fake_llm.url)), stream)
    [tc] = resp.choices[0].message.tool_calls
    assert (tc.function.name, json.loads(tc.function.arguments)) == ("read", {"path": "src/a.py"})
    req = fake_llm.last_request
    if p.wire != "ollama":  # /api/generate carries tools in the prompt
        assert req.tool_names == ["read"]


def test_perplexity_refuses_tools(litellm, fake_llm):
    with pytest.raises(litellm.UnsupportedParamsError):
        litellm.completion(messages=messages("M-3"), tools=TOOLS, **PROVIDERS["perplexity"].kwargs(fake_llm.url))
    assert fake_llm.requests == []


@pytest.mark.parametrize(("prefix", "env"), ENV_CASES, ids=[f"{a}-{b}" for a, b in ENV_CASES])
def test_environment_variable(litellm, fake_llm, monkeypatch, prefix, env):
    """Environment alone (base URL under one of its names, plus the fake key or
    credentials) is enough: what a subprocess test of the CLI relies on."""
    p = PROVIDERS[prefix]
    environ = p.environ(fake_llm.url)
    for name in p.env:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        if name == env or name not in p.env:
            monkeypatch.setenv(name, value)
    fake_llm.script(Reply.text(f"via {env}"))
    resp = litellm.completion(model=p.model, messages=messages("M-4"), num_retries=0, max_retries=0, timeout=10)
    assert resp.choices[0].message.content == f"via {env}"
    req = fake_llm.last_request
    assert req.format == p.wire
    if p.key_env and p.api_key:
        assert req.header(p.key_header) in (FAKE_KEY, f"Bearer {FAKE_KEY}")


@pytest.mark.parametrize("prefix", ["ollama", "ollama_chat"])
def test_ollama_global_api_base_beats_the_argument(litellm, fake_llm, prefix, monkeypatch):
    """For ollama, litellm.api_base (the module global) wins over api_base=...;
    for other providers the argument wins."""
    from fakellm import FakeLLM

    with FakeLLM() as other:
        monkeypatch.setattr(litellm, "api_base", other.url)
        litellm.completion(messages=messages("M-5"), **PROVIDERS[prefix].kwargs(fake_llm.url))
        litellm.completion(messages=messages("M-5"), **PROVIDERS["anthropic"].kwargs(fake_llm.url))
        assert [r.format for r in other.chat_requests] == [prefix]
        assert [r.format for r in fake_llm.chat_requests] == ["anthropic"]


def test_deepinfra_ignores_max_retries(litellm, fake_llm):
    """litellm drops max_retries=0 for deepinfra (not in its supported params), so
    the OpenAI SDK's default of 2 retries applies, honouring Retry-After."""
    fake_llm.script(*[Reply.error(429, headers={"Retry-After": "0"})] * 3)
    with pytest.raises(litellm.RateLimitError):
        litellm.completion(messages=messages("M-6"), **PROVIDERS["deepinfra"].kwargs(fake_llm.url))
    assert len(fake_llm.chat_requests) == 3


def test_bedrock_api_key_is_a_bearer_token(litellm, fake_llm):
    litellm.completion(messages=messages("M-7"), **PROVIDERS["bedrock"].kwargs(fake_llm.url, api_key=FAKE_KEY))
    assert fake_llm.last_request.header("authorization") == f"Bearer {FAKE_KEY}"


SERVER_ERROR = {"azure": "APIError", "openrouter": "APIError", "bedrock": "ServiceUnavailableError", "bedrock/converse": "ServiceUnavailableError"}


@pytest.mark.parametrize("prefix", list(PROVIDERS))
def test_error_classes(litellm, fake_llm, prefix):
    p = PROVIDERS[prefix]
    tries = 3 if prefix == "deepinfra" else 1  # see test_deepinfra_ignores_max_retries
    for status, name in [(429, "RateLimitError"), (500, SERVER_ERROR.get(prefix, "InternalServerError")), (401, "AuthenticationError")]:
        fake_llm.script(*[Reply.error(status, headers={"Retry-After": "0"})] * (1 if status == 401 else tries))
        with pytest.raises(Exception) as info:
            litellm.completion(messages=messages("M-8"), **p.kwargs(fake_llm.url))
        assert type(info.value).__name__ == name, repr(info.value)
    assert fake_llm.pending == 0


@pytest.mark.parametrize("prefix", ["mistral", "cerebras", "deepinfra"])
def test_stream_options_dropped(litellm, fake_llm, prefix):
    resp = litellm.completion(messages=messages("M-9"), stream=True, stream_options={"include_usage": True}, **PROVIDERS[prefix].kwargs(fake_llm.url))
    list(resp)
    assert "stream_options" not in fake_llm.last_request.body
