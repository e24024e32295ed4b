"""``question``: ask the user, with choices, and get the answers back.

The host answers: the person at a terminal, or in a headless run the answers given
with ``--answers JSON`` (a list, or an object keyed by question text). With neither the
call is refused, so an unattended run never hangs waiting for a person.
"""

from __future__ import annotations

from ..errors import ToolError
from .base import ToolContext, ToolResult, ToolSpec
from .host import PERSON

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
    answers = await ctx.host.answer(questions)
    if answers is None:
        raise ToolError("nobody can answer questions here (a headless run without --answers)", hint="decide yourself and say what you assumed")
    lines = [f"Q: {q['question']}\nA: {_show(a)}" for q, a in zip(questions, answers)]
    return ToolResult(output="\n\n".join(lines), metadata={"answers": answers})


def _show(answer: Any) -> str:
    return ", ".join(map(str, answer)) if isinstance(answer, list) else str(answer)


SPEC = ToolSpec(name="question", description=DESCRIPTION, parameters=PARAMETERS, run=run, permission="read", uses=(PERSON,))
