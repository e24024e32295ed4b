"""Who may run what: the permission engine of agent runs.

Every tool call of an agent goes through ``Permissions.decide`` before it runs. In
order:

1. A read-only agent (``plan``, ``explore``) never runs a ``write``-kind tool, whatever
   the config, the flags or the model say. Tools an agent does not have are refused.
2. A path outside the project, with ``external_directory = "ask"``, is an ask (see 5);
   approved, its folder is allowed for the rest of the run. (``deny`` and ``allow`` are
   applied by the path policy the tools use.)
3. Shell commands (a tool whose subject is a ``command``, such as ``bash``): a ``deny``
   pattern of the tool's table that matches any part of the command, including the inside of ``$(...)`` and backticks, denies it. Otherwise the
   command runs unasked when every part of it (split at ``;``, ``&``, ``&&``, ``||``,
   ``|``, newlines) matches a ``[permissions] bash_allow`` pattern (``"git *"``, which
   also matches a bare ``git``) and nothing is substituted (``$(...)``, backticks,
   ``<(...)``). A read-only agent also gets a short list of inspection commands, but it
   never runs a redirection (``cat a > b``) or a writing option unasked, and never
   anything else unasked either, whatever a table says.
4. The action for the tool: the agent's override, else ``[permissions] TOOL`` (a word),
   else the default: ``ask`` for shell commands, ``allow`` for everything else. For a
   shell tool the config's table and the agent's are merged key by key (a word is the
   pattern ``*``),
   and for each part of the command the longest matching pattern wins; the strictest
   part decides.
5. ``ask`` becomes ``allow`` when ``--yes`` was given, a ``--allow TOOL[:PATTERN]`` grant
   matches, or the user chose "always" earlier in the run; otherwise the run's
   ``Person`` is asked, and it is a denial when there is nobody to ask.

Nothing here names a tool: what a call acts on and how rules match it come from the
tool's own declarations (``ToolSpec.subject``, ``subject_kind``, ``path_params``).
A denial is not an exception: the loop hands it to the model as a tool error, and
every denial is kept in ``denials`` for the run's ``done`` record.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re

from .seams import ALWAYS, ONCE, PermissionAsk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..tools.base import ToolSpec
    from .seams import Person

#: Inspection commands a read-only agent may run without asking (besides bash_allow).
READ_ONLY_COMMANDS = (
    "ls", "ls *", "pwd", "cat *", "head *", "tail *", "wc *", "find *", "rg *", "grep *", "tree", "tree *",
    "git status", "git status *", "git log", "git log *", "git diff", "git diff *", "git show *", "git branch",
    "echo *", "which *", "file *", "stat *",
)

ACTION_RANK = {"allow": 0, "ask": 1, "deny": 2}

# ``&`` alone sends a command to the background and starts the next one; in ``2>&1`` and
# ``&>file`` it is part of a redirection.
_SPLIT = re.compile(r"\s*(?:&&|\|\||\|&|;|\||\n|\r|(?<![<>&])&(?![&>]))\s*")
_SUBSTITUTION = re.compile(r"\$\(|`|<\(|>\(")
# Where a substituted or grouped command starts or ends, for finding denied commands.
_NESTING = re.compile(r"\$\(|<\(|>\(|[()`{}]")
# Redirections and options that make an inspection command write or run something.
_WRITES = re.compile(
    r">|\s-(?:delete|exec|execdir|ok|okdir|fprint|fprint0|fprintf|fls)\b|\s--output|\s-o(?:\s|$)|\s--pre(?:\b|=)"
)


class Decision:
    __slots__ = ("allowed", "reason", "asked")

    def __init__(self, allowed: bool, reason: str = "", asked: bool = False) -> None:
        self.allowed, self.reason, self.asked = allowed, reason, asked

    def __repr__(self) -> str:
        return f"Decision({self.allowed}, {self.reason!r})"


def command_parts(command: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(command.strip()) if part.strip()]


def nested_commands(command: str) -> list[str]:
    """Every command inside ``command``: its parts, and the pieces of each part between
    ``$(``, backticks, parentheses and braces, so a deny rule sees ``rm`` in ``echo $(rm x)``."""
    found: list[str] = []
    for part in command_parts(command):
        found.append(part)
        pieces = [piece.strip() for piece in _NESTING.split(part)]
        found += [piece for piece in pieces if piece and piece != part]
    return found


def pattern_matches(text: str, pattern: str) -> bool:
    """``fnmatch`` with one convenience: ``"git *"`` also matches a bare ``git``."""
    if fnmatch.fnmatchcase(text, pattern):
        return True
    return pattern.endswith(" *") and fnmatch.fnmatchcase(text, pattern[:-2])


def matches_any(command: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """True when every part of ``command`` matches one of ``patterns`` (never with a
    command substitution, whose inner command no pattern can vouch for)."""
    if _SUBSTITUTION.search(command):
        return False
    parts = command_parts(command)
    return bool(parts) and all(any(pattern_matches(part, p) for p in patterns) for part in parts)


def always_pattern(spec: ToolSpec, params: dict[str, Any]) -> str:
    """What "always allow" remembers: ``bash:git *`` for a command, the tool otherwise."""
    if spec.subject_kind == "command":
        first = spec.describe(params).split()
        return f"{spec.name}:{first[0]} *" if first else spec.name
    return spec.name


def tool_ask(spec: ToolSpec, params: dict[str, Any]) -> PermissionAsk:
    """The question a call that needs approval puts to a person."""
    import json

    subject = spec.describe(params)
    return PermissionAsk(
        "tool",
        spec.name,
        params,
        f"Allow {spec.name}: {subject or json.dumps(params)[:200]}?",
        subject=subject,
        subject_kind=spec.subject_kind,
        path=_path_of(spec, params),
        pattern=always_pattern(spec, params),
    )


def _path_of(spec: ToolSpec, params: dict[str, Any]) -> str | None:
    """The call's first path parameter that is given, if any."""
    return next((params[p] for p in spec.path_params if isinstance(params.get(p), str) and params[p]), None)


def command_table(value: Any) -> dict[str, str]:
    """A shell-command permission setting as a table of pattern → action (a word means ``*``)."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if isinstance(v, str) and v in ACTION_RANK}
    if isinstance(value, str) and value in ACTION_RANK:
        return {"*": value}
    return {}


def table_action(command: str, table: dict[str, str]) -> str:
    """The action a pattern table gives ``command``: per part the longest matching
    pattern, the strictest part deciding; ``ask`` for a part no pattern matches and for
    a command substitution. (Denials are found first, by ``denied_by``.)"""
    if not table or _SUBSTITUTION.search(command):
        return "ask"
    worst = "allow"
    for part in command_parts(command) or [command]:
        matched = [pattern for pattern in table if pattern_matches(part, pattern)]
        action = table[max(matched, key=len)] if matched else "ask"
        worst = max(worst, action, key=ACTION_RANK.__getitem__)
    return worst


def denied_by(command: str, table: dict[str, str]) -> str | None:
    """The ``deny`` pattern matching any command inside ``command``, if one does."""
    patterns = [pattern for pattern, action in table.items() if action == "deny"]
    if not patterns:
        return None
    for inner in nested_commands(command) or [command]:
        for pattern in patterns:
            if pattern_matches(inner, pattern):
                return pattern
    return None


class Permissions:
    def __init__(
        self,
        config: dict[str, Any] | None,
        agent: Any,
        *,
        yes: bool = False,
        grants: list[str] | tuple[str, ...] = (),
        person: Person | None = None,
        paths: Any = None,
    ) -> None:
        """``config`` is the ``[permissions]`` table; ``person`` answers asks (None:
        nobody to ask, so an ask is a denial). ``paths`` is the run's ``PathPolicy``,
        which an approved external folder is added to."""
        self.config = config or {}
        self.agent = agent
        self.yes = yes
        self.grants = list(grants)
        self.person = person
        self.paths = paths
        self.session_grants: list[str] = []
        self.denials: list[dict[str, Any]] = []

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.agent, "read_only", False))

    async def decide(self, spec: ToolSpec, params: dict[str, Any]) -> Decision:
        decision = await self._decide(spec, params)
        if not decision.allowed:
            self.deny(spec.name, params, decision.reason)
        return decision

    def deny(self, tool: str, params: dict[str, Any], reason: str) -> None:
        """Record a denial for the ``done`` record (also those found by a tool itself)."""
        self.denials.append({"tool": tool, "input": params, "reason": reason})

    async def _decide(self, spec: ToolSpec, params: dict[str, Any]) -> Decision:
        agent = self.agent
        if self.read_only and spec.permission == "write":
            return Decision(False, f"the {agent.name} agent is read-only: {spec.name} is not allowed")
        if agent is not None and not agent.allows_tool(spec.name, spec.permission):
            return Decision(False, f"the {agent.name} agent has no {spec.name} tool")
        outside = await self._external(spec, params)
        if outside is not None:
            return outside
        action = self._action(spec, params)
        if action == "allow":
            return Decision(True)
        if action == "deny":
            return Decision(False, f"{spec.name} is denied by the permission settings")
        return await self.ask_for(tool_ask(spec, params))

    def _action(self, spec: ToolSpec, params: dict[str, Any]) -> str:
        override = (getattr(self.agent, "permissions", None) or {}).get(spec.name)
        if spec.subject_kind == "command":
            table = {**command_table(self.config.get(spec.name)), **command_table(override)}
            return self._command_action(spec.describe(params), table)
        configured = override if override is not None else self.config.get(spec.name)
        return configured if isinstance(configured, str) and configured in ACTION_RANK else "allow"

    def _command_action(self, command: str, table: dict[str, str]) -> str:
        if denied_by(command, table) is not None:
            return "deny"
        if self.read_only:
            return self._read_only_command_action(command)
        if matches_any(command, list(self.config.get("bash_allow", []))):
            return "allow"
        return table_action(command, table) if table else "ask"

    def _read_only_command_action(self, command: str) -> str:
        """Allow-listed inspection without redirections runs; anything else is an ask."""
        if _WRITES.search(command):
            return "ask"
        allowed = [*self.config.get("bash_allow", []), *READ_ONLY_COMMANDS]
        return "allow" if matches_any(command, allowed) else "ask"

    async def _external(self, spec: ToolSpec, params: dict[str, Any]) -> Decision | None:
        """With ``external_directory = "ask"``, a path outside the project is an ask;
        approved, its folder is allowed for the rest of the run. None: nothing to ask."""
        paths = self.paths
        raw = _path_of(spec, params)
        if paths is None or raw is None or self.config.get("external_directory") != "ask":
            return None
        try:
            target = paths.absolute(raw)
        except (OSError, RuntimeError, ValueError):
            return None
        if paths.inside(target):
            return None
        folder = target if target.is_dir() else target.parent
        ask = PermissionAsk(
            "external_directory", "external_directory", {"path": str(target)}, f"Allow external_directory: {target}?",
            subject=str(target), subject_kind="path", path=str(target), pattern=f"external_directory:{folder}/*",
        )
        decision = await self.ask_for(ask)
        if not decision.allowed:
            return decision
        paths.allowed.append(folder)
        return None

    async def ask_for(self, ask: PermissionAsk) -> Decision:
        """``--yes``, a grant, an earlier "always", or the person's answer."""
        if self.yes:
            return Decision(True, "--yes")
        if any(_granted(grant, ask) for grant in self.grants + self.session_grants):
            return Decision(True, "granted")
        answer = await self.person.approve(ask) if self.person is not None else None
        if answer is None:
            return Decision(False, f"{ask.tool} needs approval and nobody can be asked here (run with --yes or --allow '{ask.pattern}')")
        if answer == ALWAYS:
            self.session_grants.append(ask.pattern)
            return Decision(True, "always", asked=True)
        if answer == ONCE:
            return Decision(True, "once", asked=True)
        return Decision(False, "the user denied it", asked=True)


def _granted(grant: str, ask: PermissionAsk) -> bool:
    """Whether ``--allow TOOL[:PATTERN]`` (or an "always" answer) covers this ask."""
    name, _, pattern = grant.partition(":")
    if name != ask.tool:
        return False
    if not pattern:
        return True
    if ask.subject_kind == "command":
        return matches_any(ask.subject, [pattern])
    if ask.path:
        # "src/../secret" is not under "src/*"
        return fnmatch.fnmatchcase(posixpath.normpath(ask.path), pattern)
    return fnmatch.fnmatchcase(ask.subject, pattern)
