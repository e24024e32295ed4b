"""The root ``--help`` text, made without importing Click or any command."""

from __future__ import annotations

import textwrap

from .. import __version__
from .commands import SECTIONS
from .options import ROOT_OPTIONS, takes_value

USAGE = "Usage: opencode [OPTIONS] [DIRECTORY] COMMAND [ARGS]..."

ABOUT = """opencode: an AI coding agent for the terminal, built as a Unix toolkit.

Every tool is a subcommand that writes JSON Lines when piped and reads context from
stdin:  opencode read main.py | opencode write copy.py"""


def root_help(width: int = 80) -> str:
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
    lines += ["", "Run 'opencode COMMAND --help' for a command's options."]
    return "\n".join(lines) + "\n"


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
