"""``plan``: switch the session to the read-only plan agent, and back.

Entering plan mode is always allowed; leaving it needs the user's approval (asked, or
``--yes``), so a model cannot lift the plan agent's read-only rule by itself. The host
(the agent run) does the switching and the asking.
"""

from __future__ import annotations

from .base import ToolContext, ToolResult, ToolSpec
from .host import AGENT_SWITCH

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = """Switch to planning mode (`enter`): a read-only agent that explores and writes a plan without changing files.
Call with `exit` when the plan is ready to carry out; the user must approve leaving planning mode."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"action": {"type": "string", "enum": ["enter", "exit"], "description": "enter or exit planning mode"}},
    "required": ["action"],
    "additionalProperties": False,
}

PLAN_AGENT = "plan"


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    agent = await ctx.host.switch_agent(PLAN_AGENT if params["action"] == "enter" else "exit")
    note = "Planning mode: read-only. Explore, then present a plan." if agent == PLAN_AGENT else f"Left planning mode; now the {agent} agent."
    return ToolResult(output=note, metadata={"agent": agent})


SPEC = ToolSpec(
    name="plan",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="read",
    positional=("action",),
    subject="action",
    uses=(AGENT_SWITCH,),
)
