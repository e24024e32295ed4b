"""People a run can ask, beyond the ones faces bring: answers given in advance.

``opencode run --answers JSON`` answers the ``question`` tool without a person: a
list (one answer per question, in order), an object keyed by question text, or one
value for every question. Permission asks still go to the person there is, if any.
"""

from __future__ import annotations

from ..errors import ToolError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .seams import PermissionAsk, Person


class PresetAnswers:
    """A ``Person`` whose answers were given in advance; asks go to ``person``."""

    def __init__(self, given: Any, person: Person | None = None) -> None:
        self.given = given
        self.person = person

    async def approve(self, ask: PermissionAsk) -> str | None:
        return await self.person.approve(ask) if self.person is not None else None

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any] | None:
        return answers_from(self.given, questions)


def answers_from(given: Any, questions: list[dict[str, Any]]) -> list[Any]:
    """The preset answers to ``questions``; a ``ToolError`` when some are missing."""
    if isinstance(given, list):
        if len(given) < len(questions):
            raise ToolError(f"--answers has {len(given)} answers for {len(questions)} questions")
        return given[: len(questions)]
    if isinstance(given, dict):
        missing = [q["question"] for q in questions if q["question"] not in given]
        if missing:
            raise ToolError(f"--answers has no answer for: {missing[0]}")
        return [given[q["question"]] for q in questions]
    return [given for _ in questions]
