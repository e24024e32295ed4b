"""One connection to one MCP server, for as long as a run needs it.

The SDK's ``Client`` is an async context whose task group must be entered and left by
the same task, so each connection is one long-lived task (``serve``): it connects,
lists the tools, reports ready, and waits to be told to stop; calls from other tasks
share its session. Stopping it leaves the context, and the SDK ends the server's
process group (a stdio server is started in a session of its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import os

from ..errors import ToolError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, TextIO

    from .config import ServerConfig
    from .tokens import TokenFile


class ServerFailed(ToolError):
    """A server that could not start, answer, or stay up."""

    code = "mcp.server"


class Connection:
    """A server's live session: ``tools``, ``prompts``, ``resources`` once ``ready``."""

    def __init__(self, server: ServerConfig, env: Mapping[str, str], cwd: str, errlog: TextIO, tokens: TokenFile | None = None) -> None:
        self.server, self.env, self.cwd, self.errlog, self.tokens = server, env, cwd, errlog, tokens
        self.client: Any = None
        self.tools: list[Any] = []
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.serve())

    async def serve(self) -> None:
        try:
            async with contextlib.AsyncExitStack() as stack:
                self.client = await stack.enter_async_context(self._client())
                self.tools = await self._all("list_tools", "tools")
                self.ready.set_result(None)
                await self._stop.wait()
        except BaseException as exc:  # noqa: BLE001 - whatever ends a server ends only it
            self.client = None
            if not self.ready.done():
                self.ready.set_exception(exc if isinstance(exc, Exception) else ServerFailed("cancelled"))
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise

    async def stop(self) -> None:
        self._stop.set()
        if self.task is not None and not self.task.done():
            try:
                await asyncio.wait_for(asyncio.shield(self.task), timeout=5)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - then force it
                self.task.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(self.task, timeout=5)

    def _client(self) -> Any:
        from mcp import Client
        from mcp.types import Implementation

        from .. import __version__

        return Client(
            self._transport(), mode="legacy", read_timeout_seconds=self.server.timeout,
            client_info=Implementation(name="opencode", version=__version__),
        )

    def _transport(self) -> Any:
        server = self.server
        if server.transport == "http":
            from .remote import http_transport

            auth = None
            if self.tokens is not None and self.tokens.entry(server.name, server.url):
                from .oauth import provider

                auth = provider(server, self.tokens)  # signed in: the stored tokens, refreshed
            return http_transport(server.url, server.expanded(server.headers, self.env), server.timeout, auth=auth)
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(
            command=server.command, args=server.args, env={**self.env, **server.expanded(server.env, self.env)},
            cwd=os.path.join(self.cwd, os.path.expanduser(server.cwd)) if server.cwd else self.cwd,
        )
        return stdio_client(params, errlog=self.errlog)

    async def _all(self, method: str, field: str) -> list[Any]:
        """Every page of a listing (bounded: a server that pages forever is cut off)."""
        items: list[Any] = []
        cursor = None
        for _ in range(100):
            page = await getattr(self.client, method)(cursor=cursor)
            items += getattr(page, field)
            cursor = page.next_cursor
            if not cursor:
                break
        return items

    async def call(self, tool: str, arguments: dict[str, Any]) -> Any:
        if self.client is None or (self.task is not None and self.task.done()):
            raise ServerFailed(f"MCP server {self.server.name!r} is not running")
        return await self._guarded(self.client.call_tool(tool, arguments))

    async def listing(self, kind: str) -> list[Any]:
        """``prompts`` or ``resources``, empty when the server offers none."""
        if self.client is None:
            raise ServerFailed(f"MCP server {self.server.name!r} is not running")
        capabilities = self.client.server_capabilities
        if getattr(capabilities, kind, None) is None:
            return []
        return await self._guarded(self._all(f"list_{kind}", kind))

    async def _guarded(self, request: Any) -> Any:
        """A request that fails as a ``ServerFailed`` naming the server, never hangs
        past the timeout, and ends at once when the connection does."""
        from mcp.shared.exceptions import MCPError

        name = self.server.name
        work = asyncio.ensure_future(request)
        assert self.task is not None
        try:
            done, _ = await asyncio.wait({work, self.task}, timeout=self.server.timeout + 1, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            work.cancel()
            raise
        if work not in done:
            work.cancel()
            if self.task.done():
                raise ServerFailed(f"MCP server {name!r} stopped during the call")
            raise ServerFailed(f"MCP server {name!r} did not answer within {self.server.timeout:g} s")
        try:
            return work.result()
        except MCPError as exc:
            raise ServerFailed(f"MCP server {name!r}: {exc}") from None
        except (OSError, EOFError, RuntimeError, ValueError) as exc:
            raise ServerFailed(f"MCP server {name!r} failed: {type(exc).__name__}: {exc}") from None
