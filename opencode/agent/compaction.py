"""Keeping a conversation inside the model's context window.

Before a turn would overflow (the window from the provider config or litellm's model
info, minus a reserve for the answer), old tool outputs are pruned first; if that is
not enough, the model is asked for a structured summary, and the conversation goes on
from it. The session file keeps the full history either way.
"""

from __future__ import annotations

from . import transcript

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_WINDOW = 128_000

SUMMARY_REQUEST = """Summarize the conversation so far so that work can continue from the summary alone.
Use exactly these sections, in Markdown:
## Goal
## Instructions (what the user asked for and any constraints)
## Discoveries (facts learned about the code and the environment)
## Accomplished (what has been done, and what remains)
## Relevant files (paths, and why each matters)
Be specific: names, paths, commands and decisions. Do not call tools."""


def context_window(model: Any, config: Any) -> int:
    configured = model.settings.get("context_window")
    if isinstance(configured, int) and configured > 0:
        return configured
    from ..llm.client import litellm

    try:
        info = litellm().get_model_info(model.litellm_model)
        return int(info.get("max_input_tokens") or info.get("max_tokens") or DEFAULT_WINDOW)
    except Exception:  # noqa: BLE001 - unknown models get the default window
        return DEFAULT_WINDOW


def budget(window: int, max_tokens: int | None) -> int:
    """Tokens a request may use, leaving room for the answer."""
    reserve = max_tokens or min(8192, window // 4)
    return max(window - reserve, window // 2)


def summary_messages(system_prompt: str, wire: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request for a summary: the conversation as sent, then the instruction."""
    # The conversation without its system prompt (there is none when the prompt is empty).
    history = list(wire[1:] if wire and wire[0].get("role") == "system" else wire)
    while history and history[-1].get("role") == "assistant" and history[-1].get("tool_calls"):
        history.pop()
    return [{"role": "system", "content": system_prompt}, *history, {"role": "user", "content": SUMMARY_REQUEST}]


def fits(wire: list[dict[str, Any]], limit: int) -> bool:
    return transcript.estimate_tokens(wire) <= limit
