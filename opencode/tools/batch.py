"""``batch``: up to 25 independent tool calls at once, results in order.

Each call goes through the host: inside an agent run it passes the same permission
checks as a direct call; from the command line it runs as any CLI tool call does.
"""

from __future__ import annotations

from ..errors import UsageError
from .base import ToolContext, ToolResult, ToolSpec
from .host import TOOLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_CALLS = 25

DESCRIPTION = f"""Run several independent tool calls in parallel (at most {MAX_CALLS}) and get all results at once.
Use it for independent reads and searches, e.g. reading five files. Calls must not depend on each other's results.
Each item: {{"tool": NAME, "parameters": {{...}}}}. `batch` cannot contain `batch`."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tool_calls": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_CALLS,
            "items": {
                "type": "object",
                "properties": {
                    "tool": {"type": "string", "description": "The tool's name"},
                    "parameters": {"type": "object", "description": "The tool's parameters"},
                },
                "required": ["tool", "parameters"],
                "additionalProperties": False,
            },
            "description": "The calls to run",
        }
    },
    "required": ["tool_calls"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    import asyncio

    calls = params["tool_calls"]
    if any(c["tool"] == SPEC.name for c in calls):
        raise UsageError("batch cannot contain batch")
    outcomes = await asyncio.gather(*(ctx.host.call_tool(c["tool"], c["parameters"], ctx) for c in calls))
    failed = sum(1 for o in outcomes if not o.ok)
    blocks = [f"## {i + 1}. {o.tool} ({o.status})\n{o.output}" for i, o in enumerate(outcomes)]
    return ToolResult(
        output=f"{len(outcomes) - failed} of {len(outcomes)} calls succeeded\n\n" + "\n\n".join(blocks),
        metadata={"results": [{"tool": o.tool, "status": o.status, "error": o.message} for o in outcomes], "failed": failed},
    )


def _calls(params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(str(c["tool"]), c["parameters"]) for c in params["tool_calls"] if isinstance(c, dict)]


SPEC = ToolSpec(name="batch", description=DESCRIPTION, parameters=PARAMETERS, run=run, permission="read", uses=(TOOLS,), nested=_calls)
