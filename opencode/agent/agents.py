"""Agents are data: a name, a system prompt, a model, which tools and which permissions.

Four agents are built in: ``build`` (the default, every tool), ``plan`` (read-only
analysis), ``general`` (a subagent for multi-step work) and ``explore`` (a fast
read-only search subagent). Users add agents, or change the built-in ones, in layers,
lowest first:

1. the built-ins, declared in ``builtin.toml`` with their prompts in ``prompts/``;
2. markdown files in ``<user config dir>/agents/NAME.md``;
3. markdown files in ``<project root>/.opencode/agents/NAME.md``;
4. ``[agents.NAME]`` tables in ``opencode.toml`` (already layered user < project).

A markdown agent is YAML front matter (description, model, temperature, mode, tools,
permissions, max_turns, read_only) followed by the prompt. A later layer overrides an
earlier one field by field, and ``tools``/``permissions`` key by key, so a file that
only sets ``model`` keeps the built-in prompt and tool rules.

``read_only`` is a ratchet: a layer may turn it on, never off. Project files come with
whatever repository was cloned, and must not be able to give ``plan`` write access.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config.merge import merged
from ..errors import ConfigError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Collection, Iterable, Iterator, Mapping

MODES = ("primary", "subagent", "all")
ACTIONS = ("allow", "ask", "deny")
DEFAULT_AGENT = "build"
BUILTIN_ORDER = ("build", "plan", "general", "explore")
#: Fields of a markdown agent's front matter (its prompt is the body, not a field).
FILE_FIELDS = ("description", "model", "temperature", "mode", "tools", "permissions", "max_turns", "read_only")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
PROMPTS = Path(__file__).with_name("prompts")
BUILTIN_FILE = Path(__file__).with_name("builtin.toml")


@dataclass
class Agent:
    """One agent. See the module docstring for where agents come from.

    ``tools`` maps tool names (or glob patterns such as ``"*"`` or ``"github_*"``) to
    enabled/disabled; a tool no key matches is enabled. ``permissions`` maps a tool to
    ``"allow" | "ask" | "deny"``, and for ``bash`` also to a mapping of command
    pattern to action, overriding ``[permissions]`` for this agent. The permission
    engine (``permissions.py``) applies them to each call; ``allows_tool`` only
    decides which tools the model is offered at all.
    ``source`` is ``"builtin"``, ``"config"`` or the path of the last file that set it.
    """

    name: str
    description: str = ""
    mode: str = "all"
    model: str | None = None
    temperature: float | None = None
    prompt: str = ""
    tools: dict[str, bool] = field(default_factory=dict)
    permissions: dict[str, Any] = field(default_factory=dict)
    max_turns: int | None = None
    read_only: bool = False
    source: str = "builtin"

    def allows_tool(self, name: str, permission_kind: str) -> bool:
        """Whether the model running as this agent is offered tool ``name``.

        A read-only agent never gets a ``write``-kind tool, whatever ``tools`` says.
        """
        if self.read_only and permission_kind == "write":
            return False
        return tool_enabled(self.tools, name)

    @property
    def is_primary(self) -> bool:
        return self.mode in ("primary", "all")

    @property
    def is_subagent(self) -> bool:
        return self.mode in ("subagent", "all")


def tool_enabled(tools: Mapping[str, bool], name: str) -> bool:
    """An exact key wins; otherwise the longest matching glob pattern; otherwise enabled."""
    if name in tools:
        return tools[name]
    import fnmatch

    patterns = [p for p in tools if any(c in p for c in "*?[") and fnmatch.fnmatchcase(name, p)]
    return tools[max(patterns, key=len)] if patterns else True


def builtin_prompt(name: str) -> str:
    """The text of a built-in prompt shipped in ``opencode/agent/prompts/``."""
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8").strip()


def builtin_agents() -> dict[str, Agent]:
    """The built-in agents, from ``builtin.toml`` and the prompts beside it."""
    import tomllib

    tables = tomllib.loads(BUILTIN_FILE.read_text(encoding="utf-8"))
    agents = {}
    for name, fields in tables.items():
        agents[name] = overlay(None, name, {**fields, "prompt": builtin_prompt(name)}, "builtin", [])
    return agents


class AgentSet:
    """The agents available to a run, in a stable order: built-ins first, then by name."""

    def __init__(self, agents: Mapping[str, Agent], warnings: Iterable[str] = ()) -> None:
        order = [n for n in BUILTIN_ORDER if n in agents] + sorted(n for n in agents if n not in BUILTIN_ORDER)
        self._agents = {name: agents[name] for name in order}
        self.warnings = list(warnings)

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._agents.values())

    def __len__(self) -> int:
        return len(self._agents)

    def __contains__(self, name: object) -> bool:
        return name in self._agents

    def names(self) -> list[str]:
        return list(self._agents)

    def get(self, name: str) -> Agent:
        """The agent called ``name``; an unknown name is a usage error listing the known ones."""
        if name in self._agents:
            return self._agents[name]
        from ..suggest import did_you_mean

        raise UsageError(f"unknown agent {name!r} (available: {', '.join(self._agents)})", hint=did_you_mean(name, self._agents, n=1))

    def primary(self) -> list[Agent]:
        return [a for a in self if a.is_primary]

    def subagents(self) -> list[Agent]:
        return [a for a in self if a.is_subagent]

    @property
    def default(self) -> Agent:
        return self._agents[DEFAULT_AGENT]


def load_agents(config: Any, root: Path, env: Mapping[str, str]) -> AgentSet:
    """Every agent for a run in ``root``: built-ins, user files, project files, config."""
    from ..config.dirs import user_config_dir

    agents = builtin_agents()
    warnings: list[str] = []
    seen: set[Path] = set()
    for directory in (user_config_dir(env) / "agents", root / ".opencode" / "agents"):
        if not directory.is_dir() or directory.resolve() in seen:
            continue
        seen.add(directory.resolve())
        for path in sorted(directory.glob("*.md")):
            if not NAME_RE.match(path.stem):
                warnings.append(f"{path}: {path.stem!r} is not a valid agent name (letters, digits, - and _); skipped")
                continue
            fields, body, unknown = read_agent_file(path)
            warnings += unknown
            fields["prompt"] = body
            agents[path.stem] = overlay(agents.get(path.stem), path.stem, fields, str(path), warnings)
    for name, fields in config_agent_tables(config).items():
        agents[name] = overlay(agents.get(name), name, fields, "config", warnings)
    base = agents["build"].prompt
    for agent in agents.values():
        agent.prompt = agent.prompt or base
    return AgentSet(agents, warnings)


def read_agent_file(path: Path) -> tuple[dict[str, Any], str, list[str]]:
    """A markdown agent: (checked front-matter fields, prompt body, warnings)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read agent file: {exc}", file=str(path)) from exc
    data, body, yaml_text = split_front_matter(text, path)

    def where(dotted: str) -> str:
        line = _key_line(yaml_text, dotted)
        return f"{path}:{line}" if line else str(path)

    fields, warnings = {}, []
    for key, value in data.items():
        if key not in FILE_FIELDS:
            warnings.append(f"{where(str(key))}: unknown key {key!r} in agent front matter (ignored)")
            continue
        _check(key, value, where, str(path))
        fields[key] = value
    return fields, body.strip(), warnings


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, str]:
    """(front matter as a mapping, body, the YAML text). No ``---`` first line: all body."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, ""
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ConfigError(f"{path}: the front matter opened by '---' on line 1 is never closed", file=str(path))
    yaml_text = "".join(lines[1:end])
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(yaml_text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 2}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise ConfigError(f"{where}: YAML syntax error in front matter: {problem}", file=str(path)) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: front matter must be a mapping of fields, got {_type_name(data)}", file=str(path))
    return data, "".join(lines[end + 1 :]), yaml_text


def config_agent_tables(config: Any) -> dict[str, dict[str, Any]]:
    """The ``[agents.NAME]`` tables of the merged config, each checked field by field."""
    from ..config.schema import AGENT

    tables = config.get("agents", None) if config is not None else None
    if not tables:
        return {}
    origin = getattr(config, "origin", None)

    def where(dotted: str) -> str:
        source = origin(f"agents.{dotted}") if origin else None
        if not source or not Path(source).is_file():
            return source or "config"
        from ..config.loader import locate_key

        line = locate_key(Path(source).read_text(encoding="utf-8"), f"agents.{dotted}")
        return f"{source}:{line}" if line else source

    result: dict[str, dict[str, Any]] = {}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{where(name)}: agents.{name} must be a table, got {_type_name(table)}", key=f"agents.{name}")
        if not NAME_RE.match(name):
            raise ConfigError(f"{where(name)}: {name!r} is not a valid agent name (letters, digits, - and _)", key=f"agents.{name}")
        # Unknown keys were already reported by the config loader, which ignores them.
        fields = {k: v for k, v in table.items() if k in AGENT.fields}
        for key, value in fields.items():
            _check(key, value, lambda dotted, n=name: where(f"{n}.{dotted}"), None, prefix=f"agents.{name}.")
        result[name] = fields
    return result


def overlay(base: Agent | None, name: str, fields: Mapping[str, Any], source: str, warnings: list[str]) -> Agent:
    """``base`` with ``fields`` laid over it: set fields replace, ``tools``/``permissions`` merge."""
    agent = copy.deepcopy(base) if base is not None else Agent(name)
    for key, value in fields.items():
        if key in ("tools", "permissions"):
            setattr(agent, key, merged(getattr(agent, key), value))
        elif key == "read_only":
            if value:
                agent.read_only = True
            elif agent.read_only:
                warnings.append(f"{source}: agent {name!r} is read-only and stays so (read_only = false ignored)")
        elif key == "prompt":
            if value.strip():
                agent.prompt = value.strip()
        elif key == "temperature":
            agent.temperature = float(value)
        else:
            setattr(agent, key, value)
    agent.source = source
    return agent


_MENTION = re.compile(r"\s*@([A-Za-z0-9][A-Za-z0-9_-]*)(?=[\s:,]|\Z)[:,]?\s*")


def pick_agent_from_prompt(prompt: str, agents: Collection[str] | AgentSet) -> tuple[str | None, str]:
    """Split ``"@plan Analyze ..."`` into ``("plan", "Analyze ...")``.

    Only a mention at the very start counts, and only of a known agent: ``@src/x.py``
    or ``@nobody`` leave the prompt as it is. Whether a subagent may be picked this
    way is the caller's decision (see ``Agent.mode``).
    """
    match = _MENTION.match(prompt)
    if match is None or match.group(1) not in agents:
        return None, prompt
    return match.group(1), prompt[match.end() :]


def agent_summary_records(agents: Iterable[Agent]) -> list[dict[str, Any]]:
    """One ``agent`` record per agent, for ``opencode agent list``."""
    from ..protocol import record

    records = []
    for agent in agents:
        line = f"{agent.name} ({agent.mode}{', read-only' if agent.read_only else ''})"
        line += f": {agent.description}" if agent.description else ""
        line += f" [model {agent.model}]" if agent.model else ""
        line += f" [{agent.source}]" if agent.source != "builtin" else ""
        records.append(
            record(
                "agent",
                name=agent.name,
                description=agent.description,
                mode=agent.mode,
                model=agent.model,
                source=agent.source,
                text=line,
            )
        )
    return records


def _check(key: str, value: Any, where: Callable[[str], str], file: str | None, prefix: str = "") -> None:
    """Raise ``ConfigError`` naming the place (``where(dotted)``) and field when ``value`` is wrong."""
    problem = _problem(key, value)
    if problem is None:
        return
    dotted, expected, bad = problem
    got = repr(bad) if isinstance(bad, str) else _type_name(bad)
    details = {"file": file} if file else {}
    raise ConfigError(f"{where(dotted)}: {prefix}{dotted} must be {expected}, got {got}", key=prefix + dotted, **details)


def _problem(key: str, value: Any) -> tuple[str, str, Any] | None:
    """(dotted field, what was expected, the offending value) or None when ``value`` fits."""
    if key in ("description", "model", "prompt"):
        return None if isinstance(value, str) else (key, "a string", value)
    if key == "temperature":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else (key, "a number", value)
    if key == "mode":
        return None if value in MODES else (key, '"primary", "subagent" or "all"', value)
    if key == "max_turns":
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        return None if ok else (key, "a positive integer", value)
    if key == "read_only":
        return None if isinstance(value, bool) else (key, "true or false", value)
    if not isinstance(value, dict):
        return (key, "a mapping", value)
    for name, item in value.items():
        dotted = f"{key}.{name}"
        if key == "tools" and not isinstance(item, bool):
            return (dotted, "true or false", item)
        if key == "permissions" and not _is_action(item):
            if not isinstance(item, dict):
                return (dotted, '"allow", "ask", "deny" or a mapping of pattern to one of them', item)
            bad = next((p for p, a in item.items() if not _is_action(a)), None)
            if bad is not None:
                return (f"{dotted}.{bad}", '"allow", "ask" or "deny"', item[bad])
    return None


def _is_action(value: Any) -> bool:
    return isinstance(value, str) and value in ACTIONS


def _key_line(yaml_text: str, dotted: str) -> int | None:
    """The file line of ``dotted`` in front matter that starts on line 2 (best effort)."""
    parts = str(dotted).split(".")
    lines = yaml_text.splitlines()
    start = 0
    found = None
    for depth, part in enumerate(parts):
        pattern = re.compile(rf"^{'' if depth == 0 else r'[ ]+'}['\"]?{re.escape(part)}['\"]?\s*:")
        hit = next((i for i in range(start, len(lines)) if pattern.match(lines[i])), None)
        if hit is None:
            break
        found, start = hit, hit + 1
    return found + 2 if found is not None else None


def _type_name(value: Any) -> str:
    from ..config.schema import type_name

    return type_name(value)
