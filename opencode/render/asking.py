"""A person at a terminal, asked with questionary: the ``Person`` seam
(``agent.seams``) for every face that has a terminal.

A permission ask is a select of "Allow once", "Always allow PATTERN" and "Deny"; the
``question`` tool's questions a select, a checkbox or a text prompt. Escape or Ctrl-C
at a prompt is a denial. ``io()`` gives the prompts their input and output (the
command line asks on stderr so stdout stays data; chat on its own terminal);
``paused()`` is held while a question is on screen (chat's Esc watcher lets go of the
keyboard then).
"""

from __future__ import annotations

from contextlib import nullcontext

from ..agent.seams import ALWAYS, DENY, ONCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, ContextManager

    from ..agent.seams import PermissionAsk


class QuestionaryPerson:
    def __init__(self, io: Callable[[], dict[str, Any]], paused: Callable[[], ContextManager[Any]] = nullcontext) -> None:
        self.io, self.paused = io, paused

    async def approve(self, ask: PermissionAsk) -> str:
        import questionary

        choices = ["Allow once", f"Always allow {ask.pattern}", "Deny"] if ask.can_always else ["Allow once", "Deny"]
        with self.paused():
            answer = await questionary.select(ask.question, choices=choices, **self.io()).ask_async()
        return {"Allow once": ONCE, "Deny": DENY, None: DENY}.get(answer, ALWAYS)

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any]:
        with self.paused():
            return [await self._one(question) for question in questions]

    async def _one(self, question: dict[str, Any]) -> Any:
        import questionary

        if question.get("options"):
            if question.get("multiple"):
                return await questionary.checkbox(question["question"], choices=question["options"], **self.io()).ask_async() or []
            return await questionary.select(question["question"], choices=question["options"], **self.io()).ask_async()
        return await questionary.text(question["question"], **self.io()).ask_async()


def stderr_output():
    """prompt_toolkit output on stderr: prompts must not end up in a redirected stdout."""
    import sys

    from prompt_toolkit.output import create_output

    return create_output(stdout=sys.stderr)
