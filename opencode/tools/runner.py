"""Calling a tool: validate the parameters, then run it. Every face goes through here."""

from __future__ import annotations


from .base import ToolContext, ToolResult, ToolSpec, drive
from .validate import validate_params

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


async def call_tool(spec: ToolSpec, params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    """Validate ``params`` against the spec's schema and run the tool (inside a loop)."""
    return await spec.run(validate_params(spec.parameters, params), ctx)


def call_tool_blocking(spec: ToolSpec, params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    """The same from synchronous code: loop-free tools run without asyncio at all."""
    filled = validate_params(spec.parameters, params)
    if spec.loop_free:
        return drive(spec.run(filled, ctx))
    import asyncio

    return asyncio.run(spec.run(filled, ctx))
