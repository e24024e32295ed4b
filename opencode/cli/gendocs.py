"""Generate the man pages and shell completions from the Click tree.

    python -m opencode.cli.gendocs [ROOT]

writes ``man/*.1`` and ``completions/opencode.{bash,zsh,fish}`` under ROOT (default:
the source tree). ``tests/cli/test_gendocs.py`` fails when the committed files are
stale, so they always describe the commands as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.shell_completion import get_completion_class

from .. import __version__
from .app import cli
from .declared_cmd import BUILTIN_ONLY
from .helptext import ABOUT

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_OPENCODE_COMPLETE"


def completion_script(shell: str) -> str:
    completer = get_completion_class(shell)(cli, {}, "opencode", COMPLETE_VAR)
    return completer.source()


def _roff(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in escaped.splitlines())


def _description(text: str) -> str:
    """Help text as roff: paragraphs, and a Click ``\\b`` paragraph kept line by line."""
    out = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("\b\n"):
            out += [".PP", ".nf", _roff(paragraph[2:]), ".fi"]
        else:
            out += [".PP", _roff(paragraph)]
    return "\n".join(out[1:]) if out and out[0] == ".PP" else "\n".join(out)


def _options(command: click.Command, ctx: click.Context) -> list[str]:
    out = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        out += [".TP", f"\\fB{_roff(names)}\\fR", _roff(help_text or "")]
    return out


def man_page(path: list[str], command: click.Command) -> str:
    name = " ".join(path)
    ctx = _context(command, name)
    summary = (command.get_short_help_str(80) if len(path) > 1 else "an AI coding agent for the terminal").rstrip(".")
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines = [
        f'.TH "{name.upper().replace(" ", "-")}" 1 "" "opencode {__version__}" "opencode manual"',
        ".SH NAME",
        f"{_roff(name)} \\- {_roff(summary)}",
        ".SH SYNOPSIS",
        f"\\fB{_roff(name)}\\fR {_roff(usage)}",
        ".SH DESCRIPTION",
        _description(ABOUT if len(path) == 1 else (command.help or summary)),
    ]
    options = _options(command, ctx)
    if options:
        lines += [".SH OPTIONS", *options]
    if isinstance(command, click.Group):
        lines.append(".SH COMMANDS")
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            if child is not None:
                lines += [".TP", f"\\fB{_roff(sub)}\\fR", _roff(child.get_short_help_str(80))]
    if len(path) == 1:
        lines += [
            ".SH EXIT STATUS",
            "0 success; 1 a tool or model error; 2 bad usage or input; 3 permission denied;",
            "4 provider, auth or network problem; 5 a budget or turn limit; 6 a check or schema",
            "failure; 130 interrupted.",
            ".SH SEE ALSO",
            "The pipe protocol: docs/protocol.md in the source distribution.",
        ]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name -> man page, for the root and every command and subcommand."""
    result = {"opencode.1": man_page(["opencode"], cli)}
    ctx = _context(cli, "opencode")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        if command is None:
            continue
        result[f"opencode-{name}.1"] = man_page(["opencode", name], command)
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, info_name=name, parent=ctx)
            for sub in command.list_commands(sub_ctx):
                child = command.get_command(sub_ctx, sub)
                if child is not None:
                    result[f"opencode-{name}-{sub}.1"] = man_page(["opencode", name, sub], child)
    return result


def _context(command: click.Command, name: str) -> click.Context:
    """A context that sees the built-in commands only: the pages must not depend on
    the declarative commands of whoever generates them (see docs/commands.md)."""
    ctx = click.Context(command, info_name=name)
    ctx.meta[BUILTIN_ONLY] = True
    return ctx


def generate(root: Path) -> list[Path]:
    written = []
    (root / "man").mkdir(parents=True, exist_ok=True)
    (root / "completions").mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        written.append(_write(root / "man" / name, text))
    for shell in SHELLS:
        written.append(_write(root / "completions" / f"opencode.{shell}", completion_script(shell)))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    for written in generate(target):
        print(written)
