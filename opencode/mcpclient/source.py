"""MCP servers' tools as registry tools: the tool source ``McpSource``.

Each tool of server ``S`` is registered as ``S_TOOL`` (characters the registry's
names do not allow become ``_``), with the server's description and its JSON Schema
as the parameters, and the server's permission kind (``execute`` for a local server,
``network`` for a remote one, unless ``permission`` says otherwise). A call's result
becomes a ``ToolResult`` like any other tool's: the text parts joined as the output,
the structured content and the other parts in ``metadata``. A result the server marks
as an error, or a server that fails, is a tool error the model reads back.
"""

from __future__ import annotations

import re

from ..errors import ToolError
from ..tools.base import ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from ..tools import ToolEntry
    from .hub import Hub

    Register = Callable[["ToolSpec | ToolEntry"], None]

_UNSAFE = re.compile(r"[^A-Za-z0-9_\-]")
#: The longest name model providers accept for a function.
MAX_NAME = 64


def tool_name(server: str, tool: str) -> str:
    """The registry name of ``tool`` on ``server``: ``server_tool``, sanitised."""
    return _UNSAFE.sub("_", f"{server}_{tool}")[:MAX_NAME]


class McpSource:
    """A deferred tool source: calling it starts the hub's servers and registers
    their tools (see ``tools.Registry``'s ``deferred``)."""

    def __init__(self, hub: Callable[[], Hub]) -> None:
        self.hub = hub  # made when first called: the hub's module imports asyncio

    def __call__(self, register: Register) -> None:
        hub = self.hub()
        for name, connection in hub.start().items():
            for tool in connection.tools:
                register(self.spec(hub, name, connection.server.permission, tool))

    @staticmethod
    def spec(hub: Hub, server: str, permission: Any, tool: Any) -> ToolSpec:
        remote = tool.name

        async def run(params: dict[str, Any], ctx: Any) -> ToolResult:
            result = await hub.acall(server, remote, params)
            return to_result(server, remote, result)

        schema = dict(tool.input_schema or {"type": "object"})
        schema.setdefault("type", "object")
        description = (tool.description or f"{remote} from the MCP server {server}").strip()
        return ToolSpec(tool_name(server, remote), description, schema, run, permission=permission, concurrent=True)


def to_result(server: str, tool: str, result: Any) -> ToolResult:
    """An MCP ``CallToolResult`` as a ``ToolResult``; raises ``ToolError`` when the
    server says the call failed."""
    texts, others = [], []
    for part in result.content:
        if getattr(part, "type", None) == "text":
            texts.append(part.text)
        else:
            others.append(part.model_dump(mode="json", by_alias=True, exclude_none=True))
    output = "\n".join(texts)
    if result.is_error:
        raise ToolError(f"{server}_{tool} failed: {output or 'the server reported an error'}")
    metadata: dict[str, Any] = {"mcp_server": server, "mcp_tool": tool}
    if result.structured_content is not None:
        metadata["structured"] = result.structured_content
    if others:
        metadata["content"] = others
    if not output and result.structured_content is not None:
        import json

        output = json.dumps(result.structured_content, ensure_ascii=False)
    return ToolResult(output, text=output, metadata=metadata)
