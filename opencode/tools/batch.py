"""``batch``: up to 25 independent tool calls at once, results in order.

Inside an agent run every call passes the same permission checks as a direct call;
from the command line the calls run as any CLI tool call does.
"""

from __future__ import annotations

from ..errors import OpencodeError, UsageError
from .base import ToolContext, ToolResult, ToolSpec

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
    if any(c["tool"] == "batch" for c in calls):
        raise UsageError("batch cannot contain batch")
    execute = ctx.extras.get("execute_tool") or _standalone(ctx)
    results = await asyncio.gather(*(execute(c["tool"], c["parameters"]) for c in calls))
    failed = sum(1 for r in results if r["status"] != "completed")
    blocks = [f"## {i + 1}. {r['tool']} ({r['status']})\n{r['output']}" for i, r in enumerate(results)]
    return ToolResult(
        output=f"{len(results) - failed} of {len(results)} calls succeeded\n\n" + "\n\n".join(blocks),
        metadata={"results": [{k: r[k] for k in ("tool", "status", "error")} for r in results], "failed": failed},
    )


def _standalone(ctx: ToolContext):
    """Calls without an agent run: straight to the tools, as `opencode tool call` does."""
    from . import Registry
    from .runner import call_tool

    registry = Registry.from_config(ctx.config)

    async def execute(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
        try:
            result = await call_tool(registry.get(name), parameters, ctx)
        except OpencodeError as error:
            return {"tool": name, "status": "error", "output": f"Error: {error.message}", "metadata": {}, "error": error.message}
        return {"tool": name, "status": "completed", "output": result.output, "metadata": result.metadata, "error": None}

    return execute


SPEC = ToolSpec(name="batch", description=DESCRIPTION, parameters=PARAMETERS, run=run, permission="read")
