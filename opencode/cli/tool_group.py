"""``opencode tool``: the registry as data: list, schema, and call with JSON."""

from __future__ import annotations

import json

import click

from .. import protocol
from .clickutil import leaf
from .invoke_tool import json_params, run_tool_command


@click.group()
def tool() -> None:
    """List, describe and call tools with JSON parameters."""


@tool.command("list")
@leaf
def list_tools(runtime) -> None:
    """List every tool with its permission kind and whether config enables it."""
    registry = runtime.workspace.registry
    for name in registry.all_names():
        runtime.emit(
            protocol.record(
                "tool", name=name, summary=registry.summary(name), permission=registry.spec(name).permission,
                enabled=name not in registry.disabled, text=name + "\n",
            )
        )


@tool.command("schema")
@click.argument("name")
@leaf
def schema(runtime, name: str) -> None:
    """Show a tool's description and the JSON Schema of its parameters."""
    spec = runtime.workspace.registry.get(name)
    runtime.emit(
        protocol.record(
            "tool_schema", name=spec.name, description=spec.description, permission=spec.permission,
            positional=list(spec.positional), parameters=spec.parameters, text=json.dumps(spec.parameters, indent=2) + "\n",
        )
    )


@tool.command("call")
@click.argument("name")
@click.argument("params", required=False, metavar="[JSON | -]")
@leaf
def call(runtime, name: str, params: str | None) -> None:
    """Call a tool with all parameters as one JSON object (``-`` or a pipe: stdin)."""
    spec = runtime.workspace.registry.get(name)
    value = json_params(runtime, params, f"opencode tool call {name} '{{...}}'")
    raise SystemExit(run_tool_command(runtime, spec, value))
