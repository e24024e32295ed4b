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
    """Lists commands from the registry and the ``commands/`` folders; imports or
    reads one only when it is run or described."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from .declared_cmd import declared_names

        return sorted([*COMMANDS, *declared_names(ctx)])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            from .declared_cmd import declared_command

            return declared_command(ctx, name)
        target = COMMANDS[name][0]
        if target.startswith("tool:"):
            from ..tools import builtin_spec
            from .tool_commands import make_command

            return make_command(builtin_spec(target[5:]))
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write(_help(ctx, formatter.width or 80))

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[override]
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-") and self.get_command(ctx, name) is None:
            from ..suggest import did_you_mean
            from .declared_cmd import declared_names

            hint = did_you_mean(name, [*COMMANDS, *declared_names(ctx)])
            raise click.UsageError(f"No such command {name!r}" + (f"; {hint}" if hint else "."), ctx)
        return super().resolve_command(ctx, args)


def _help(ctx: click.Context, width: int = 80) -> str:
    """The root help with the declarative commands seen from ``-C DIR`` or here."""
    from .declared_cmd import BUILTIN_ONLY, command_env, project_root
    from .helptext import declared_rows

    if ctx.meta.get(BUILTIN_ONLY):
        return root_help(width)
    quiet = ctx.find_root().params.get("quiet")
    warn = (lambda _: None) if quiet else (lambda message: click.echo(message, err=True))
    return root_help(width, declared_rows(str(project_root(ctx)), command_env(), warn))


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
        click.echo(_help(ctx), nl=False)


cli = LazyGroup(
    "opencode",
    params=_root_params(),
    callback=_root,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
cli = click.version_option(__version__, "--version", prog_name="opencode", message="%(prog)s %(version)s")(cli)
