"""Starting the MCP server face: over stdio (what Claude Desktop's
``"command": "opencode", "args": ["mcp", "serve"]`` runs), or over streamable HTTP on
127.0.0.1 with ``--http --port N``. Stdout is the protocol's in stdio mode: every
word for people goes to stderr."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(runtime: Any, *, http: bool = False, port: int = 0) -> int:
    """Serve until the client goes away (stdio) or the process is stopped (HTTP)."""
    import anyio

    from ..app.exposed import Exposed
    from .server import build

    workspace = runtime.workspace
    server = build(Exposed(workspace))
    try:
        anyio.run(_http if http else _stdio, server, port, runtime.stderr)
    finally:
        workspace.close()
    return 0


async def _stdio(server: Any, port: int, stderr: Any) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def _http(server: Any, port: int, stderr: Any) -> None:
    """Serve on 127.0.0.1:``port`` (0: a free one); the URL is the first line on stderr."""
    import socket

    import uvicorn

    app = server.streamable_http_app(host="127.0.0.1")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    stderr.write(f"opencode MCP server on http://127.0.0.1:{sock.getsockname()[1]}/mcp\n")
    stderr.flush()
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    await uvicorn.Server(config).serve(sockets=[sock])
