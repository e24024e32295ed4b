"""The Click command tree: a lazy root group whose subcommands load on first use."""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

from .. import __version__
from .commands import COMMANDS
from .helptext import root_help
from .options import ROOT_OPTIONS
from .runtime import make_runtime


#: The runtime of this process, for the error handler in ``entry.py``.
STATE: dict[str, Any] = {}


class LazyGroup(click.Group):
    """Lists commands from the registry; imports one only when it is run or described."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        target = COMMANDS[name][0]
        if target.startswith("tool:"):
            from ..tools import builtin_spec
            from .tool_commands import make_command

            return make_command(builtin_spec(target[5:]))
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write(root_help(formatter.width or 80))

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[override]
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            from ..suggest import did_you_mean

            hint = did_you_mean(name, COMMANDS)
            raise click.UsageError(f"No such command {name!r}" + (f"; {hint}" if hint else "."), ctx)
        return super().resolve_command(ctx, args)


def _root_params() -> list[click.Parameter]:
    params: list[click.Parameter] = []
    for opt in ROOT_OPTIONS:
        if opt.kind == "flag":
            params.append(click.Option([*opt.flags, opt.dest], is_flag=True, default=False, help=opt.help))
        elif opt.kind == "count":
            params.append(click.Option([*opt.flags, opt.dest], count=True, help=opt.help))
        elif opt.kind == "choice":
            params.append(click.Option([*opt.flags, opt.dest], type=click.Choice(opt.choices), help=opt.help))
        else:
            kind = click.INT if opt.kind == "int" else click.STRING
            params.append(click.Option([*opt.flags, opt.dest], type=kind, metavar=opt.metavar, help=opt.help))
    return params


def _root(**options: Any) -> None:
    from .entry import ENVIRON

    ctx = click.get_current_context()
    ctx.obj = STATE["runtime"] = make_runtime(options, ENVIRON or os.environ)
    if ctx.invoked_subcommand is None:
        click.echo(root_help(), nl=False)


cli = LazyGroup(
    "opencode",
    params=_root_params(),
    callback=_root,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
cli = click.version_option(__version__, "--version", prog_name="opencode", message="%(prog)s %(version)s")(cli)
