"""Every provider opencode knows: how litellm names it, where its key comes from.

A model is written ``provider/model`` (``anthropic/claude-sonnet-4-20250514``). This
table turns our provider name into litellm's prefix, the environment variables that
hold its credentials (the spec's names; we pass the key to litellm ourselves, so
litellm's own variable names do not matter), its usual address when it is a local
server, and a default model. ``nested_models`` marks providers whose own model names
hold slashes (``openrouter/anthropic/claude-3.5-sonnet``, ``meta-llama/...`` on
Together): with one of them as the default provider, a bare ``org/model`` is its.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Provider:
    __slots__ = ("name", "title", "prefix", "key_env", "base_url", "base_url_env", "default_model", "needs_key", "openai_compatible", "nested_models")

    def __init__(
        self,
        name: str,
        title: str,
        prefix: str,
        key_env: str | None,
        default_model: str,
        *,
        base_url: str | None = None,
        base_url_env: str | None = None,
        needs_key: bool = True,
        openai_compatible: bool = False,
        nested_models: bool = False,
    ) -> None:
        self.name, self.title, self.prefix, self.key_env = name, title, prefix, key_env
        self.default_model, self.base_url, self.base_url_env = default_model, base_url, base_url_env
        self.needs_key, self.openai_compatible, self.nested_models = needs_key, openai_compatible, nested_models

    def __repr__(self) -> str:
        return f"Provider({self.name!r})"


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("anthropic", "Anthropic", "anthropic", "ANTHROPIC_API_KEY", "claude-sonnet-4-20250514"),
        Provider("openai", "OpenAI", "openai", "OPENAI_API_KEY", "gpt-4o"),
        Provider("google", "Google", "gemini", "GOOGLE_API_KEY", "gemini-2.0-flash"),
        Provider("azure", "Azure OpenAI", "azure", "AZURE_OPENAI_API_KEY", "gpt-4o", base_url_env="AZURE_OPENAI_ENDPOINT"),
        Provider("bedrock", "AWS Bedrock", "bedrock", "AWS_ACCESS_KEY_ID", "anthropic.claude-3-5-sonnet-20240620-v1:0", nested_models=True),
        Provider("groq", "Groq", "groq", "GROQ_API_KEY", "llama-3.3-70b-versatile", openai_compatible=True, nested_models=True),
        Provider("mistral", "Mistral", "mistral", "MISTRAL_API_KEY", "mistral-large-latest", openai_compatible=True),
        Provider("cohere", "Cohere", "cohere", "COHERE_API_KEY", "command-r-plus"),
        Provider("xai", "xAI", "xai", "XAI_API_KEY", "grok-2-latest", openai_compatible=True),
        Provider("perplexity", "Perplexity", "perplexity", "PERPLEXITY_API_KEY", "sonar", openai_compatible=True),
        Provider("together", "Together AI", "together_ai", "TOGETHER_API_KEY", "meta-llama/Llama-3.3-70B-Instruct-Turbo", openai_compatible=True, nested_models=True),
        Provider("cerebras", "Cerebras", "cerebras", "CEREBRAS_API_KEY", "llama3.1-8b", openai_compatible=True),
        Provider("deepinfra", "DeepInfra", "deepinfra", "DEEPINFRA_API_KEY", "meta-llama/Meta-Llama-3.1-70B-Instruct", openai_compatible=True, nested_models=True),
        Provider("openrouter", "OpenRouter", "openrouter", "OPENROUTER_API_KEY", "anthropic/claude-3.5-sonnet", openai_compatible=True, nested_models=True),
        Provider("ollama", "Ollama", "ollama_chat", None, "llama3.2", base_url="http://localhost:11434", needs_key=False, nested_models=True),
        Provider("lmstudio", "LM Studio", "lm_studio", None, "local-model", base_url="http://localhost:1234/v1", needs_key=False, openai_compatible=True, nested_models=True),
        Provider("custom", "Custom (OpenAI-compatible)", "openai", "CUSTOM_API_KEY", "custom-model", openai_compatible=True, nested_models=True),
    )
}

#: Other spellings people use for a provider.
ALIASES = {"gemini": "google", "vertex": "google", "together_ai": "together", "lm_studio": "lmstudio", "aws": "bedrock", "azure_openai": "azure", "grok": "xai"}

#: AWS credentials besides the access key, passed to litellm for Bedrock.
AWS_ENV = {"aws_secret_access_key": "AWS_SECRET_ACCESS_KEY", "aws_session_token": "AWS_SESSION_TOKEN", "aws_region_name": "AWS_REGION"}


def lookup(name: str) -> Provider | None:
    name = name.lower()
    return PROVIDERS.get(ALIASES.get(name, name))


def provider_settings(config: Any, name: str) -> dict[str, Any]:
    """The ``[provider.NAME]`` table (empty when absent)."""
    table = config.get(f"provider.{name}", {}) if config is not None else {}
    return table if isinstance(table, dict) else {}
