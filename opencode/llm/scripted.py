"""A model that answers from a script: the ``ModelClient`` for in-process runs.

The agent loop, ``ask``, recipes and chat can run whole conversations without a
provider or a network: hand the workspace a ``ScriptedModel`` and it replays its
replies in order, one per model call, streaming each reply's text in pieces as a real
model would. It keeps every request it was sent, so a test can check what the model
was shown.

    model = ScriptedModel(
        tool_reply("read", {"path": "main.py"}),
        text_reply("main.py prints hello."),
    )
"""

from __future__ import annotations

import copy
import json
from collections import deque

from ..errors import ModelError
from .types import Completion, Event, Request, ToolCall, Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Iterable

DEFAULT_WINDOW = 128_000


def text_reply(text: str, *, usage: Usage | None = None, cost_usd: float | None = 0.0) -> Completion:
    """A reply of text alone (the end of an agent run)."""
    return Completion(text, [], usage or _estimate(text), "", cost_usd=cost_usd, finish_reason="stop")


def tool_reply(name: str, arguments: dict[str, Any] | str, *, text: str = "", cost_usd: float | None = 0.0) -> Completion:
    """A reply that calls one tool (``arguments`` as a mapping, or raw JSON text)."""
    return tool_calls_reply((name, arguments), text=text, cost_usd=cost_usd)


def tool_calls_reply(*calls: tuple[str, dict[str, Any] | str], text: str = "", cost_usd: float | None = 0.0) -> Completion:
    """A reply that calls several tools at once."""
    made = [
        ToolCall(f"call_{index}", name, arguments if isinstance(arguments, str) else json.dumps(arguments))
        for index, (name, arguments) in enumerate(calls)
    ]
    return Completion(text, made, _estimate(text + "".join(c.arguments for c in made)), "", cost_usd=cost_usd, finish_reason="tool_calls")


class ScriptedModel:
    """Replies in order, one per call; running out of replies is a ``ModelError``.

    ``pieces`` is how many ``text`` events a streamed reply is cut into;
    ``context_window`` is what ``context_window()`` answers for every model.
    """

    def __init__(self, *replies: Completion | str, pieces: int = 3, context_window: int = DEFAULT_WINDOW) -> None:
        self.replies: deque[Completion] = deque(text_reply(r) if isinstance(r, str) else r for r in replies)
        self.requests: list[Request] = []
        self.pieces = max(1, pieces)
        self.window = context_window

    def add(self, replies: Iterable[Completion | str]) -> None:
        """Script more replies, after those not used yet."""
        self.replies.extend(text_reply(r) if isinstance(r, str) else r for r in replies)

    async def stream(self, request: Request) -> AsyncIterator[Event]:
        completion = self._next(request)
        for piece in _cut(completion.reasoning, self.pieces):
            yield ("reasoning", piece)
        for piece in _cut(completion.text, self.pieces):
            yield ("text", piece)
        yield ("done", completion)

    async def complete(self, request: Request) -> Completion:
        return self._next(request)

    def context_window(self, model: Any) -> int | None:
        return self.window

    def _next(self, request: Request) -> Completion:
        self.requests.append(request)
        if not self.replies:
            raise ModelError(f"the scripted model has no reply left for call {len(self.requests)}")
        completion = copy.copy(self.replies.popleft())
        completion.model = request.model.name
        return completion


def _cut(text: str, pieces: int) -> list[str]:
    if not text:
        return []
    size = -(-len(text) // pieces)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _estimate(text: str) -> Usage:
    """Token counts a real model would report, roughly (four characters a token)."""
    return Usage(10, max(1, len(text) // 4))
