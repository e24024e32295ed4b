"""The MCP protocol side: a low-level SDK ``Server`` whose handlers ask ``Exposed``.

A tool call's ``ToolOutcome`` becomes a ``CallToolResult``: its output (what a model
reads, an error's message included) as text, ``is_error`` when it did not complete,
the ``tool_result`` record's metadata as structured content.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..app.exposed import Exposed


def build(exposed: Exposed) -> Any:
    import mcp.types as types
    from mcp.server.lowlevel import Server
    from mcp.shared.exceptions import MCPError

    from .. import __version__
    from ..errors import OpencodeError

    async def list_tools(ctx: Any, params: Any) -> Any:
        return types.ListToolsResult(
            tools=[types.Tool(name=s.name, description=s.description, input_schema=s.parameters) for s in exposed.tools()]
        )

    async def call_tool(ctx: Any, params: Any) -> Any:
        outcome = await exposed.call(params.name, dict(params.arguments or {}))
        record = outcome.record()
        return types.CallToolResult(
            content=[types.TextContent(text=outcome.output)], is_error=not outcome.ok,
            structured_content={"status": record["status"], "metadata": record.get("metadata", {})},
        )

    async def list_prompts(ctx: Any, params: Any) -> Any:
        prompts = [
            types.Prompt(name=p["name"], description=p["description"] or None, arguments=[types.PromptArgument(**a) for a in p["arguments"]])
            for p in exposed.prompts()
        ]
        return types.ListPromptsResult(prompts=prompts)

    async def get_prompt(ctx: Any, params: Any) -> Any:
        try:
            description, text = await exposed.prompt(params.name, dict(params.arguments or {}))
        except OpencodeError as error:
            raise MCPError(types.INVALID_PARAMS, error.message) from None
        message = types.PromptMessage(role="user", content=types.TextContent(text=text))
        return types.GetPromptResult(description=description or None, messages=[message])

    return Server(
        "opencode", version=__version__, instructions="opencode's tools (read, grep, edit, bash ...) on this project",
        on_list_tools=list_tools, on_call_tool=call_tool, on_list_prompts=list_prompts, on_get_prompt=get_prompt,
    )
