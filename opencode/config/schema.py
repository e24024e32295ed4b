"""What ``opencode.toml`` may contain: every section of the spec, with its types.

The schema is data: small type objects that can check a value and describe what they
expect. Unknown keys are warnings (a newer opencode may know them); wrong types are
errors that name the key and the expected type.
"""

from __future__ import annotations

from typing import Any


class Spec:
    """A type a config value must have: ``check`` says whether a value fits, ``name``
    says what was expected (for error messages)."""

    name = "value"

    def check(self, value: Any) -> bool:
        raise NotImplementedError


class Scalar(Spec):
    def __init__(self, name: str, types: tuple[type, ...]) -> None:
        self.name, self.types = name, types

    def check(self, value: Any) -> bool:
        if isinstance(value, bool) and bool not in self.types:
            return False
        return isinstance(value, self.types)


class Range(Scalar):
    """A number between ``low`` and ``high`` (both included, ``low`` left out with
    ``above``); ``whole`` for a count. NaN and infinity never fit."""

    def __init__(self, low: float, high: float, *, above: bool = False, whole: bool = False) -> None:
        kind = "a whole number" if whole else "a number"
        name = f"{kind} above {low:g} and at most {high:g}" if above else f"{kind} from {low:g} to {high:g}"
        super().__init__(name, (int,) if whole else (int, float))
        self.low, self.high, self.above = low, high, above

    def check(self, value: Any) -> bool:
        if not super().check(value):
            return False
        return (self.low < value if self.above else self.low <= value) and value <= self.high


class Choice(Spec):
    def __init__(self, options: tuple[str, ...]) -> None:
        self.options = options
        self.name = " | ".join(f'"{o}"' for o in options)

    def check(self, value: Any) -> bool:
        return value in self.options


class ListOf(Spec):
    def __init__(self, item: Spec) -> None:
        self.item = item
        self.name = f"list of {item.name}"

    def check(self, value: Any) -> bool:
        return isinstance(value, list) and all(self.item.check(v) for v in value)


class AnyOf(Spec):
    def __init__(self, specs: tuple[Spec, ...]) -> None:
        self.specs = specs
        self.name = " or ".join(s.name for s in specs)

    def check(self, value: Any) -> bool:
        return any(s.check(value) for s in self.specs)


class Table(Spec):
    """A TOML table. ``extra`` is the spec of keys not listed (``[provider.NAME]``)."""

    name = "table"

    def __init__(self, fields: dict[str, Spec] | None = None, extra: Spec | None = None) -> None:
        self.fields = fields or {}
        self.extra = extra

    def check(self, value: Any) -> bool:
        return isinstance(value, dict)

    def child(self, key: str) -> Spec | None:
        return self.fields.get(key, self.extra)


class _Anything(Spec):
    name = "any value"

    def check(self, value: Any) -> bool:
        return True


STR = Scalar("string", (str,))
INT = Scalar("integer", (int,))
NUM = Scalar("number", (int, float))
BOOL = Scalar("boolean", (bool,))
ANY = _Anything()
ACTION = Choice(("allow", "ask", "deny"))

PROVIDER = Table(
    {
        "api_key_env": STR,
        "model": STR,
        "models": ListOf(STR),
        "max_tokens": INT,
        "temperature": NUM,
        "base_url": STR,
        "name": STR,
        "api_version": STR,
        "region": STR,
        "timeout": NUM,
        "context_window": INT,
    }
)

MCP_SERVER = Table(
    {
        "command": STR,
        "args": ListOf(STR),
        "env": Table(extra=STR),
        "url": STR,
        "headers": Table(extra=STR),
        "cwd": STR,
        "enabled": BOOL,
        "timeout": NUM,
        "permission": Choice(("read", "write", "execute", "network")),
    }
)

LSP_SERVER = Table(
    {
        "server": STR,
        "command": ListOf(STR),
        "extensions": ListOf(STR),
        "env": Table(extra=STR),
        "initialization": Table(extra=ANY),
        "enabled": BOOL,
    }
)

AGENT = Table(
    {
        "description": STR,
        "model": STR,
        "temperature": NUM,
        "prompt": STR,
        "mode": Choice(("primary", "subagent", "all")),
        "tools": Table(extra=BOOL),
        "permissions": Table(extra=ANY),
        "max_turns": INT,
        "read_only": BOOL,
    }
)

PROFILE = Table(
    {
        "provider": STR,
        "model": STR,
        "base_url": STR,
        "api_key_env": STR,
        "temperature": NUM,
        "max_tokens": INT,
    },
    extra=ANY,
)

SCHEMA = Table(
    {
        "model": STR,
        "small_model": STR,
        "agent": STR,
        "project_dir": STR,
        "instructions": ListOf(STR),
        "log_level": Choice(("DEBUG", "INFO", "WARNING", "ERROR", "debug", "info", "warning", "error")),
        "provider": Table({"default": STR}, extra=PROVIDER),
        "tools": Table(extra=BOOL),
        "permissions": Table(
            {
                "bash_allow": ListOf(STR),
                "external_directory": ACTION,
                "allowed_paths": ListOf(STR),
                "doom_loop": ACTION,
            },
            extra=AnyOf((ACTION, Table(extra=ACTION))),
        ),
        "mcp": Table({"servers": AnyOf((ListOf(STR), Table(extra=MCP_SERVER)))}),
        "ui": Table({"theme": STR, "language": STR}),
        "profiles": Table(extra=PROFILE),
        "lsp": Table({"auto_start": BOOL, "timeout": NUM}, extra=LSP_SERVER),
        # cors: origins besides the server's own a browser may call it from; max_body:
        # bytes a request body may hold; permission_timeout: seconds an ask waits over
        # HTTP before it is a denial; heartbeat: seconds between SSE keep-alive lines.
        "server": Table(
            {
                "port": INT,
                "hostname": STR,
                "enabled": BOOL,
                "cors": ListOf(STR),
                "max_body": Range(1, 1 << 30, whole=True),
                "permission_timeout": Range(0, 86400, above=True),
                "heartbeat": Range(0, 3600, above=True),
                # keep_warm: "10m" (or seconds): an ask or run that finds no server starts a
                # detached one that ends after that long idle (opencode serve --daemon).
                "keep_warm": ANY,
            }
        ),
        "agents": Table(extra=AGENT),
        "cache": Table({"enabled": BOOL, "dir": STR, "ttl": NUM}),
        "recipes": Table({"cache": BOOL}),
        # retry_budget: the seconds a model call may spend on retries (llm.retry).
        "llm": Table(
            {
                "idle_timeout": Range(0, 86400, above=True),
                "connect_timeout": Range(0, 3600, above=True),
                "max_retries": Range(0, 100, whole=True),
                "retry_budget": Range(0, 3600),
            }
        ),
        "sandbox": Table({"mode": Choice(("workspace-write", "read-only", "off")), "writable": ListOf(STR), "network": BOOL}),
    }
)

from .defaults import DEFAULTS  # noqa: E402,F401  (re-exported for callers)


def spec_for(dotted: str) -> Spec | None:
    """The spec of a dotted key (``provider.anthropic.model``), or None when unknown."""
    spec: Spec | None = SCHEMA
    for part in dotted.split("."):
        if not isinstance(spec, Table):
            return ANY if spec is ANY else None
        spec = spec.child(part)
        if spec is None:
            return None
    return spec


def validate(data: dict[str, Any], spec: Table = SCHEMA, prefix: str = "") -> tuple[list[str], list[tuple[str, str]]]:
    """Check a config table. Returns (unknown dotted keys, [(dotted key, expected)])."""
    unknown: list[str] = []
    wrong: list[tuple[str, str]] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        child = spec.child(key)
        if child is None:
            unknown.append(dotted)
        elif not child.check(value):
            wrong.append((dotted, child.name))
        elif isinstance(child, Table):
            more_unknown, more_wrong = validate(value, child, dotted + ".")
            unknown += more_unknown
            wrong += more_wrong
        elif isinstance(child, AnyOf) and isinstance(value, dict):
            table = next((s for s in child.specs if isinstance(s, Table)), None)
            if table is not None:
                more_unknown, more_wrong = validate(value, table, dotted + ".")
                unknown += more_unknown
                wrong += more_wrong
    return unknown, wrong


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__
