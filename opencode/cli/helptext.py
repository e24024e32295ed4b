"""The root ``--help`` text, made without importing Click or any command."""

from __future__ import annotations

import textwrap

from .. import __version__
from .commands import COMMANDS, SECTIONS
from .options import ROOT_OPTIONS, takes_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Mapping

USAGE = "Usage: opencode [OPTIONS] [DIRECTORY] COMMAND [ARGS]..."

ABOUT = """opencode: an AI coding agent for the terminal, built as a Unix toolkit.

Every tool is a subcommand that writes JSON Lines when piped and reads context from
stdin:  opencode read main.py | opencode write copy.py"""


def root_help(width: int = 80, declared: list[tuple[str, str]] | None = None) -> str:
    """The root help; ``declared`` are the (name, description) rows of the
    declarative commands (see ``declared_rows``), none when not given."""
    lines = [USAGE, "", ABOUT, "", "Options:"]
    rows = []
    for opt in ROOT_OPTIONS:
        names = ", ".join(opt.flags)
        if takes_value(opt):
            names += " " + ("[" + "|".join(opt.choices) + "]" if opt.choices else opt.metavar or "VALUE")
        rows.append((names, opt.help))
    rows += [("--version", "Show the version and exit"), ("-h, --help", "Show this message and exit")]
    lines += _table(rows, width)
    for section, commands in SECTIONS.items():
        lines += ["", f"{section}:"]
        lines += _table([(name, summary) for name, (_, summary) in commands.items()], width)
    if declared:
        lines += ["", "Commands (from commands/ folders, see docs/commands.md):"]
        lines += _table(declared, width)
    lines += ["", "Run 'opencode COMMAND --help' for a command's options."]
    return "\n".join(lines) + "\n"


def declared_rows(cwd: str, env: Mapping[str, str], warn: Callable[[str], None]) -> list[tuple[str, str]]:
    """(name, description) of the declarative commands seen from ``cwd``. A file
    named like a built-in command is skipped, with a warning naming it; an unreadable
    folder is no error (help must always work)."""
    from ..commandindex import listing

    rows = []
    try:
        found = listing(cwd, env)
    except OSError:
        return []
    for name, _, path, description in found:
        if name in COMMANDS:
            warn(f"warning: {path}: {name!r} is a built-in command; this file is skipped")
            continue
        rows.append((name, description or f"(the command in {path})"))
    return rows


def _table(rows: list[tuple[str, str]], width: int) -> list[str]:
    left = min(max(len(name) for name, _ in rows) + 2, 30)
    out = []
    for name, text in rows:
        wrapped = textwrap.wrap(text, max(width - left - 2, 20)) or [""]
        if len(name) + 2 > left:
            out.append(f"  {name}")
            out += [f"  {' ' * left}{w}" for w in wrapped]
        else:
            out.append(f"  {name.ljust(left)}{wrapped[0]}")
            out += [f"  {' ' * left}{w}" for w in wrapped[1:]]
    return out


def version_text() -> str:
    return f"opencode {__version__}\n"
