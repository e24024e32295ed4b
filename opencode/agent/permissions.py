"""Who may run what: the permission engine of agent runs.

Every tool call of an agent goes through ``Permissions.decide`` before it runs. In
order:

1. A read-only agent (``plan``, ``explore``) never runs a ``write``-kind tool, whatever
   the config, the flags or the model say. Tools an agent does not have are refused.
2. A path outside the project, with ``external_directory = "ask"``, is an ask (see 6);
   approved, its folder is allowed for the rest of the run. (``deny`` and ``allow`` are
   applied by the path policy the tools use.)
3. A change to a protected path (``.git/``, the project's ``opencode.toml`` and
   ``.opencode/``, the session folders) is an ask; ``.git/config`` and ``.git/hooks/``
   need a grant that names them (``agent.protected``).
4. Shell commands (a tool whose subject is a ``command``, such as ``bash``) are parsed
   (``agent.shell``) and judged command by command (``agent.command_rules``): a deny
   pattern matching any command anywhere denies; output redirections are writes under
   rules 2 and 3; literal arguments that are paths outside the project fall under
   ``external_directory``; every command must be allowed (``bash_allow``, or the
   tool's pattern table) for the whole to run unasked, and a script part of which
   cannot be seen never is. A read-only agent runs only inspection commands unasked.
5. Other tools: the agent's override, else ``[permissions] TOOL`` (a word), else
   ``allow``. For a shell tool the config's table and the agent's are merged key by key
   (a word is the pattern ``*``), and the longest matching pattern wins.
6. ``ask`` becomes ``allow`` when ``--yes`` was given, ``--allow TOOL[:PATTERN]`` grants
   cover it, or the user chose "always" earlier in the run; otherwise the run's
   ``Person`` is asked, and it is a denial when there is nobody to ask. The denial says
   which ``--allow`` would have let it run.

Nothing here names a tool: what a call acts on and how rules match it come from the
tool's own declarations (``ToolSpec.subject``, ``subject_kind``, ``path_params``,
``changes``). A denial is not an exception: the loop hands it to the model as a tool
error, and every denial is kept in ``denials`` for the run's ``done`` record.
"""

from __future__ import annotations

import fnmatch
import posixpath
from pathlib import Path

from . import command_rules as rules
from .protected import ASK, NAMED, ProtectedPaths, names
from .seams import ALWAYS, ONCE, PermissionAsk
from .shell import parse, path_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..tools.base import ToolSpec
    from .seams import Person
    from .shell import Script

ACTION_RANK = rules.ACTION_RANK


class Decision:
    __slots__ = ("allowed", "reason", "asked")

    def __init__(self, allowed: bool, reason: str = "", asked: bool = False) -> None:
        self.allowed, self.reason, self.asked = allowed, reason, asked

    def __repr__(self) -> str:
        return f"Decision({self.allowed}, {self.reason!r})"


def tool_ask(spec: ToolSpec, params: dict[str, Any], script: Script | None = None) -> PermissionAsk:
    """The question a call that needs approval puts to a person."""
    import json

    subject = spec.describe(params)
    patterns = rules.always_patterns(spec.name, script) if script is not None else [spec.name]
    return PermissionAsk(
        "tool", spec.name, params, f"Allow {spec.name}: {subject or json.dumps(params)[:200]}?",
        subject=subject, subject_kind=spec.subject_kind, path=_path_of(spec, params), patterns=patterns,
    )


def _path_of(spec: ToolSpec, params: dict[str, Any]) -> str | None:
    """The call's first path parameter that is given, if any."""
    return next((params[p] for p in spec.path_params if isinstance(params.get(p), str) and params[p]), None)


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
        protected: ProtectedPaths | None = None,
        writers: list[str] | tuple[str, ...] = (),
    ) -> None:
        """``config`` is the ``[permissions]`` table; ``person`` answers asks (None:
        nobody to ask, so an ask is a denial). ``paths`` is the run's ``PathPolicy``,
        which an approved external folder is added to; ``protected`` the places that
        need a person's say (by default those of the policy's project). ``writers``
        are the tools that write files: a shell redirection, which writes one too,
        needs what the strictest of them is configured to need."""
        self.config = config or {}
        self.agent = agent
        self.yes = yes
        self.grants = list(grants)
        self.person = person
        self.paths = paths
        self.protected = protected or (ProtectedPaths(paths.root) if paths is not None else None)
        self.writers = list(writers)
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
        if spec.subject_kind == "command":
            return await self._command(spec, params)
        guarded = await self._protected(spec.name, [self._absolute(p) for p in spec.changes(params)])
        if guarded is not None:
            return guarded
        action = self._action(spec)
        if action == "allow":
            return Decision(True)
        if action == "deny":
            return Decision(False, f"{spec.name} is denied by the permission settings")
        return await self.ask_for(tool_ask(spec, params))

    def _action(self, spec: ToolSpec) -> str:
        return self._configured(spec.name)

    def _configured(self, tool: str) -> str:
        override = (getattr(self.agent, "permissions", None) or {}).get(tool)
        configured = override if override is not None else self.config.get(tool)
        return configured if isinstance(configured, str) and configured in ACTION_RANK else "allow"

    # -- shell commands ------------------------------------------------------------

    async def _command(self, spec: ToolSpec, params: dict[str, Any]) -> Decision:
        script = parse(spec.describe(params))
        override = (getattr(self.agent, "permissions", None) or {}).get(spec.name)
        table = {**rules.command_table(self.config.get(spec.name)), **rules.command_table(override)}
        denied = rules.denied_by(script, table)
        if denied is not None:
            return Decision(False, f"{spec.name} is denied by the permission settings (the pattern {denied!r})")
        workdir = self._absolute(params.get("workdir") or ".")
        outside = self._outside([path_value(p) for p in script.paths], workdir)
        if outside and self.config.get("external_directory", "deny") == "deny":
            return Decision(False, _outside_reason(outside[0]))
        guarded = await self._command_writes(spec.name, script, workdir)
        if guarded is not None:
            return guarded
        allowed = list(self.config.get("bash_allow", []))
        action = rules.read_only_action(script, allowed) if self.read_only else rules.table_action(script, table, allowed)
        if outside and self.config.get("external_directory") != "allow":
            action = max(action, "ask", key=ACTION_RANK.__getitem__)
        if any(not rules.harmless_target(t) for t in script.writes):
            action = max([action, *(self._configured(w) for w in self.writers)], key=ACTION_RANK.__getitem__)
        if action == "allow":
            return Decision(True)
        if action == "deny":
            return Decision(False, f"{spec.name} is denied by the permission settings")
        return await self.ask_for(tool_ask(spec, params, script))

    async def _command_writes(self, tool: str, script: Script, workdir: Path) -> Decision | None:
        """Output redirections are writes: a name that is not literal is an ask, a file
        outside the project falls under ``external_directory``, a protected one under
        the protected-path rules."""
        targets: list[Path] = []
        for target in script.writes:
            if rules.harmless_target(target):
                continue
            if target is None:
                return await self.ask_for(PermissionAsk("tool", tool, {}, "Allow a redirection to a file whose name is not literal?", patterns=[tool]))
            targets.append(self._absolute(path_value(target), workdir))
        outside = self._outside([str(t) for t in targets], workdir)
        if outside and self.config.get("external_directory", "deny") != "allow":
            return Decision(False, _outside_reason(outside[0]))
        return await self._protected(tool, targets)

    def _outside(self, raw: list[str], workdir: Path) -> list[Path]:
        """The paths among ``raw`` (as the command's words give them) outside the
        project; none without a path policy."""
        if self.paths is None:
            return []
        found = []
        for value in raw:
            path = self._absolute(value, workdir)
            if not self.paths.inside(path) and (path == Path("/") or _nearest_existing(path) != Path("/")):
                found.append(path)
        return found

    def _absolute(self, raw: str, base: Path | None = None) -> Path:
        if self.paths is None:
            return Path(raw)
        path = Path(raw)
        return (path if path.is_absolute() else (base or self.paths.cwd) / path).resolve()

    # -- protected paths and outside folders ----------------------------------------------

    async def _protected(self, tool: str, targets: list[Path]) -> Decision | None:
        """None when no target is protected, or the person allowed it; else the refusal."""
        if self.protected is None:
            return None
        for target in targets:
            level = self.protected.level(target)
            relative = self.protected.relative(target)
            if level == NAMED and not self._names(tool, relative):
                return Decision(False, f"{relative} is protected: it changes what git runs; pass --allow '{tool}:{relative}' to let {tool} change it")
            if level == ASK and not self._names(tool, relative):
                ask = PermissionAsk(
                    "protected_path", tool, {"path": relative}, f"Allow {tool} to change {relative} (protected)?",
                    subject=relative, subject_kind="path", path=relative, patterns=[f"{tool}:{relative}"],
                )
                decision = await self.ask_for(ask)
                if not decision.allowed:
                    return decision
        return None

    def _names(self, tool: str, relative: str) -> bool:
        grants = [g for g in self.grants + self.session_grants if g.partition(":")[0] == tool and g.partition(":")[2]]
        return any(names(g.partition(":")[2], relative) for g in grants)

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
            subject=str(target), subject_kind="path", path=str(target), patterns=[f"external_directory:{folder}/*"],
        )
        decision = await self.ask_for(ask)
        if not decision.allowed:
            return decision
        paths.allowed.append(folder)
        return None

    # -- asking ------------------------------------------------------------------------

    async def ask_for(self, ask: PermissionAsk) -> Decision:
        """``--yes``, grants, an earlier "always", or the person's answer."""
        if self.yes:
            return Decision(True, "--yes")
        if self._granted(ask):
            return Decision(True, "granted")
        answer = await self.person.approve(ask) if self.person is not None else None
        if answer is None:
            suggested = " ".join(f"--allow '{p}'" for p in ask.patterns)
            return Decision(False, f"{ask.tool} needs approval and nobody can be asked here (run with --yes or {suggested})")
        if answer == ALWAYS:
            self.session_grants += ask.patterns
            return Decision(True, "always", asked=True)
        if answer == ONCE:
            return Decision(True, "once", asked=True)
        return Decision(False, "the user denied it", asked=True)

    def _granted(self, ask: PermissionAsk) -> bool:
        """Whether ``--allow`` grants (and "always" answers) cover this ask together."""
        mine = [g.partition(":")[2] for g in self.grants + self.session_grants if g.partition(":")[0] == ask.tool]
        if not mine:
            return False
        if "" in mine:
            return True  # the whole tool
        if ask.subject_kind == "command":
            return rules.matches_any(ask.subject, mine)
        if ask.path:
            # "src/../secret" is not under "src/*"
            return any(fnmatch.fnmatchcase(posixpath.normpath(ask.path), p) for p in mine)
        return any(fnmatch.fnmatchcase(ask.subject, p) for p in mine)


def _outside_reason(path: Path) -> str:
    return (
        f"{path} is outside the project; allow it with [permissions] external_directory = \"allow\" "
        "or allowed_paths = [...] in opencode.toml"
    )


def _nearest_existing(path: Path) -> Path:
    """The path itself or its nearest ancestor that exists (``/`` at worst): a word
    like ``/api/v1`` names no place on this machine, and is not a path."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


__all__ = ["Decision", "Permissions", "tool_ask"]
