"""Click commands generated from tool specs: ``opencode read PATH --offset N``."""

from __future__ import annotations

from typing import Any

import click

from ..tools.base import ToolSpec
from .clickutil import JSON, output_options, pass_runtime
from .tool_params import FORCE_HELP, faces, takes_force
from .invoke_tool import run_tool_command

_TYPES = {"str": click.STRING, "int": click.INT, "float": click.FLOAT, "json": JSON}


def make_command(spec: ToolSpec, name: str | None = None) -> click.Command:
    """The Click command for one tool, options straight from its schema."""
    params: list[click.Parameter] = []
    for face in faces(spec):
        if face.positional:
            params.append(
                click.Argument([face.name], type=_TYPES.get(face.kind, click.STRING), required=face.required and not _from_stdin(spec, face.name))
            )
        elif face.kind == "bool":
            params.append(click.Option([f"{face.flag}/--no-{face.flag[2:]}", face.name], default=None, help=face.help))
        elif face.kind == "list":
            params.append(click.Option([face.flag, face.name], multiple=True, type=_TYPES[face.item_kind], help=face.help + " (repeatable)"))
        else:
            params.append(click.Option([face.flag, face.name], type=_TYPES[face.kind], help=face.help))
    if takes_force(spec):
        params.append(click.Option(["--force", "force"], is_flag=True, default=False, help=FORCE_HELP))

    @pass_runtime
    def callback(runtime, **values: Any) -> None:
        if takes_force(spec):
            runtime.force = runtime.force or bool(values.pop("force"))
        given = {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items() if v is not None and v != ()}
        raise SystemExit(run_tool_command(runtime, spec, given))

    command = click.Command(
        name or spec.name,
        params=params,
        callback=callback,
        help=click_help(spec.description),
        short_help=spec.description.splitlines()[0],
        no_args_is_help=False,
    )
    return output_options(command, skip=set(spec.properties))


def click_help(description: str) -> str:
    """A tool's description as Click help: a paragraph of several lines (a list, a
    format) is marked to be shown line by line, as the model reads it, not re-wrapped."""
    paragraphs = description.split("\n\n")
    return "\n\n".join("\b\n" + p if "\n" in p.strip() else p for p in paragraphs)


def _from_stdin(spec: ToolSpec, name: str) -> bool:
    return spec.stdin_param == name
