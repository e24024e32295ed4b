"""How litellm 1.106 is pointed at the fake server, per model prefix.

Every row is verified by ``test_fakellm_providers.py`` with real
``litellm.completion`` calls, through the ``api_base`` argument and through
each environment variable listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FAKE_KEY = "sk-fakellm-test-key"
AWS = {"aws_access_key_id": "AKIDFAKELLM", "aws_secret_access_key": "fakellm-secret", "aws_region_name": "us-east-1"}
AWS_ENV = {"AWS_ACCESS_KEY_ID": "AKIDFAKELLM", "AWS_SECRET_ACCESS_KEY": "fakellm-secret", "AWS_REGION_NAME": "us-east-1"}


@dataclass(frozen=True)
class Provider:
    prefix: str  # litellm's model prefix
    model: str  # an example model string
    suffix: str  # api_base = server.url + suffix
    env: tuple[str, ...]  # environment variables litellm reads for the base URL (first wins)
    wire: str  # the server format the calls arrive as (Request.format)
    extra: dict[str, Any] = field(default_factory=dict)  # other completion() arguments it needs
    key_header: str = "authorization"  # where the api key travels
    note: str = ""
    api_key: bool = True  # pass api_key=FAKE_KEY
    key_env: dict[str, str] = field(default_factory=dict)  # environment that replaces the api_key/extra arguments

    def kwargs(self, url: str, model: str | None = None, **extra: Any) -> dict[str, Any]:
        kw: dict[str, Any] = {"model": model or self.model, "api_base": url + self.suffix, "num_retries": 0, "max_retries": 0, "timeout": 10}
        if self.api_key:
            kw["api_key"] = FAKE_KEY
        kw.update(self.extra)
        kw.update(extra)
        return kw

    def environ(self, url: str) -> dict[str, str]:
        """Environment variables that alone point litellm at the server (for
        subprocess tests of the CLI): the base URL under every name litellm
        reads, plus the fake key/credentials."""
        return {**{name: url + self.suffix for name in self.env}, **self.key_env}


OPENAI_COMPATIBLE = "OpenAI Chat Completions"

PROVIDERS: dict[str, Provider] = {
    p.prefix: p
    for p in [
        Provider("openai", "openai/gpt-4o-mini", "/v1", ("OPENAI_BASE_URL", "OPENAI_API_BASE"), "openai", key_env={"OPENAI_API_KEY": FAKE_KEY}),
        Provider("anthropic", "anthropic/claude-3-5-sonnet-20241022", "", ("ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"), "anthropic", key_header="x-api-key", note="litellm appends /v1/messages", key_env={"ANTHROPIC_API_KEY": FAKE_KEY}),
        Provider("gemini", "gemini/gemini-1.5-flash", "/v1beta", ("GEMINI_API_BASE",), "gemini", key_header="x-goog-api-key", note="litellm appends /models/{model}:generateContent (or :streamGenerateContent?alt=sse); include /v1beta yourself", key_env={"GEMINI_API_KEY": FAKE_KEY}),
        Provider("azure", "azure/my-deployment", "", ("AZURE_API_BASE",), "openai", extra={"api_version": "2024-06-01"}, key_header="api-key", note="POST /openai/deployments/{deployment}/chat/completions?api-version=...; AZURE_API_VERSION also read", key_env={"AZURE_API_KEY": FAKE_KEY, "AZURE_API_VERSION": "2024-06-01"}),
        Provider("bedrock", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "", ("AWS_BEDROCK_RUNTIME_ENDPOINT",), "bedrock", extra=dict(AWS), api_key=False, note="Converse API: /model/{id}/converse and /converse-stream; SigV4-signed with the fake AWS credentials (an api_key is sent as a Bearer token instead)", key_env=dict(AWS_ENV)),
        Provider("bedrock/converse", "bedrock/converse/amazon.nova-lite-v1:0", "", ("AWS_BEDROCK_RUNTIME_ENDPOINT",), "bedrock", extra=dict(AWS), api_key=False, note="forces the Converse route for any model id", key_env=dict(AWS_ENV)),
        Provider("cohere", "cohere/command-r-plus", "/v2/chat", ("COHERE_API_BASE",), "cohere", note="api_base is the full URL (litellm appends nothing); default route is v2", key_env={"COHERE_API_KEY": FAKE_KEY}),
        Provider("ollama_chat", "ollama_chat/llama3.2", "", ("OLLAMA_API_BASE",), "ollama_chat", note="POST /api/chat; litellm.api_base (the global) beats the argument"),
        Provider("ollama", "ollama/llama3.2", "", ("OLLAMA_API_BASE",), "ollama", note="POST /api/generate (prompt template, tool calls via JSON mode); litellm.api_base beats the argument"),
        Provider("lm_studio", "lm_studio/qwen2.5-coder-7b", "/v1", ("LM_STUDIO_API_BASE",), "openai", key_env={"LM_STUDIO_API_KEY": FAKE_KEY}),
        Provider("groq", "groq/llama-3.1-8b-instant", "/v1", ("GROQ_API_BASE",), "openai", key_env={"GROQ_API_KEY": FAKE_KEY}),
        Provider("mistral", "mistral/mistral-large-latest", "/v1", ("MISTRAL_AZURE_API_BASE",), "openai", note="chat ignores MISTRAL_API_BASE (only MISTRAL_AZURE_API_BASE or the argument); /v1 is appended if missing", key_env={"MISTRAL_API_KEY": FAKE_KEY}),
        Provider("xai", "xai/grok-2", "/v1", ("XAI_API_BASE",), "openai", key_env={"XAI_API_KEY": FAKE_KEY}),
        Provider("perplexity", "perplexity/sonar", "/v1", ("PERPLEXITY_API_BASE",), "openai", key_env={"PERPLEXITYAI_API_KEY": FAKE_KEY}),
        Provider("together_ai", "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "/v1", ("TOGETHER_AI_API_BASE",), "openai", key_env={"TOGETHERAI_API_KEY": FAKE_KEY}),
        Provider("cerebras", "cerebras/llama3.1-8b", "/v1", ("CEREBRAS_API_BASE",), "openai", key_env={"CEREBRAS_API_KEY": FAKE_KEY}),
        Provider("deepinfra", "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "/v1", ("DEEPINFRA_API_BASE",), "openai", key_env={"DEEPINFRA_API_KEY": FAKE_KEY}),
        Provider("openrouter", "openrouter/anthropic/claude-3.5-sonnet", "/v1", ("OPENROUTER_API_BASE",), "openai", key_env={"OPENROUTER_API_KEY": FAKE_KEY}),
        Provider("deepseek", "deepseek/deepseek-chat", "/v1", ("DEEPSEEK_API_BASE",), "openai", key_env={"DEEPSEEK_API_KEY": FAKE_KEY}),
        Provider("hosted_vllm", "hosted_vllm/my-model", "/v1", ("HOSTED_VLLM_API_BASE",), "openai", key_env={"HOSTED_VLLM_API_KEY": FAKE_KEY}),
        Provider("custom_openai", "custom_openai/my-model", "/v1", ("OPENAI_BASE_URL", "OPENAI_API_BASE"), "openai", note="any OpenAI-compatible server; `openai/<name>` with api_base works the same", key_env={"OPENAI_API_KEY": FAKE_KEY}),
    ]
}


def provider_for(model: str) -> Provider:
    """The row for a model string (longest matching prefix)."""
    for prefix in sorted(PROVIDERS, key=len, reverse=True):
        if model.startswith(prefix + "/"):
            return PROVIDERS[prefix]
    raise KeyError(f"fakellm: no provider row for {model!r}")
