"""Judging a parsed shell command against pattern rules (see ``agent.shell``).

Patterns are globs over a command's normalized line (``"git *"``, which also matches
a bare ``git``). A ``deny`` pattern that matches any command anywhere in the script,
wrappers and inline code included, denies the whole of it. An allow needs every
command that runs to be allowed, and a script whose commands cannot all be seen
(``known`` is false) is never allowed by a pattern, only by a person, ``--yes`` or a
grant of the whole tool. A command run through ``sudo`` needs its line with the
``sudo`` allowed as well.
"""

from __future__ import annotations

import fnmatch
import re

from .shell import Script, parse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

    from .shell import Command

ACTION_RANK = {"allow": 0, "ask": 1, "deny": 2}

#: Inspection commands a read-only agent may run without asking (besides bash_allow).
READ_ONLY_COMMANDS = (
    "ls", "ls *", "pwd", "cat *", "head *", "tail *", "wc *", "find *", "rg *", "grep *", "tree", "tree *",
    "git status", "git status *", "git log", "git log *", "git diff", "git diff *", "git show *", "git branch",
    "echo *", "which *", "file *", "stat *",
)

#: Options that make an inspection command write or run something.
_WRITES = re.compile(
    r"\s-(?:delete|exec|execdir|ok|okdir|fprint|fprint0|fprintf|fls)\b|\s--output|\s-o(?:\s|$)|\s--pre(?:\b|=)"
)


def pattern_matches(text: str, pattern: str) -> bool:
    """``fnmatch`` with one convenience: ``"git *"`` also matches a bare ``git``."""
    if fnmatch.fnmatchcase(text, pattern):
        return True
    return pattern.endswith(" *") and fnmatch.fnmatchcase(text, pattern[:-2])


def judged(script: Script) -> list[Command]:
    """The commands an allow must cover: all but wrappers and shells running literal
    code, whose commands are judged instead."""
    return [command for command in script.commands if not command.transparent]


def covered(command: Command, patterns: Iterable[str]) -> bool:
    """Whether allow ``patterns`` cover one command (and its ``sudo`` line)."""
    patterns = list(patterns)
    lines = (command.line, command.full) if command.elevated else (command.line,)
    return all(any(pattern_matches(line, p) for p in patterns) for line in lines)


def matches_any(command: str | Script, patterns: Iterable[str]) -> bool:
    """True when every command of a fully visible script is covered by ``patterns``."""
    script = parse(command) if isinstance(command, str) else command
    patterns = list(patterns)
    return script.known and all(covered(c, patterns) for c in judged(script))


def command_table(value: Any) -> dict[str, str]:
    """A shell-command permission setting as a table of pattern → action (a word means ``*``)."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if isinstance(v, str) and v in ACTION_RANK}
    if isinstance(value, str) and value in ACTION_RANK:
        return {"*": value}
    return {}


def denied_by(script: Script, table: dict[str, str]) -> str | None:
    """The ``deny`` pattern matching any command anywhere in the script, if one does."""
    patterns = [pattern for pattern, action in table.items() if action == "deny"]
    for command in script.commands:
        for pattern in patterns:
            if any(pattern_matches(line, pattern) for line in command.lines):
                return pattern
    return None


def table_action(script: Script, table: dict[str, str], allowed: list[str]) -> str:
    """The action for a script that no deny pattern matched: ``allowed`` patterns
    (``bash_allow``) allow a command; otherwise the longest matching pattern of the
    table decides, ``ask`` where none matches. The strictest command decides."""
    if not script.known:
        return "ask"
    worst = "allow"
    for command in judged(script):
        action = "allow" if covered(command, allowed) else _longest(command, table)
        worst = max(worst, action, key=ACTION_RANK.__getitem__)
    return worst


def _longest(command: Command, table: dict[str, str]) -> str:
    actions = []
    for line in (command.line, command.full) if command.elevated else (command.line,):
        matched = [pattern for pattern in table if pattern_matches(line, pattern)]
        actions.append(table[max(matched, key=len)] if matched else "ask")
    return max(actions, key=ACTION_RANK.__getitem__)


def read_only_action(script: Script, allowed: list[str]) -> str:
    """For a read-only agent: allow-listed inspection that writes nothing runs; anything
    else is an ask, whatever a table says."""
    if not script.known or any(command.elevated for command in script.commands):
        return "ask"
    if any(target not in _HARMLESS for target in script.writes):
        return "ask"
    patterns = [*allowed, *READ_ONLY_COMMANDS]
    for command in judged(script):
        if _WRITES.search(" " + command.line) or not covered(command, patterns):
            return "ask"
    return "allow"


def always_patterns(tool: str, script: Script) -> list[str]:
    """What an "always" answer remembers, and what a denial suggests passing to
    ``--allow``: ``bash:git *`` for each program the script runs, or the whole tool
    when part of it cannot be seen (no pattern can vouch for that)."""
    if not script.known or not judged(script):
        return [tool]
    patterns: list[str] = []
    for command in judged(script):
        for line in (command.line, command.full) if command.elevated else (command.line,):
            pattern = f"{tool}:{line.split()[0]} *"
            if pattern not in patterns:
                patterns.append(pattern)
    return patterns


_HARMLESS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})


def harmless_target(target: str | None) -> bool:
    """A redirection that writes no file: ``/dev/null``, the terminal, a descriptor."""
    return target is not None and (target in _HARMLESS or target.startswith("/dev/fd/"))
