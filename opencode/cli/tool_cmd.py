"""``opencode tool``: the registry as data: list, schema, and call with JSON."""

from __future__ import annotations

import json

import click

from .. import protocol
from ..errors import UsageError
from ..tools import BUILTIN
from .clickutil import leaf
from .toolexec import run_tool_command


@click.group()
def tool() -> None:
    """List, describe and call tools with JSON parameters."""


@tool.command("list")
@leaf
def list_tools(runtime) -> None:
    """List every tool with its permission kind and whether config enables it."""
    registry = runtime.registry()
    rows = []
    for name in [*BUILTIN, *registry.extra]:
        spec_summary = BUILTIN[name][1] if name in BUILTIN else registry.extra[name].description.splitlines()[0]
        permission = registry.get(name).permission if name not in registry.disabled else _permission(name)
        rows.append(protocol.record("tool", name=name, summary=spec_summary, permission=permission, enabled=name not in registry.disabled))
    if runtime.mode == "human":
        width = max(len(r["name"]) for r in rows) + 2
        for r in rows:
            state = "" if r["enabled"] else "  (disabled)"
            runtime.stdout.write(f"{r['name'].ljust(width)}{r['permission']:<9}{r['summary']}{state}\n")
        return
    for r in rows:
        runtime.emit({**r, "text": r["name"] + "\n"})


def _permission(name: str) -> str:
    from ..tools import builtin_spec

    return builtin_spec(name).permission


@tool.command("schema")
@click.argument("name")
@leaf
def schema(runtime, name: str) -> None:
    """Show a tool's description and the JSON Schema of its parameters."""
    spec = runtime.registry().get(name)
    rec = protocol.record(
        "tool_schema",
        name=spec.name,
        description=spec.description,
        permission=spec.permission,
        positional=list(spec.positional),
        parameters=spec.parameters,
    )
    if runtime.mode == "jsonl":
        runtime.emit(rec)
    else:
        runtime.stdout.write(json.dumps(spec.parameters, indent=2) + "\n")


@tool.command("call")
@click.argument("name")
@click.argument("params", required=False, metavar="[JSON | -]")
@leaf
def call(runtime, name: str, params: str | None) -> None:
    """Call a tool with all parameters as one JSON object (``-`` or a pipe: stdin)."""
    spec = runtime.registry().get(name)
    if params is None or params == "-":
        piped = runtime.read_stdin()
        if piped is None or piped.is_empty:
            raise UsageError("no parameters: give a JSON object, or pipe one in", hint=f"opencode tool call {name} '{{...}}'")
        params = piped.raw
    try:
        value = json.loads(params)
    except ValueError as exc:
        raise UsageError(f"parameters are not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError("parameters must be a JSON object")
    raise SystemExit(run_tool_command(runtime, spec, value))
