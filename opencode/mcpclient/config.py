"""``[mcp]`` in config: which servers there are and how to reach each.

Servers are ``[mcp.servers.NAME]`` tables: ``command``, ``args``, ``env``, ``cwd``
for a server run as a subprocess over stdio; ``url`` and ``headers`` for a remote one
over streamable HTTP (SSE as the fallback); ``timeout``, ``enabled``, and
``permission``, the kind of permission its tools need (default ``execute`` for a
local server, ``network`` for a remote one). The spec's short form
``[mcp] servers = ["a", "b"]`` only names servers (TOML cannot hold it beside the
tables): a name without a table is a warning, not a server. ``${VAR}`` in ``env`` and ``headers``
is taken from the environment when the server starts and never written back; the
values are secrets the session masking knows (``secret_values``).
"""

from __future__ import annotations

import re

from ..errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

#: Seconds a server may take to start, and one request to be answered, by default.
DEFAULT_TIMEOUT = 30.0
PERMISSIONS = ("read", "write", "execute", "network")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


class ServerConfig:
    """One server, checked: ``transport`` is ``stdio`` or ``http``; ``env`` and
    ``headers`` still hold their ``${VAR}`` references (``expanded`` resolves them)."""

    __slots__ = ("name", "command", "args", "env", "cwd", "url", "headers", "timeout", "enabled", "permission", "transport")

    def __init__(self, name: str, table: Mapping[str, Any]) -> None:
        self.name = name
        self.command = table.get("command")
        self.args = list(table.get("args", []))
        self.env = dict(table.get("env", {}))
        self.cwd = table.get("cwd")
        self.url = table.get("url")
        self.headers = dict(table.get("headers", {}))
        self.timeout = float(table.get("timeout", DEFAULT_TIMEOUT))
        self.enabled = bool(table.get("enabled", True))
        self.transport = "http" if self.url else "stdio"
        self.permission = table.get("permission") or ("network" if self.url else "execute")

    def expanded(self, values: Mapping[str, str], env: Mapping[str, str]) -> dict[str, str]:
        """``values`` with each ``${VAR}`` replaced from ``env`` (unset: empty)."""
        return {key: _VAR.sub(lambda m: env.get(m.group(1), ""), value) for key, value in values.items()}

    def describe(self) -> str:
        """How the server is reached, for listings (no header or env values)."""
        return self.url if self.url else " ".join([self.command or "", *self.args]).strip()


def configured_servers(config: Any) -> list[ServerConfig]:
    """The servers ``config`` defines, in order, each checked (a broken entry is a
    ``ConfigError`` naming it); disabled ones included, with ``enabled`` False."""
    section = config.get("mcp", {}) if config is not None else {}
    servers = section.get("servers", {}) if isinstance(section, dict) else {}
    if not isinstance(servers, dict):
        return []
    return [checked(name, table) for name, table in servers.items()]


def named_only(config: Any) -> list[str]:
    """The names of the short form ``[mcp] servers = [...]``: servers without a table."""
    servers = (config.get("mcp", {}) if config is not None else {}).get("servers", {})
    return [str(name) for name in servers] if isinstance(servers, list) else []


def checked(name: str, table: Any) -> ServerConfig:
    where = f"[mcp.servers.{name}]"
    if not _NAME.match(name):
        raise ConfigError(f"{where}: a server name may hold only letters, digits, '_' and '-'", key=f"mcp.servers.{name}")
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table with command = ... or url = ...", key=f"mcp.servers.{name}")
    if bool(table.get("command")) == bool(table.get("url")):
        raise ConfigError(f"{where} needs either command = \"...\" (a local server) or url = \"...\" (a remote one)", key=f"mcp.servers.{name}")
    url = table.get("url")
    if url and not re.match(r"^https?://", url):
        raise ConfigError(f"{where}: url must start with http:// or https://, got {url!r}", key=f"mcp.servers.{name}.url")
    permission = table.get("permission")
    if permission is not None and permission not in PERMISSIONS:
        raise ConfigError(f"{where}: permission must be one of {', '.join(PERMISSIONS)}, got {permission!r}", key=f"mcp.servers.{name}.permission")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
        raise ConfigError(f"{where}: timeout must be seconds above 0 and at most 3600, got {timeout!r}", key=f"mcp.servers.{name}.timeout")
    return ServerConfig(name, table)


def secret_values(config: Any, env: Mapping[str, str]) -> list[str]:
    """What masking hides: every server's ``env`` and ``headers`` values, expanded,
    and the value of each variable they name (``Bearer ${TOKEN}``: the token alone
    too, wherever it turns up)."""
    try:
        servers = configured_servers(config)
    except ConfigError:
        return []
    values = []
    for server in servers:
        for table in (server.env, server.headers):
            values += [v for v in server.expanded(table, env).values() if v]
            values += [env[name] for raw in table.values() for name in _VAR.findall(raw) if env.get(name)]
    return values
