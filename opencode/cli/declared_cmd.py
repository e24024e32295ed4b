"""``opencode NAME ARGS...`` for each declarative command (``commands/NAME.md``).

A command takes the options of ``opencode run`` and runs the same way: its prompt is
expanded by the application layer (``app.declared.expand``: placeholders, ``!`cmd```
through the bash permissions, ``@path`` through ``read``), then handed to
``run_agent``. A file named like a built-in command, or one that does not parse, never
breaks the rest of the command line: the first is skipped with a warning, the second
becomes a command that only says what is wrong with it (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .clickutil import leaf
from .commands import COMMANDS
from .run_cmd import run_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..app.declared import Command
    from ..errors import OpencodeError

#: Set in a context's ``meta`` to see only the built-in commands (generated docs
#: must not depend on whoever generates them).
BUILTIN_ONLY = "opencode.builtin_only"


def project_root(ctx: click.Context) -> Path:
    """The project a command line runs in: ``-C DIR`` is parsed before any command is
    looked up, and applied only later, by the root callback."""
    from ..paths import find_project_root

    chdir = ctx.find_root().params.get("chdir")
    start = Path.cwd() / os.path.expanduser(chdir) if chdir else Path.cwd()
    return find_project_root(start)


def command_env() -> Any:
    """The environment as the process started (``entry.ENVIRON``), for the user
    config dir."""
    from .entry import ENVIRON

    return ENVIRON or os.environ


def declared_names(ctx: click.Context) -> list[str]:
    """The declarative commands' names, built-in names left out."""
    if ctx.meta.get(BUILTIN_ONLY):
        return []
    from ..commandindex import command_files

    return [name for name, _, _ in command_files(str(project_root(ctx)), command_env()) if name not in COMMANDS]


def declared_command(ctx: click.Context, name: str) -> click.Command | None:
    """The Click command of declarative command ``name``, or None when there is none.
    Completion gets a light one (the description line only, no parsing)."""
    if name in COMMANDS or ctx.meta.get(BUILTIN_ONLY):
        return None
    from ..commandindex import KIND, SUFFIXES, description
    from ..library import find

    found = find(KIND, name, project_root(ctx), command_env(), SUFFIXES)
    if found is None:
        return None
    where, path = found
    if ctx.resilient_parsing:
        return click.Command(name, help=description(path), short_help=description(path))
    made = ctx.meta.setdefault("opencode.declared", {})
    if name not in made:  # resolving a command asks for it twice: parse it once
        from ..app.declared import load_command
        from ..errors import OpencodeError

        try:
            made[name] = make_command(load_command(name, where, path))
        except OpencodeError as error:
            made[name] = broken_command(name, error)
    return made[name]


def make_command(command: Command) -> click.Command:
    """``opencode NAME [ARGS]... [run options]``."""

    @click.command(command.name)
    @click.argument("args", nargs=-1)
    @run_options
    @leaf
    def run_declared(runtime, args, **options) -> None:
        raise SystemExit(run_command(runtime, command, list(args), **options))

    summary = command.description or f"The {command.name} command"
    run_declared.help = (
        f"{summary}\n\n\b\nARGS fill $ARGUMENTS and $1..$9 of the prompt in {command.path} ({command.where}).\n"
        f"Runs as the {command.agent or 'default'} agent; stdin becomes context, as with 'opencode run'."
    )
    run_declared.short_help = summary
    return run_declared


def run_command(runtime, command: Command, args: list[str], *, model: str | None = None, **options: Any) -> int:
    """Expand ``command`` with ``args``, then run the agent on the prompt."""
    from ..app.declared import expand
    from ..errors import OpencodeError
    from . import signals
    from .run_cmd import end_before_start, run_agent
    from .terminal_person import TerminalPerson

    person = TerminalPerson() if runtime.interactive else None
    try:
        expansion = signals.run(
            expand(runtime.workspace, command, args, yes=options.get("yes", False), allow=options.get("allow", ()), person=person)
        )
    except (OpencodeError, KeyboardInterrupt) as error:
        return end_before_start(runtime, error)
    return run_agent(runtime, expansion.prompt, expansion.agent, model=model or expansion.model, **options)


def broken_command(name: str, error: OpencodeError) -> click.Command:
    """A stand-in for a command file that does not parse: hidden from completion, and
    running it (with any arguments) reports the problem, exit 2."""

    def fail(args) -> None:
        raise error

    command = click.Command(
        name,
        callback=fail,
        params=[click.Argument(["args"], nargs=-1)],
        help=f"(broken) {error.message}",
        hidden=True,
        context_settings={"ignore_unknown_options": True, "help_option_names": []},
    )
    return command
