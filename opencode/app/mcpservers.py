"""The MCP servers of a workspace as services: what ``opencode mcp`` shows and does.

Listing starts the servers (that is how their state and tools are known); a call goes
through the registry like any tool call (``tool_spec``), so ``mcp call time
get_current_time`` and ``tool call time_get_current_time`` are the same call with the
same record. Adding
and removing servers edit the config file in place, comments kept.
"""

from __future__ import annotations

from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Callable

    from ..mcpclient.config import ServerConfig
    from ..tools.base import ToolSpec
    from .workspace import Workspace


def server(workspace: Workspace, name: str) -> ServerConfig:
    """The configured server ``name``; a usage error listing the others if none."""
    from ..suggest import did_you_mean

    servers = {s.name: s for s in workspace.mcp_servers}
    if name not in servers:
        known = sorted(servers)
        hint = did_you_mean(name, known) or (f"configured: {', '.join(known)}" if known else "add one: opencode mcp add NAME -- COMMAND ARGS...")
        raise UsageError(f"no MCP server named {name!r}", hint=hint)
    return servers[name]


def states(workspace: Workspace) -> list[dict[str, Any]]:
    """Every configured server with its state (``running``, ``failed``, ``disabled``),
    how it is reached and its tool count; starts the enabled ones."""
    running = workspace.mcp.start()
    rows = []
    for config in workspace.mcp_servers:
        connection = running.get(config.name)
        state = "disabled" if not config.enabled else "running" if connection else "failed"
        row = {
            "name": config.name, "transport": config.transport, "target": config.describe(), "state": state,
            "tools": len(connection.tools) if connection else 0, "permission": config.permission,
        }
        if state == "failed":
            row["error"] = workspace.mcp.failures.get(config.name, "")
        rows.append(row)
    return rows


def tools(workspace: Workspace, only: str | None = None) -> list[dict[str, Any]]:
    """The tools of the running servers (of ``only``), with their registry names."""
    from ..mcpclient.source import tool_name

    if only is not None:
        server(workspace, only)
    rows = []
    for name, connection in workspace.mcp.start().items():
        if only is None or name == only:
            rows += [
                {"server": name, "tool": t.name, "name": tool_name(name, t.name), "description": (t.description or "").strip()}
                for t in connection.tools
            ]
    return rows


def tool_spec(workspace: Workspace, name: str, tool: str) -> ToolSpec:
    """The registry's spec of ``tool`` on server ``name``; an error saying why the
    server is not there (disabled, failed to start) or which tools it has."""
    from ..errors import ToolError
    from ..mcpclient.source import tool_name

    config = server(workspace, name)
    if not config.enabled:
        raise UsageError(f"MCP server {name!r} is disabled (enabled = false)")
    running = workspace.mcp.start()
    if name not in running:
        raise ToolError(f"MCP server {name!r} is not running: {workspace.mcp.failures.get(name, 'it did not start')}")
    known = [t.name for t in running[name].tools]
    if tool not in known:
        from ..suggest import did_you_mean

        raise UsageError(f"MCP server {name!r} has no tool {tool!r}", hint=did_you_mean(tool, known) or f"its tools: {', '.join(known)}")
    return workspace.registry.get(tool_name(name, tool))


def listing(workspace: Workspace, kind: str, only: str | None = None) -> list[dict[str, Any]]:
    """The ``prompts`` or ``resources`` of the running servers (of ``only``)."""
    if only is not None:
        server(workspace, only)
    rows = []
    for name in workspace.mcp.start():
        if only is None or name == only:
            for item in workspace.mcp.listing(name, kind):
                row = item.model_dump(mode="json", by_alias=True, exclude_none=True)
                rows.append({"server": name, **row})
    return rows


def add(path: Path, name: str, *, command: list[str] | None = None, url: str | None = None,
        env: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Write ``[mcp.servers.NAME]`` into the config file ``path``; the table written."""
    from ..config.edit import set_table
    from ..mcpclient.config import checked

    table: dict[str, Any] = {"url": url} if url else {"command": command[0], "args": list(command[1:])} if command else {}
    if env:
        table["env"] = dict(env)
    if headers:
        table["headers"] = dict(headers)
    checked(name, table)
    set_table(path, ("mcp", "servers"), name, table)
    return table


def remove(path: Path, name: str) -> None:
    """Remove ``[mcp.servers.NAME]`` from the config file ``path``."""
    from ..config.edit import remove_key

    if not remove_key(path, f"mcp.servers.{name}"):
        raise UsageError(f"no MCP server named {name!r} in {path}")


# -- OAuth ---------------------------------------------------------------------


def authorize(workspace: Workspace, name: str, say: Callable[[str], None], *, browser: bool, timeout: float = 300) -> int:
    """Sign in to remote server ``name`` (OAuth, in the browser); its tool count."""
    import asyncio

    from ..mcpclient.oauth import authorize as sign_in
    from ..mcpclient.tokens import TokenFile

    config = server(workspace, name)
    if config.transport != "http":
        raise UsageError(f"MCP server {name!r} is a local command: OAuth is for remote servers (url = ...)")
    return asyncio.run(sign_in(config, TokenFile(workspace.data_dir), workspace.env, say, browser=browser, timeout=timeout))


def authorizations(workspace: Workspace) -> list[dict[str, Any]]:
    """Each remote server and whether tokens are stored for it (never the tokens)."""
    import time

    from ..mcpclient.tokens import TokenFile

    stored = TokenFile(workspace.data_dir).load()
    rows = []
    for config in workspace.mcp_servers:
        if config.transport != "http":
            continue
        entry = stored.get(config.name) if isinstance(stored.get(config.name), dict) else {}
        has = bool(entry.get("tokens")) and entry.get("url") == config.url
        expires = entry.get("expires_at") if has else None
        rows.append({
            "name": config.name, "url": config.url, "authorized": has,
            "refreshable": has and bool(entry["tokens"].get("refresh_token")),
            "expires_in_s": int(expires - time.time()) if expires else None,
        })
    return rows


def logout(workspace: Workspace, name: str) -> None:
    """Forget the tokens and registration stored for server ``name``."""
    from ..mcpclient.tokens import TokenFile

    if not TokenFile(workspace.data_dir).remove(name):
        raise UsageError(f"no stored sign-in for MCP server {name!r}", hint="opencode mcp auth list shows them")
