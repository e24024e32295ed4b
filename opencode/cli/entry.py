"""The ``opencode`` executable.

Start-up is the product's first impression and a tool command's whole cost, so this
module decides cheaply what to do. Root ``--help``, ``--version`` and plain tool
invocations (``opencode read main.py --limit 20``) run without importing Click or
asyncio; everything else goes to the Click tree. Either way the same code runs the
tool and renders the result, and errors become an exit status here, in one place
(after SIGTERM or SIGHUP, 128 + the signal: ``cli.signals``).
"""

from __future__ import annotations

import os
import sys

from ..errors import Interrupted, OpencodeError, UsageError
from .commands import COMMANDS
from .options import BY_FLAG, takes_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(argv: list[str] | None = None) -> None:
    from . import signals

    signals.install()  # SIGTERM and SIGHUP stop a command as Ctrl-C does
    args = list(sys.argv[1:] if argv is None else argv)
    sys.exit(signals.exit_status(run(args)))


def run(args: list[str]) -> int:
    runtime = None
    if "_OPENCODE_COMPLETE" in os.environ:
        return _click(args)  # shell completion is Click's own protocol
    try:
        args = directory_to_chdir(args)
        split = split_root_options(args)
        if split is not None:
            options, rest = split
            if not rest and _at_terminal():
                return _click([*args, "chat"])  # bare ``opencode`` (or ``opencode DIR``) at a terminal
            if not rest or rest[0] in ("-h", "--help"):
                sys.stdout.write(_root_help(options))
                return 0
            if rest == ["--version"]:
                from .helptext import version_text

                sys.stdout.write(version_text())
                return 0
            fast = _fast_tool(options, rest)
            if fast is not None:
                runtime, spec, params = fast
                from .invoke_tool import run_tool_command

                code = run_tool_command(runtime, spec, params)
                runtime.finish()
                return code
        return _click(args)
    except OpencodeError as error:
        return _report(error, runtime)
    except KeyboardInterrupt:
        from .signals import description

        return _report(Interrupted(description()), runtime)
    except BrokenPipeError:
        _silence_stdout()
        return 141


def _at_terminal() -> bool:
    """Whether a person is at this process's terminal: stdin and stdout are ttys."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _root_help(options: dict[str, Any]) -> str:
    """The root help, listing the declarative commands seen from ``-C DIR`` or here."""
    from .helptext import declared_rows, root_help

    cwd = os.getcwd()
    if options.get("chdir"):
        cwd = os.path.join(cwd, os.path.expanduser(options["chdir"]))
    quiet = options.get("quiet")
    return root_help(declared=declared_rows(cwd, os.environ, (lambda _: None) if quiet else _warn))


def _warn(message: str) -> None:
    sys.stderr.write(message + "\n")


#: The environment as the process started, before ``_prepare_process``: what config,
#: tools and commands see.
ENVIRON: dict[str, str] = {}


def _prepare_process() -> None:
    """Set what this process's libraries read from the environment at import (the face
    owns its process; see ``opencode.llm.environment``). Commands and tools keep seeing
    the environment as it was. (A plain tool command never loads a model library, so
    the fast path skips this.)"""
    from ..llm.environment import LITELLM_ENVIRONMENT

    ENVIRON.clear()
    ENVIRON.update(os.environ)
    for name, value in LITELLM_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def directory_to_chdir(args: list[str]) -> list[str]:
    """``opencode [OPTIONS] DIRECTORY ...`` means ``opencode -C DIRECTORY ...``."""
    index = 0
    while index < len(args):
        token = args[index]
        opt = BY_FLAG.get(token.split("=", 1)[0])
        if opt is None or not token.startswith("-"):
            break
        index += 2 if takes_value(opt) and "=" not in token else 1
    if index < len(args):
        token = args[index]
        if token not in COMMANDS and not token.startswith("-") and os.path.isdir(token) and not _declared(token):
            return [*args[:index], "-C", token, *args[index + 1 :]]
    return args


def _declared(name: str) -> bool:
    """Whether ``name`` is a declarative command here: ``opencode test`` in a project
    with a ``test/`` folder runs the command (``opencode ./test`` is the folder)."""
    if "/" in name or name.startswith("."):
        return False
    from ..commandindex import command_files, project_root

    return any(found == name for found, _, _ in command_files(project_root(os.getcwd()), os.environ))


def split_root_options(args: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    """Root options and the rest, or None when they are not in a plain form."""
    options: dict[str, Any] = {}
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] not in ("-h", "--help", "--version"):
        flag, has_value, value = args[index].partition("=")
        opt = BY_FLAG.get(flag)
        if opt is None:
            return None
        if takes_value(opt):
            if not has_value:
                index += 1
                if index >= len(args):
                    return None
                value = args[index]
            if opt.kind == "int":
                if not value.isdigit():
                    return None
                options[opt.dest] = int(value)
            elif opt.kind == "choice" and value not in opt.choices:
                return None
            else:
                options[opt.dest] = value
        elif has_value:
            return None
        elif opt.kind == "count":
            options[opt.dest] = options.get(opt.dest, 0) + 1
        else:
            options[opt.dest] = True
        index += 1
    return options, args[index:]


def _fast_tool(options: dict[str, Any], rest: list[str]):
    """(runtime, spec, params) for a plain tool invocation, else None."""
    target = COMMANDS.get(rest[0], ("",))[0]
    if not target.startswith("tool:"):
        return None
    from ..tools import builtin_spec
    from .tool_params import parse_fast

    spec = builtin_spec(target[5:])
    parsed = parse_fast(spec, rest[1:])
    if parsed is None:
        return None
    params, output = parsed
    missing = [f for f in spec.positional if f in spec.required and f not in params and f != spec.stdin_param]
    if missing:
        return None
    from .runtime import make_runtime

    runtime = make_runtime({**options, **{k: v for k, v in output.items() if v}}, ENVIRON or os.environ)
    return runtime, spec, params


def _click(args: list[str]) -> int:
    import click

    from .app import cli

    _prepare_process()
    try:
        cli.main(args=args, prog_name="opencode", standalone_mode=False)
        _finish()
        return 0
    except SystemExit as done:
        _finish()
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    except click.ClickException as error:
        runtime = _current_runtime()
        code = error.exit_code
        wrapped = UsageError(error.format_message()) if code == 2 else OpencodeError(error.format_message())
        if isinstance(error, click.UsageError) and error.ctx is not None:
            wrapped.hint = f"see '{error.ctx.command_path} --help'"
        _report(wrapped, runtime)
        return code
    except OpencodeError as error:
        _report(error, _current_runtime())
        return error.exit_code


def _current_runtime():
    from .app import STATE

    return STATE.get("runtime")


def _finish() -> None:
    runtime = _current_runtime()
    if runtime is not None:
        runtime.finish()


def _report(error: OpencodeError, runtime) -> int:
    if runtime is None:
        from .runtime import Runtime

        from pathlib import Path

        runtime = Runtime(env=os.environ, cwd=Path.cwd())
    try:
        return runtime.fail(error, getattr(error, "tool", None))
    except OSError:  # the terminal went away (SIGHUP): there is nobody to tell
        _silence_stdout()
        return error.exit_code


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
