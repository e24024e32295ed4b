"""``question``: ask the user, with choices, and get the answers back.

On a terminal the questions are asked with questionary. In a headless run they are
answered from ``--answers JSON`` (a list, or an object keyed by question text), or
refused, so an unattended run never hangs waiting for a person.
"""

from __future__ import annotations

from ..errors import ToolError
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = """Ask the user one or more questions when you need a decision or information only they have.
Give `options` when there is a small set of sensible answers; set `multiple` to allow several. Do not ask what you can find out yourself."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "question": {"type": "string", "minLength": 1},
                    "options": {"type": "array", "items": {"type": "string"}},
                    "multiple": {"type": "boolean", "default": False},
                },
                "required": ["question"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    questions = params["questions"]
    answers = _preset(questions, ctx.extras.get("answers"))
    if answers is None:
        ask = ctx.extras.get("ask_user")
        if ask is None:
            raise ToolError("nobody can answer questions here (a headless run without --answers)", hint="decide yourself and say what you assumed")
        answers = [await ask(q) for q in questions]
    lines = [f"Q: {q['question']}\nA: {_show(a)}" for q, a in zip(questions, answers)]
    return ToolResult(output="\n\n".join(lines), metadata={"answers": answers})


def _preset(questions: list[dict[str, Any]], given: Any) -> list[Any] | None:
    if given is None:
        return None
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


def _show(answer: Any) -> str:
    return ", ".join(map(str, answer)) if isinstance(answer, list) else str(answer)


SPEC = ToolSpec(name="question", description=DESCRIPTION, parameters=PARAMETERS, run=run, permission="read")
