"""What a model call returns, in our own terms (nothing from litellm leaks out), and
``ModelClient``, the seam every caller of a model goes through."""

from __future__ import annotations

import json
from typing import Protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

#: Events a streamed call yields: ("text", str), ("reasoning", str), ("retry", dict),
#: and finally ("done", Completion).
Event = tuple


def add_cost(total: float | None, more: float | None) -> float | None:
    """Dollars added up. A price nobody knows (None) makes the total unknown too: a
    budget must not believe a run was free because one model has no listed price."""
    if total is None or more is None:
        return None
    return round(total + more, 8)


class ToolCall:
    __slots__ = ("id", "name", "arguments")

    def __init__(self, id: str, name: str, arguments: str) -> None:
        self.id, self.name, self.arguments = id, name, arguments

    def parsed(self) -> Any:
        """The arguments as JSON; raises ValueError when the model sent broken JSON."""
        from ..protocol import loads

        return loads(self.arguments) if self.arguments.strip() else {}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}

    def __repr__(self) -> str:
        return f"ToolCall({self.name!r}, {self.arguments!r})"


class Usage:
    __slots__ = ("input_tokens", "output_tokens", "cached_tokens")

    def __init__(self, input_tokens: int = 0, output_tokens: int = 0, cached_tokens: int = 0) -> None:
        self.input_tokens, self.output_tokens, self.cached_tokens = input_tokens, output_tokens, cached_tokens

    def to_dict(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens, "cached_tokens": self.cached_tokens}

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cached_tokens + other.cached_tokens,
        )


class Completion:
    """One finished model turn: text, tool calls, usage and what it cost."""

    def __init__(
        self,
        text: str,
        tool_calls: list[ToolCall],
        usage: Usage,
        model: str,
        *,
        cost_usd: float | None = None,
        duration_ms: int = 0,
        finish_reason: str | None = None,
        reasoning: str = "",
        cached: bool = False,
    ) -> None:
        self.text, self.tool_calls, self.usage, self.model = text, tool_calls, usage, model
        self.cost_usd, self.duration_ms, self.finish_reason = cost_usd, duration_ms, finish_reason
        self.reasoning, self.cached = reasoning, cached

    def to_cache(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "tool_calls": [c.to_dict() for c in self.tool_calls],
            "usage": self.usage.to_dict(),
            "model": self.model,
            "cost_usd": self.cost_usd,
            "finish_reason": self.finish_reason,
            "reasoning": self.reasoning,
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Completion:
        calls = [ToolCall(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in data["tool_calls"]]
        return cls(
            data["text"], calls, Usage(**data["usage"]), data["model"], cost_usd=data["cost_usd"],
            finish_reason=data["finish_reason"], reasoning=data.get("reasoning", ""), cached=True,
        )


class Request:
    """A model call: the resolved model, the messages, tools and sampling settings."""

    def __init__(
        self,
        model,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        response_format: dict[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.messages = messages
        self.tools = tools
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.response_format = response_format

    def cache_key(self) -> str:
        """A hash of everything that decides the answer (never the API key)."""
        import hashlib

        material = json.dumps(
            {
                "model": self.model.name,
                "base": self.model.api_base,
                "messages": self.messages,
                "tools": self.tools,
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
                "response_format": self.response_format,
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(material.encode()).hexdigest()


class ModelClient(Protocol):
    """What the agent loop, ``ask`` and compaction need from a model.

    ``llm.client.LiteLLMClient`` reaches every provider; ``llm.scripted.ScriptedModel``
    replays scripted replies in-process, for tests and demos.
    """

    def stream(self, request: Request) -> AsyncIterator[Event]:
        """Stream one completion: text pieces as they arrive, then ("done", Completion)."""
        ...

    async def complete(self, request: Request) -> Completion:
        """One completion, not streamed."""
        ...

    def context_window(self, model: Any) -> int | None:
        """How many tokens of input ``model`` takes; None when it is not known."""
        ...
