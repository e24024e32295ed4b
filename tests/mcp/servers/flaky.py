"""A test MCP server built on the SDK: ``echo`` answers, ``die`` exits mid-call,
``hang`` never answers, ``fail`` returns an error result."""

import os
import sys
import time

from mcp.server.mcpserver import MCPServer

server = MCPServer("flaky")


@server.tool()
def echo(text: str) -> str:
    """Say text back."""
    return text


@server.tool()
def die() -> str:
    """Exit the server while the call is in flight."""
    sys.stdout.flush()
    os._exit(3)


@server.tool()
def hang() -> str:
    """Never answer."""
    time.sleep(600)
    return "late"


@server.tool()
def pid() -> str:
    """The server's process id."""
    return str(os.getpid())


@server.tool()
def spawn() -> str:
    """Start a child that would outlive the server; its process id."""
    import subprocess

    return str(subprocess.Popen(["sleep", "300"]).pid)


if __name__ == "__main__":
    server.run()
