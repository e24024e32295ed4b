"""The person at the terminal, asked with questionary on stderr (stdout stays data).

The CLI's ``Person`` (``agent.seams``): permission asks become a select of "Allow
once", "Always allow PATTERN" and "Deny"; the ``question`` tool's questions a select,
a checkbox or a text prompt. Escape or Ctrl-C at a prompt is a denial.
"""

from __future__ import annotations

import sys

from ..agent.seams import ALWAYS, DENY, ONCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..agent.seams import PermissionAsk


class TerminalPerson:
    async def approve(self, ask: PermissionAsk) -> str:
        import questionary

        choices = ["Allow once", f"Always allow {ask.pattern}", "Deny"] if ask.can_always else ["Allow once", "Deny"]
        answer = await questionary.select(ask.question, choices=choices, output=stderr_output()).ask_async()
        return {"Allow once": ONCE, "Deny": DENY, None: DENY}.get(answer, ALWAYS)

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any]:
        return [await self._one(question) for question in questions]

    async def _one(self, question: dict[str, Any]) -> Any:
        import questionary

        if question.get("options"):
            if question.get("multiple"):
                return await questionary.checkbox(question["question"], choices=question["options"], output=stderr_output()).ask_async() or []
            return await questionary.select(question["question"], choices=question["options"], output=stderr_output()).ask_async()
        return await questionary.text(question["question"], output=stderr_output()).ask_async()


def stderr_output():
    """prompt_toolkit output on stderr: prompts must not end up in a redirected stdout."""
    from prompt_toolkit.output import create_output

    return create_output(stdout=sys.stderr)
