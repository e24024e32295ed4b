"""The servers of one run, on an event loop of their own.

``Hub.start`` starts every enabled server at once and waits for each up to its
``timeout``; those that fail are reported to ``warn`` by name and left out. The loop
runs in a daemon thread, so the sessions outlive any one ``asyncio.run`` (each
``opencode tool call``, each recipe step) and serve sync (``call``) and async
(``acall``) callers alike. ``close`` stops them all and then their process groups
(``groups``); an exit handler does it too, so no server outlives the process that
started it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import threading

from .session import Connection, ServerFailed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Callable, Coroutine, Mapping

    from .config import ServerConfig
    from .tokens import TokenFile


class Hub:
    def __init__(
        self, servers: list[ServerConfig], env: Mapping[str, str], cwd: Path, log_dir: Path, warn: Callable[[str], None],
        tokens: TokenFile | None = None,
    ) -> None:
        self.servers = [s for s in servers if s.enabled]
        self.env, self.cwd, self.log_dir, self.warn, self.tokens = env, cwd, log_dir, warn, tokens
        self.connections: dict[str, Connection] = {}
        self.failures: dict[str, str] = {}
        self.started = False
        self.groups: set[int] = set()
        self._starting: concurrent.futures.Future[None] | None = None
        self._before: set[int] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._logs: list[Any] = []
        self._lock = threading.Lock()

    # -- the loop ----------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="opencode-mcp", daemon=True).start()
            self._loop = loop
            atexit.register(self.close)
        return self._loop

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        """Run ``coro`` on the hub's loop and wait for it, from synchronous code."""
        future = asyncio.run_coroutine_threadsafe(coro, self._ensure_loop())
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    async def arun(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro`` on the hub's loop, awaited from another loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._ensure_loop()))

    # -- servers -----------------------------------------------------------------

    def start_soon(self) -> None:
        """Begin starting the servers without waiting (a run that will need them says
        so early, and the start overlaps its other set-up); ``start`` waits."""
        with self._lock:
            if self._starting is None and self.servers:
                from .groups import child_groups

                self._before = child_groups()
                self._starting = asyncio.run_coroutine_threadsafe(self._start_all(), self._ensure_loop())

    def start(self) -> dict[str, Connection]:
        """Start every enabled server (once), in parallel; the ones that came up."""
        self.start_soon()
        with self._lock:
            if not self.started and self._starting is not None:
                longest = max(s.timeout for s in self.servers) + 10
                try:
                    self._starting.result(timeout=longest)
                except concurrent.futures.TimeoutError:
                    self._starting.cancel()
                    raise
                from .groups import child_groups

                self.groups = child_groups() - self._before
            self.started = True
        return self.connections

    async def _start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        pending = {}
        for server in self.servers:
            log = open(self.log_dir / f"{server.name}.log", "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            self._logs.append(log)
            connection = Connection(server, self.env, str(self.cwd), log, self.tokens)
            connection.start()
            pending[server.name] = connection
        results = await asyncio.gather(*(self._wait_ready(c) for c in pending.values()), return_exceptions=True)
        for (name, connection), problem in zip(pending.items(), results):
            if problem is None:
                self.connections[name] = connection
            else:
                self.failures[name] = str(problem)
                self.warn(f"MCP server {name!r} did not start: {problem}; going on without its tools")

    async def _wait_ready(self, connection: Connection) -> None:
        server = connection.server
        try:
            await asyncio.wait_for(asyncio.shield(connection.ready), timeout=server.timeout)
        except asyncio.TimeoutError:
            await connection.stop()
            raise ServerFailed(f"no answer within {server.timeout:g} s (timeout)") from None
        except FileNotFoundError:
            await connection.stop()
            raise ServerFailed(f"command not found: {server.command}") from None
        except Exception as exc:  # noqa: BLE001 - the server's own failure, reported by name
            await connection.stop()
            raise ServerFailed(_reason(exc, connection)) from None

    def call(self, server: str, tool: str, arguments: dict[str, Any]) -> Any:
        return self.run(self._call(server, tool, arguments))

    async def acall(self, server: str, tool: str, arguments: dict[str, Any]) -> Any:
        return await self.arun(self._call(server, tool, arguments))

    async def _call(self, server: str, tool: str, arguments: dict[str, Any]) -> Any:
        connection = self.connections.get(server)
        if connection is None:
            raise ServerFailed(f"MCP server {server!r} is not running")
        return await connection.call(tool, arguments)

    def listing(self, server: str, kind: str) -> list[Any]:
        """A started server's ``prompts`` or ``resources``."""
        return self.run(self.connections[server].listing(kind))

    def close(self) -> None:
        """Stop every server and the loop; safe to call more than once."""
        loop, self._loop = self._loop, None
        if loop is None:
            return
        atexit.unregister(self.close)
        connections = list(self.connections.values())
        self.connections = {}
        if connections:
            future = asyncio.run_coroutine_threadsafe(_stop_all(connections), loop)
            try:
                future.result(timeout=15)
            except (concurrent.futures.TimeoutError, Exception):  # noqa: BLE001 - closing must not fail
                pass
        loop.call_soon_threadsafe(loop.stop)
        if self.groups:
            from .groups import stop_groups

            stop_groups(self.groups)  # what a server that exited politely left behind
            self.groups = set()
        for log in self._logs:
            log.close()
        self._logs = []


async def _stop_all(connections: list[Connection]) -> None:
    await asyncio.gather(*(c.stop() for c in connections), return_exceptions=True)


def _reason(exc: BaseException, connection: Connection) -> str:
    """Why a server failed, in one line: the exception, or the last line it logged."""
    inner = exc
    while isinstance(inner, BaseExceptionGroup) and inner.exceptions:
        inner = inner.exceptions[0]
    text = f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
    if isinstance(inner, FileNotFoundError):
        return f"command not found: {connection.server.command}"
    from ..errors import OpencodeError

    if isinstance(inner, OpencodeError):
        return inner.message.replace("auth NAME", f"auth {connection.server.name}")
    return text
