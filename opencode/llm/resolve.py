"""Which model a call goes to, with which credentials and address.

Order: an explicit choice (``--model``, an agent's model), then config ``model``, then
``[provider] default`` with its ``[provider.NAME] model``, then that provider's default
model. ``provider/model`` names the provider; a bare model name belongs to the default
provider. A ``[provider.NAME]`` table with a ``base_url`` for a name we do not know is a
custom OpenAI-compatible provider, like ``[provider.custom]``.

The provider is everything before the first slash (``openrouter/anthropic/claude-3.5-sonnet``
is OpenRouter's ``anthropic/claude-3.5-sonnet``). A prefix that names no provider is a
usage error listing the known ones, unless the default provider's own model names hold
slashes (``Provider.nested_models``): then the whole value is its model.
"""

from __future__ import annotations

from ..errors import AuthError, UsageError
from .providers import AWS_ENV, PROVIDERS, Provider, lookup, provider_settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    from .auth import AuthStore

AZURE_API_VERSION = "2024-10-21"


class ModelChoice:
    """A resolved model: everything litellm needs besides the messages."""

    def __init__(self, provider: Provider, provider_name: str, model: str, settings: dict[str, Any]) -> None:
        self.provider = provider
        self.provider_name = provider_name
        self.model = model
        self.settings = settings
        self.api_key: str | None = None
        self.api_base: str | None = settings.get("base_url") or provider.base_url
        self.extra: dict[str, Any] = {}

    @property
    def name(self) -> str:
        """``provider/model``, as people write it."""
        return f"{self.provider_name}/{self.model}"

    @property
    def litellm_model(self) -> str:
        return f"{self.provider.prefix}/{self.model}"

    def call_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``litellm.completion`` (credentials included)."""
        kwargs: dict[str, Any] = {"model": self.litellm_model, **self.extra}
        if self.api_key is not None:
            kwargs["api_key"] = self.api_key
        if self.api_base:
            kwargs["api_base"] = self.api_base
        return kwargs

    def __repr__(self) -> str:
        return f"ModelChoice({self.name!r}, api_base={self.api_base!r})"


def split_model(value: str, default_provider: str, config: Any) -> tuple[str, str]:
    """(provider name, model) from ``provider/model`` or a bare model name."""
    head, sep, rest = value.partition("/")
    if not sep:
        return default_provider, value
    if lookup(head) is not None or _is_custom(config, head):
        return head, rest
    if _provider(config, default_provider).nested_models:
        return default_provider, value
    raise _unknown(config, head, f" in model {value!r}")


def resolve_model(config: Any, env: Mapping[str, str], auth: AuthStore | None, choice: str | None = None, *, credentials: bool = True) -> ModelChoice:
    """The model ``choice`` names (else the config's), with its credentials unless
    ``credentials`` is False (a client that never calls the provider)."""
    default_provider = config.get("provider.default", "anthropic")
    value = choice or config.get("model")
    if value:
        provider_name, model = split_model(value, default_provider, config)
    else:
        provider_name = default_provider
        model = provider_settings(config, provider_name).get("model") or ""
    provider = _provider(config, provider_name)
    settings = provider_settings(config, provider_name)
    picked = ModelChoice(provider, provider_name, model or settings.get("model") or provider.default_model, settings)
    if credentials:
        _credentials(picked, env, auth)
    return picked


def _is_custom(config: Any, name: str) -> bool:
    return bool(provider_settings(config, name).get("base_url")) if config is not None else False


def _provider(config: Any, name: str) -> Provider:
    known = lookup(name)
    if known is not None:
        return known
    if _is_custom(config, name):
        return PROVIDERS["custom"]
    raise _unknown(config, name)


def _unknown(config: Any, name: str, where: str = "") -> UsageError:
    configured = config.get("provider", {}) if config is not None else {}
    custom = [n for n in configured if isinstance(configured[n], dict) and _is_custom(config, n) and lookup(n) is None]
    names = ", ".join([*sorted(PROVIDERS), *sorted(custom)])
    return UsageError(f"unknown provider {name!r}{where}", hint=f"known providers: {names}; or add [provider.{name}] with base_url")


def _credentials(picked: ModelChoice, env: Mapping[str, str], auth: AuthStore | None) -> None:
    provider, settings = picked.provider, picked.settings
    configured = settings.get("api_key_env")
    key_env = configured or provider.key_env
    key = env.get(key_env) if key_env else None
    if not key and auth is not None:
        key = auth.get(picked.provider_name)
    if provider.name == "custom" and not settings.get("base_url"):
        raise UsageError(f"provider {picked.provider_name!r} needs base_url in [provider.{picked.provider_name}]")
    # A custom or local server may need no key, unless its table names one.
    if not key and (configured or (provider.needs_key and provider.name != "custom")):
        source = f" (api_key_env in [provider.{picked.provider_name}])" if configured else ""
        raise AuthError(
            f"{key_env} not found{source}",
            hint=f"export {key_env}=your-key, or run: opencode auth login {picked.provider_name}",
            provider=picked.provider_name,
        )
    picked.api_key = key or None
    if provider.name in ("ollama", "lmstudio") and not key:
        picked.api_key = None
    if provider.base_url_env and not picked.api_base:
        picked.api_base = env.get(provider.base_url_env) or None
    if provider.name == "azure":
        if not picked.api_base:
            raise AuthError("AZURE_OPENAI_ENDPOINT not found", hint="export AZURE_OPENAI_ENDPOINT=https://NAME.openai.azure.com")
        picked.extra["api_version"] = settings.get("api_version") or env.get("AZURE_API_VERSION") or AZURE_API_VERSION
    if provider.name == "bedrock":
        picked.extra["aws_access_key_id"] = picked.api_key
        picked.api_key = None
        for argument, variable in AWS_ENV.items():
            if env.get(variable):
                picked.extra[argument] = env[variable]
        picked.extra.setdefault("aws_region_name", settings.get("region") or "us-east-1")
        if "aws_secret_access_key" not in picked.extra:
            raise AuthError("AWS_SECRET_ACCESS_KEY not found", hint="export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
