"""What a model-calling command needs from the runtime: the model, settings, cache."""

from __future__ import annotations

import asyncio

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Coroutine


def llm_deps(runtime, model: str | None = None, cache: bool | None = None):
    """(ModelChoice, Settings, ResponseCache or None) for one command."""
    from ..llm.auth import AuthStore
    from ..llm.cache import ResponseCache
    from ..llm.client import Settings
    from ..llm.resolve import resolve_model

    choice = resolve_model(runtime.config, runtime.env, AuthStore(runtime.data_dir), model)
    settings = Settings.from_config(runtime.config)
    enabled = cache if cache is not None else bool(runtime.config.get("cache.enabled", False))
    return choice, settings, ResponseCache(runtime.data_dir) if enabled else None


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion; Ctrl-C surfaces as KeyboardInterrupt."""
    return asyncio.run(coroutine)
