"""Keeping a conversation inside the model's context window.

Before a turn would overflow (the window from the provider config or litellm's model
info, minus a reserve for the answer), old tool outputs are pruned first; if that is
not enough, the model is asked for a structured summary, and the conversation goes on
from it. The session file keeps the full history either way.
"""

from __future__ import annotations

from ..llm.types import Request
from . import wire

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..llm.types import Completion, ModelClient
    from .seams import Conversation

DEFAULT_WINDOW = 128_000

SUMMARY_REQUEST = """Summarize the conversation so far so that work can continue from the summary alone.
Use exactly these sections, in Markdown:
## Goal
## Instructions (what the user asked for and any constraints)
## Discoveries (facts learned about the code and the environment)
## Accomplished (what has been done, and what remains)
## Relevant files (paths, and why each matters)
Be specific: names, paths, commands and decisions. Do not call tools."""


def context_window(model: Any, client: ModelClient) -> int:
    """The model's input size: configured (``[provider.NAME] context_window``), else
    what the client knows of the model, else ``DEFAULT_WINDOW``."""
    configured = model.settings.get("context_window")
    if isinstance(configured, int) and configured > 0:
        return configured
    return client.context_window(model) or DEFAULT_WINDOW


def budget(window: int, max_tokens: int | None) -> int:
    """Tokens a request may use, leaving room for the answer."""
    reserve = max_tokens or min(8192, window // 4)
    return max(window - reserve, window // 2)


def summary_messages(system_prompt: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request for a summary: the conversation as sent, then the instruction."""
    # The conversation without its system prompt (there is none when the prompt is empty).
    history = list(messages[1:] if messages and messages[0].get("role") == "system" else messages)
    while history and history[-1].get("role") == "assistant" and history[-1].get("tool_calls"):
        history.pop()
    return [{"role": "system", "content": system_prompt}, *history, {"role": "user", "content": SUMMARY_REQUEST}]


def fits(messages: list[dict[str, Any]], limit: int) -> bool:
    return wire.estimate_tokens(messages) <= limit


class Compactor:
    """What one run sends the model, kept inside its window: the conversation as it
    is, else with old tool outputs pruned, else summarized (``compact``)."""

    def __init__(self, client: ModelClient, model: Any) -> None:
        self.client = client
        self.model = model

    async def fitting(self, system: str, session: Conversation) -> tuple[list[dict[str, Any]], Completion | None]:
        """The messages for the next request, and the summary's completion when one
        had to be made (its cost is the caller's to count)."""
        messages = wire.build(system, session.messages, compaction=session.compaction)
        limit = budget(context_window(self.model, self.client), None)
        if fits(messages, limit):
            return messages, None
        pruned = wire.prunable_calls(wire.visible_messages(session.messages, session.compaction))
        messages = wire.build(system, session.messages, compaction=session.compaction, pruned=pruned)
        if fits(messages, limit):
            return messages, None
        completion = await self.compact(system, session)
        return wire.build(system, session.messages, compaction=session.compaction), completion

    async def compact(self, system: str, session: Conversation) -> Completion:
        """Ask the model for a summary; the session continues from it. A prompt that
        is still waiting for its answer stays outside the summary."""
        messages = wire.build(system, session.messages, compaction=session.compaction)
        completion = await self.client.complete(Request(self.model, summary_messages(system, messages)))
        history = session.messages
        waiting = len(history) > 1 and history[-1]["role"] == "user"
        upto = history[-2]["id"] if waiting else (history[-1]["id"] if history else None)
        session.compaction = {"summary": completion.text, "upto": upto}
        return completion
