"""``opencode mcp serve``: opencode as an MCP server, the MCP face of the registry.

The tools, their schemas and descriptions, and the prompts come from
``app.exposed.Exposed``; this face only speaks the protocol (``server``) over
stdio or streamable HTTP on loopback (``main``).
"""
