"""``task``: hand a self-contained job to a subagent and get its final answer back.

The subagent runs in a child session of its own (so its messages do not crowd the
parent's context) with its own tools and permissions. Only inside an agent run: its
host starts the subagent.
"""

from __future__ import annotations

from ..errors import ToolError
from .base import ToolContext, ToolResult, ToolSpec
from .host import SUBAGENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = """Launch a subagent to handle a self-contained task, such as searching a large codebase or researching a question, and return its final answer.
- `agent`: `explore` for fast read-only searches of the code, `general` for multi-step research and execution.
- `prompt`: everything the subagent needs to know: it sees nothing of this conversation. Say exactly what to return.
- `description`: 3-5 words for the user.
The subagent's answer is not shown to the user: summarize what matters."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "description": {"type": "string", "description": "A short (3-5 words) description of the task"},
        "prompt": {"type": "string", "minLength": 1, "description": "The full task for the subagent"},
        "agent": {"type": "string", "default": "general", "description": "The subagent to use (explore, general, or one you defined)"},
    },
    "required": ["description", "prompt"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    agent = params.get("agent", "general")
    outcome = await ctx.host.run_subagent(agent, params["prompt"], params.get("description", ""))
    if outcome.exit_code and not outcome.text:
        raise ToolError(f"the {agent} subagent failed (exit {outcome.exit_code})")
    return ToolResult(
        output=outcome.text or "(the subagent gave no answer)",
        text=outcome.text,
        metadata={"session_id": outcome.session_id, "agent": agent},
    )


SPEC = ToolSpec(
    name="task",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="read",
    positional=("prompt",),
    subject="description",
    uses=(SUBAGENTS,),
)
