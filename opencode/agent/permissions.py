"""Who may run what: the permission engine of agent runs.

Every tool call of an agent goes through ``Permissions.decide`` before it runs. In
order:

1. A read-only agent (``plan``, ``explore``) never runs a ``write``-kind tool, whatever
   the config, the flags or the model say. Tools an agent does not have are refused.
2. ``bash`` commands are matched against ``[permissions] bash_allow`` patterns
   (``"git *"``): a command runs unasked only when every part of it (split at ``;``,
   ``&&``, ``||``, ``|``) matches, and never when it substitutes commands. A read-only
   agent also gets a short list of inspection commands, but never with a redirection.
3. The action for the tool: the agent's override, else ``[permissions] TOOL`` (a word,
   or for bash a table of pattern → action, the longest matching pattern winning),
   else the default: ``ask`` for bash, ``allow`` for everything else.
4. ``ask`` becomes ``allow`` when ``--yes`` was given, a ``--allow TOOL[:PATTERN]`` grant
   matches, or the user chose "always" earlier in the run; otherwise a person is asked
   when there is a terminal, and it is a denial when there is not.

A denial is not an exception: the loop hands it to the model as a tool error.
"""

from __future__ import annotations

import fnmatch
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Awaitable, Callable

    from ..tools.base import ToolSpec

#: Inspection commands a read-only agent may run without asking (besides bash_allow).
READ_ONLY_COMMANDS = (
    "ls", "ls *", "pwd", "cat *", "head *", "tail *", "wc *", "find *", "rg *", "grep *", "tree", "tree *",
    "git status", "git status *", "git log", "git log *", "git diff", "git diff *", "git show *", "git branch",
    "echo *", "which *", "file *", "stat *",
)

_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\||\n)\s*")
_SUBSTITUTION = re.compile(r"\$\(|`|<\(|>\(")
_WRITES = re.compile(r">|\s-delete\b|\s-exec\b|\s-fprint|\s--output\b|\s-o\s")


class Decision:
    __slots__ = ("allowed", "reason", "asked")

    def __init__(self, allowed: bool, reason: str = "", asked: bool = False) -> None:
        self.allowed, self.reason, self.asked = allowed, reason, asked

    def __repr__(self) -> str:
        return f"Decision({self.allowed}, {self.reason!r})"


def command_parts(command: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(command.strip()) if part.strip()]


def matches_any(command: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """True when every part of ``command`` matches one of ``patterns``."""
    if _SUBSTITUTION.search(command):
        return False
    parts = command_parts(command)
    return bool(parts) and all(any(fnmatch.fnmatchcase(part, p) for p in patterns) for part in parts)


def always_pattern(tool: str, params: dict[str, Any]) -> str:
    """What "always allow" remembers: ``bash:git *`` for a command, the tool otherwise."""
    if tool == "bash":
        first = str(params.get("command", "")).split()
        return f"bash:{first[0]} *" if first else "bash"
    return tool


class Permissions:
    def __init__(
        self,
        config: dict[str, Any] | None,
        agent: Any,
        *,
        yes: bool = False,
        grants: list[str] | tuple[str, ...] = (),
        asker: Callable[[str, dict[str, Any], str], Awaitable[str]] | None = None,
    ) -> None:
        """``config`` is the ``[permissions]`` table; ``await asker(tool, params, pattern)``
        answers "once", "always" or "deny" (None: nobody to ask)."""
        self.config = config or {}
        self.agent = agent
        self.yes = yes
        self.grants = list(grants)
        self.asker = asker
        self.session_grants: list[str] = []
        self.denials: list[dict[str, Any]] = []

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.agent, "read_only", False))

    async def decide(self, spec: ToolSpec, params: dict[str, Any]) -> Decision:
        decision = await self._decide(spec, params)
        if not decision.allowed:
            self.denials.append({"tool": spec.name, "input": params, "reason": decision.reason})
        return decision

    async def _decide(self, spec: ToolSpec, params: dict[str, Any]) -> Decision:
        agent = self.agent
        if self.read_only and spec.permission == "write":
            return Decision(False, f"the {agent.name} agent is read-only: {spec.name} is not allowed")
        if agent is not None and not agent.allows_tool(spec.name, spec.permission):
            return Decision(False, f"the {agent.name} agent has no {spec.name} tool")
        action = self._action(spec, params)
        if action == "allow":
            return Decision(True)
        if action == "deny":
            return Decision(False, f"{spec.name} is denied by the permission settings")
        return await self._ask(spec, params)

    def _action(self, spec: ToolSpec, params: dict[str, Any]) -> str:
        override = (getattr(self.agent, "permissions", None) or {}).get(spec.name)
        configured = override if override is not None else self.config.get(spec.name)
        if spec.name == "bash":
            return self._bash_action(str(params.get("command", "")), configured)
        return configured if isinstance(configured, str) else "allow"

    def _bash_action(self, command: str, configured: Any) -> str:
        table = configured if isinstance(configured, dict) else {"*": configured} if isinstance(configured, str) else {}
        matched = [(pattern, action) for pattern, action in table.items() if matches_any(command, [pattern])]
        if any(action == "deny" for _, action in matched):
            return "deny"
        if matches_any(command, list(self.config.get("bash_allow", []))):
            return "allow"
        if self.read_only:
            safe = matches_any(command, READ_ONLY_COMMANDS) and not _WRITES.search(command)
            return "allow" if safe else "ask"
        if matched:
            return max(matched, key=lambda item: len(item[0]))[1]
        return "ask"

    async def _ask(self, spec: ToolSpec, params: dict[str, Any]) -> Decision:
        pattern = always_pattern(spec.name, params)
        if self.yes:
            return Decision(True, "--yes")
        if any(_granted(grant, spec.name, params) for grant in self.grants + self.session_grants):
            return Decision(True, "granted")
        if self.asker is None:
            return Decision(False, f"{spec.name} needs approval and nobody can be asked here (run with --yes or --allow '{pattern}')")
        answer = await self.asker(spec.name, params, pattern)
        if answer == "always":
            self.session_grants.append(pattern)
            return Decision(True, "always", asked=True)
        if answer == "once":
            return Decision(True, "once", asked=True)
        return Decision(False, "the user denied it", asked=True)


def _granted(grant: str, tool: str, params: dict[str, Any]) -> bool:
    """Whether ``--allow TOOL[:PATTERN]`` covers this call."""
    name, _, pattern = grant.partition(":")
    if name != tool:
        return False
    if not pattern:
        return True
    if tool == "bash":
        return matches_any(str(params.get("command", "")), [pattern])
    subject = str(params.get("path") or params.get("url") or params.get("pattern") or "")
    return fnmatch.fnmatchcase(subject, pattern)
