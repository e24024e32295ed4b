"""The MCP client: tools (and prompts, resources) from external MCP servers.

A tool *source* like the built-in tools: ``McpSource`` is handed the registry's
``register`` and registers one ``ToolSpec`` per tool of each configured server, named
``SERVER_TOOL``, so the model, ``opencode tool call``, recipes and the permission rules
see them as they see ``read``. The servers start only when a run first needs the
tools (the registry calls a *deferred* source on its first listing, or on a name it
does not know), all at once, each with a start-up timeout; a server that fails is a
warning naming it, and the run goes on without its tools.

The official ``mcp`` SDK takes over a second to import: only ``session`` and
``hub`` import it, inside functions, so configuring servers costs ``opencode read``
nothing. The sessions live on one event loop in a thread of their own (``Hub``), so
they outlive the ``asyncio.run`` of any one tool call and serve sync and async callers
alike; ``Hub.close`` ends them and the servers' process groups.
"""

from __future__ import annotations

from .config import ServerConfig, configured_servers, secret_values

__all__ = ["ServerConfig", "configured_servers", "secret_values"]
