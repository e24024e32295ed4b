"""Every provider of the spec's table, through resolution and litellm, over loopback
HTTP to the fake server in the wire format litellm uses for it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakellm.script import Reply
from opencode.config import load_config
from opencode.errors import AuthError, UsageError
from opencode.llm import client
from opencode.llm.providers import PROVIDERS
from opencode.llm.resolve import resolve_model
from opencode.llm.types import Request

#: Our provider -> (path appended to the fake server's URL, the wire format it speaks).
ROUTES = {
    "anthropic": ("", "anthropic"),
    "openai": ("/v1", "openai"),
    "google": ("/v1beta", "gemini"),
    "azure": ("", "openai"),
    "bedrock": ("", "bedrock"),
    "groq": ("/v1", "openai"),
    "mistral": ("/v1", "openai"),
    "cohere": ("/v2/chat", "cohere"),
    "xai": ("/v1", "openai"),
    "perplexity": ("/v1", "openai"),
    "together": ("/v1", "openai"),
    "cerebras": ("/v1", "openai"),
    "deepinfra": ("/v1", "openai"),
    "openrouter": ("/v1", "openai"),
    "ollama": ("", "ollama_chat"),
    "lmstudio": ("/v1", "openai"),
    "custom": ("/v1", "openai"),
}

ENV = {
    "ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k", "GOOGLE_API_KEY": "k", "AZURE_OPENAI_API_KEY": "k",
    "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
    "GROQ_API_KEY": "k", "MISTRAL_API_KEY": "k", "COHERE_API_KEY": "k", "XAI_API_KEY": "k", "PERPLEXITY_API_KEY": "k",
    "TOGETHER_API_KEY": "k", "CEREBRAS_API_KEY": "k", "DEEPINFRA_API_KEY": "k", "OPENROUTER_API_KEY": "k", "MY_KEY": "k",
}

#: litellm knows these providers take no tools, and (drop_params) does not send them.
NO_TOOLS = {"perplexity"}

TOOL = {
    "type": "function",
    "function": {"name": "read", "description": "Read a file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}},
}


def test_every_spec_provider_has_a_route():
    assert set(ROUTES) == set(PROVIDERS)


def choice_for(tmp_path: Path, provider: str, url: str):
    suffix, _ = ROUTES[provider]
    extra = 'api_key_env = "MY_KEY"\nname = "Mine"\n' if provider == "custom" else ""
    model = 'model = "my-deployment"\n' if provider == "azure" else ""
    (tmp_path / "opencode.toml").write_text(
        f'[provider]\ndefault = "{provider}"\n[provider.{provider}]\nbase_url = "{url}{suffix}"\n{extra}{model}'
    )
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    return resolve_model(config, ENV, None)


@pytest.mark.parametrize("provider", sorted(ROUTES))
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_text_and_tool_calls(provider, stream, tmp_path: Path, fake_llm):
    choice = choice_for(tmp_path, provider, fake_llm.url)
    fake_llm.script(Reply.text("hello from " + provider, chunks=3), Reply.tool_call("read", {"path": "a.py"}))
    settings = client.Settings(idle_timeout=10, max_retries=0)
    messages = [{"role": "user", "content": f"say hi, {provider}"}]

    async def one(tools=None):
        request = Request(choice, messages, tools=tools)
        if not stream:
            return await client.complete(request, settings)
        async for kind, value in client.stream(request, settings):
            if kind == "done":
                return value

    text_reply = asyncio.run(one())
    assert text_reply.text == "hello from " + provider
    assert text_reply.model == choice.name
    call_reply = asyncio.run(one([TOOL]))
    assert [(c.name, c.parsed()) for c in call_reply.tool_calls] == [("read", {"path": "a.py"})]
    requests = fake_llm.chat_requests
    assert [r.format for r in requests] == [ROUTES[provider][1]] * 2
    assert f"say hi, {provider}" in requests[0].text
    assert ("read" in requests[1].tool_names) == (provider not in NO_TOOLS)


def test_local_providers_need_no_key(tmp_path: Path, fake_llm):
    (tmp_path / "opencode.toml").write_text(f'[provider.ollama]\nbase_url = "{fake_llm.url}"\n')
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    choice = resolve_model(config, {}, None, "ollama/llama3.2")
    assert choice.api_key is None and choice.api_base == fake_llm.url


def test_default_local_addresses():
    assert PROVIDERS["ollama"].base_url == "http://localhost:11434"
    assert PROVIDERS["lmstudio"].base_url == "http://localhost:1234/v1"


def test_missing_key_names_the_variable(tmp_path: Path):
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    with pytest.raises(AuthError, match="GROQ_API_KEY not found"):
        resolve_model(config, {}, None, "groq/llama-3.3-70b-versatile")


def test_stored_key_is_used_and_environment_wins(tmp_path: Path):
    from opencode.llm.auth import AuthStore

    store = AuthStore(tmp_path / "data")
    store.set("openai", "stored-key")
    assert (tmp_path / "data" / "auth.json").stat().st_mode & 0o777 == 0o600
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    assert resolve_model(config, {}, store, "openai/gpt-4o").api_key == "stored-key"
    assert resolve_model(config, {"OPENAI_API_KEY": "env-key"}, store, "openai/gpt-4o").api_key == "env-key"


def test_model_resolution_order(tmp_path: Path):
    (tmp_path / "opencode.toml").write_text('[provider]\ndefault = "openai"\n[provider.openai]\nmodel = "gpt-4o-mini"\n')
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    env = {"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"}
    assert resolve_model(config, env, None).name == "openai/gpt-4o-mini"
    assert resolve_model(config, env, None, "gpt-4.1").name == "openai/gpt-4.1"
    assert resolve_model(config, env, None, "anthropic/claude-x").litellm_model == "anthropic/claude-x"
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")}, flags={"model": "anthropic/claude-y"})
    assert resolve_model(config, env, None).name == "anthropic/claude-y"


def test_an_unknown_provider_prefix_is_a_usage_error_listing_the_known_ones(tmp_path: Path):
    (tmp_path / "opencode.toml").write_text('[provider.mine]\nbase_url = "http://127.0.0.1:9/v1"\n')
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    with pytest.raises(UsageError) as caught:
        resolve_model(config, {"ANTHROPIC_API_KEY": "k"}, None, "nosuch/model")
    assert "unknown provider 'nosuch'" in caught.value.message
    assert "anthropic, azure, bedrock" in caught.value.hint and "openrouter" in caught.value.hint and "mine" in caught.value.hint


def test_model_names_with_slashes(tmp_path: Path):
    (tmp_path / "opencode.toml").write_text('[provider]\ndefault = "together"\n[provider.mine]\nbase_url = "http://127.0.0.1:9/v1"\n')
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    router = resolve_model(config, ENV, None, "openrouter/anthropic/claude-3.5-sonnet")
    assert (router.provider_name, router.model, router.litellm_model) == ("openrouter", "anthropic/claude-3.5-sonnet", "openrouter/anthropic/claude-3.5-sonnet")
    # the default provider takes org/model names: a bare one is its
    together = resolve_model(config, ENV, None, "meta-llama/Llama-3.3-70B-Instruct-Turbo")
    assert (together.provider_name, together.model) == ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo")
    mine = resolve_model(config, ENV, None, "mine/qwen/qwen2.5-coder")
    assert (mine.provider_name, mine.model, mine.api_base) == ("mine", "qwen/qwen2.5-coder", "http://127.0.0.1:9/v1")
    assert resolve_model(config, ENV, None, "gemini/gemini-2.0-flash").provider_name == "gemini"  # an alias is known too


def test_a_missing_key_names_the_configured_variable(tmp_path: Path):
    (tmp_path / "opencode.toml").write_text(
        '[provider.mine]\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "MINE_KEY"\n'
        '[provider.openai]\napi_key_env = "WORK_OPENAI_KEY"\n'
        '[provider.local]\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    config = load_config(tmp_path, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    for model, variable, section in (("mine/m", "MINE_KEY", "provider.mine"), ("openai/gpt-4o", "WORK_OPENAI_KEY", "provider.openai")):
        with pytest.raises(AuthError) as caught:
            resolve_model(config, {"OPENAI_API_KEY": "k"}, None, model)
        assert caught.value.message == f"{variable} not found (api_key_env in [{section}])"
        assert f"export {variable}=" in caught.value.hint
    assert resolve_model(config, {"MINE_KEY": "k"}, None, "mine/m").api_key == "k"
    assert resolve_model(config, {}, None, "local/m").api_key is None  # no api_key_env: a local server needs none
