"""Known models: context window, output limit and price, plus what local servers offer.

The data is litellm's bundled price map, read as the JSON file it ships (importing
litellm would cost seconds just to list models). Local Ollama and LM Studio servers are
asked what they have, with a short timeout, when they answer at all.
"""

from __future__ import annotations

import json
from pathlib import Path

from .providers import PROVIDERS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

PRICE_FILE = "model_prices_and_context_window_backup.json"

#: litellm's provider names for each of ours.
LITELLM_PROVIDERS = {
    "anthropic": {"anthropic"},
    "openai": {"openai"},
    "google": {"gemini"},
    "azure": {"azure"},
    "bedrock": {"bedrock", "bedrock_converse"},
    "groq": {"groq"},
    "mistral": {"mistral"},
    "cohere": {"cohere", "cohere_chat"},
    "xai": {"xai"},
    "perplexity": {"perplexity"},
    "together": {"together_ai"},
    "cerebras": {"cerebras"},
    "deepinfra": {"deepinfra"},
    "openrouter": {"openrouter"},
    "ollama": {"ollama"},
}


def price_map() -> dict[str, Any]:
    import importlib.util

    spec = importlib.util.find_spec("litellm")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / PRICE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def known_models(provider: str | None = None) -> list[dict[str, Any]]:
    """Chat models from the price map, optionally for one of our providers."""
    wanted = {provider} if provider else set(LITELLM_PROVIDERS)
    theirs = {their: ours for ours, names in LITELLM_PROVIDERS.items() if ours in wanted for their in names}
    rows = []
    for key, info in price_map().items():
        if not isinstance(info, dict) or info.get("mode") != "chat" or info.get("litellm_provider") not in theirs:
            continue
        ours = theirs[info["litellm_provider"]]
        name = key.split("/", 1)[1] if "/" in key and key.split("/", 1)[0] in LITELLM_PROVIDERS[ours] | {ours} else key
        rows.append(
            {
                "provider": ours,
                "model": f"{ours}/{name}",
                "context_window": info.get("max_input_tokens"),
                "max_output": info.get("max_output_tokens"),
                "input_per_mtok": _per_million(info.get("input_cost_per_token")),
                "output_per_mtok": _per_million(info.get("output_cost_per_token")),
                "source": "litellm",
            }
        )
    rows.sort(key=lambda r: (r["provider"], r["model"]))
    return rows


def local_models(config: Any, timeout: float = 0.5) -> list[dict[str, Any]]:
    """Models listed by a local Ollama or LM Studio server that answers quickly."""
    import httpx

    rows = []
    probes = (("ollama", "/api/tags", "models", "name"), ("lmstudio", "/models", "data", "id"))
    for provider, path, field, key in probes:
        base = (config.get(f"provider.{provider}.base_url") if config else None) or PROVIDERS[provider].base_url
        try:
            reply = httpx.get(base.rstrip("/") + path, timeout=timeout)
            entries = reply.json().get(field, []) if reply.status_code == 200 else []
        except (httpx.HTTPError, ValueError, AttributeError):
            continue
        for entry in entries:
            if isinstance(entry, dict) and entry.get(key):
                rows.append({"provider": provider, "model": f"{provider}/{entry[key]}", "context_window": None, "max_output": None, "input_per_mtok": None, "output_per_mtok": None, "source": base})
    return rows


def _per_million(value: Mapping | float | None) -> float | None:
    return round(float(value) * 1_000_000, 4) if isinstance(value, (int, float)) else None
