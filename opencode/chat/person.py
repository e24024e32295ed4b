"""The person at the chat's terminal, asked inline with questionary.

The chat's ``Person`` (``agent.seams``): a permission ask is a select of "Allow
once", "Always allow PATTERN" and "Deny"; the ``question`` tool's questions a select,
a checkbox or a text prompt. Escape or Ctrl-C at a prompt is a denial. While a
question is on screen the turn's Esc watcher lets go of the keyboard, so the keys
reach the question.
"""

from __future__ import annotations

from ..agent.seams import ALWAYS, DENY, ONCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..agent.seams import PermissionAsk
    from .keys import EscWatcher
    from .terminal import Terminal


class ChatPerson:
    def __init__(self, terminal: Terminal, watcher: EscWatcher | None = None) -> None:
        self.terminal, self.watcher = terminal, watcher

    def _io(self) -> dict[str, Any]:
        return {"input": self.terminal.input, "output": self.terminal.output}

    async def approve(self, ask: PermissionAsk) -> str:
        import questionary

        choices = ["Allow once", f"Always allow {ask.pattern}", "Deny"] if ask.can_always else ["Allow once", "Deny"]
        with self._paused():
            answer = await questionary.select(ask.question, choices=choices, **self._io()).ask_async()
        return {"Allow once": ONCE, "Deny": DENY, None: DENY}.get(answer, ALWAYS)

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any]:
        with self._paused():
            return [await self._one(question) for question in questions]

    async def _one(self, question: dict[str, Any]) -> Any:
        import questionary

        if question.get("options"):
            if question.get("multiple"):
                return await questionary.checkbox(question["question"], choices=question["options"], **self._io()).ask_async() or []
            return await questionary.select(question["question"], choices=question["options"], **self._io()).ask_async()
        return await questionary.text(question["question"], **self._io()).ask_async()

    def _paused(self):
        from contextlib import nullcontext

        return self.watcher.paused() if self.watcher is not None else nullcontext()
