"""``plan``: switch the session to the read-only plan agent, and back.

Entering plan mode is always allowed; leaving it needs the user's approval (asked, or
``--yes``), so a model cannot lift the plan agent's read-only rule by itself.
"""

from __future__ import annotations

from ..errors import UsageError
from .base import ToolContext, ToolResult, ToolSpec

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


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    switch = ctx.extras.get("switch_agent")
    if switch is None:
        raise UsageError("plan switches agents inside an agent run", hint='use: opencode agent plan "..."')
    agent = await switch("plan" if params["action"] == "enter" else "exit")
    note = "Planning mode: read-only. Explore, then present a plan." if agent == "plan" else f"Left planning mode; now the {agent} agent."
    return ToolResult(output=note, metadata={"agent": agent})


SPEC = ToolSpec(name="plan", description=DESCRIPTION, parameters=PARAMETERS, run=run, permission="read", positional=("action",))
