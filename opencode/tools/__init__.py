"""The tool registry: every tool a run may use, by name, loaded on first use.

Tools join a ``Registry`` through one registration hook: a *tool source* is a function
that is handed ``register`` and calls it once per tool, with a ``ToolSpec`` or a
``ToolEntry`` (a name, a one-line summary and where the spec lives, imported only when
the tool is used). The built-in tools come in through that same hook
(``builtin_tools``), and so will tools from MCP servers and tools defined in Python:
each then gets every face a built-in has. A *deferred* source (MCP servers, which must
be started to say what tools they have) is called only when the registry is first
asked for a name it does not hold or for the whole list, so ``opencode read`` never
starts one.

``BUILTIN`` maps each built-in name to ``module:attribute`` of its ``ToolSpec`` and a
summary, so listing tools (``opencode --help``, ``opencode tool list``) imports no tool
module.
"""

from __future__ import annotations

import importlib

from ..errors import NotFound, PermissionDenied
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

    Register = Callable[["ToolSpec | ToolEntry"], None]
    ToolSource = Callable[[Register], None]

BUILTIN: dict[str, tuple[str, str]] = {
    "read": ("opencode.tools.read:SPEC", "Read a file with line numbers"),
    "write": ("opencode.tools.write:SPEC", "Write a file atomically (content from stdin if not given)"),
    "edit": ("opencode.tools.edit:SPEC", "Replace text in a file, tolerant of imperfect requests"),
    "multiedit": ("opencode.tools.multiedit:SPEC", "Several edits to one file, all or nothing"),
    "apply_patch": ("opencode.tools.apply_patch:SPEC", "Apply a patch in the codex format"),
    "ls": ("opencode.tools.ls:SPEC", "List a directory as a tree, respecting .gitignore"),
    "glob": ("opencode.tools.glob:SPEC", "Find files by glob pattern, newest first"),
    "grep": ("opencode.tools.grep:SPEC", "Search file contents with a regex (ripgrep)"),
    "rm": ("opencode.tools.rm:SPEC", "Remove a file or folder inside the project"),
    "bash": ("opencode.tools.bash:SPEC", "Run a shell command with a timeout"),
    "todowrite": ("opencode.tools.todo:WRITE", "Replace the todo list"),
    "todoread": ("opencode.tools.todo:READ", "Show the todo list"),
    "task": ("opencode.tools.task:SPEC", "Run a subagent on a task (agent runs only)"),
    "batch": ("opencode.tools.batch:SPEC", "Run up to 25 tool calls in parallel"),
    "question": ("opencode.tools.question:SPEC", "Ask the user questions (answers from --answers headless)"),
    "plan": ("opencode.tools.plan:SPEC", "Enter or leave the read-only plan agent (agent runs only)"),
}

_loaded: dict[str, ToolSpec] = {}


class ToolEntry:
    """A registered tool whose spec is imported from ``target`` (``module:attr``) when
    first used, so that registering costs nothing."""

    __slots__ = ("name", "summary", "target")

    def __init__(self, name: str, summary: str, target: str) -> None:
        self.name, self.summary, self.target = name, summary, target

    def load(self) -> ToolSpec:
        spec = _loaded.get(self.target)
        if spec is None:
            module_name, attribute = self.target.split(":")
            spec = _loaded[self.target] = getattr(importlib.import_module(module_name), attribute)
        return spec


def builtin_tools(register: Register) -> None:
    """The tool source of the built-in tools."""
    for name, (target, summary) in BUILTIN.items():
        register(ToolEntry(name, summary, target))


def builtin_spec(name: str) -> ToolSpec:
    """The ``ToolSpec`` of a built-in tool, importing its module on first use."""
    if name not in BUILTIN:
        raise unknown_tool(name, BUILTIN)
    return ToolEntry(name, BUILTIN[name][1], BUILTIN[name][0]).load()


def unknown_tool(name: str, known: Iterable[str]) -> NotFound:
    from ..suggest import did_you_mean

    known = sorted(known)
    return NotFound(f"unknown tool {name!r}", hint=did_you_mean(name, known) or f"known tools: {', '.join(known)}")


class Registry:
    """The tools available to one run: those the sources register, minus those
    disabled by ``[tools] NAME = false`` in config.

    A name registered twice keeps its first tool; the clash is noted in ``warnings``
    and told to ``warn`` (for a deferred source, when it runs).
    """

    def __init__(
        self, disabled: Iterable[str] = (), sources: Iterable[ToolSource] = (builtin_tools,), deferred: Iterable[ToolSource] = (),
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.disabled = set(disabled)
        self.warnings: list[str] = []
        self._warn = warn
        self._tools: dict[str, ToolSpec | ToolEntry] = {}
        self._deferred = list(deferred)
        for source in sources:
            source(self.register)

    @classmethod
    def from_config(
        cls, config: Any, sources: Iterable[ToolSource] = (builtin_tools,), deferred: Iterable[ToolSource] = (),
        warn: Callable[[str], None] | None = None,
    ) -> Registry:
        """The tools a config allows: ``[tools] NAME = false`` disables one."""
        tools = config.get("tools", {}) if config is not None else {}
        return cls(disabled=[name for name, on in tools.items() if on is False], sources=sources, deferred=deferred, warn=warn)

    def _complete(self) -> None:
        """Run the deferred sources, once."""
        while self._deferred:
            self._deferred.pop(0)(self.register)

    def _find(self, name: str) -> ToolSpec | ToolEntry | None:
        if name not in self._tools:
            self._complete()
        return self._tools.get(name)

    def register(self, tool: ToolSpec | ToolEntry) -> None:
        """The registration hook every tool source is handed."""
        if tool.name in self._tools:
            self.warnings.append(f"a second tool named {tool.name!r} was ignored")
            if self._warn is not None:
                self._warn(self.warnings[-1])
            return
        self._tools[tool.name] = tool

    def all_names(self) -> list[str]:
        """Every registered tool, disabled ones included, in registration order."""
        self._complete()
        return list(self._tools)

    def names(self) -> list[str]:
        self._complete()
        return [name for name in self._tools if name not in self.disabled]

    def get(self, name: str) -> ToolSpec:
        if name in self.disabled:
            raise PermissionDenied(f"tool {name!r} is disabled by [tools] in config")
        tool = self._find(name)
        if tool is None:
            raise unknown_tool(name, self.names())
        return tool.load() if isinstance(tool, ToolEntry) else tool

    def specs(self) -> list[ToolSpec]:
        return [self.get(n) for n in self.names()]

    def summary(self, name: str) -> str:
        """A tool's one-line summary, without importing it when it has one registered."""
        tool = self._find(name)
        if tool is None:
            raise KeyError(name)
        if isinstance(tool, ToolEntry):
            return tool.summary
        return tool.description.splitlines()[0] if tool.description else ""

    def spec(self, name: str) -> ToolSpec:
        """A registered tool's spec, even when config disables it (for listings)."""
        tool = self._find(name)
        if tool is None:
            raise KeyError(name)
        return tool.load() if isinstance(tool, ToolEntry) else tool

    def describe(self, name: str, params: dict[str, Any]) -> str:
        """What a call acts on (``read`` of ``main.py``: "main.py"); '' for unknown tools."""
        try:
            return self.spec(name).describe(params)
        except (KeyError, ImportError, AttributeError):
            return ""


__all__ = ["BUILTIN", "Registry", "ToolContext", "ToolEntry", "ToolResult", "ToolSpec", "builtin_spec", "builtin_tools"]
