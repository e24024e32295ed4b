"""The tool registry: built-in tools by name, loaded on first use.

``BUILTIN`` maps each name to ``module:attribute`` of its ``ToolSpec`` and a one-line
summary, so listing tools (``opencode --help``, ``opencode tool list``) imports no tool
module. Tools from MCP servers and config join a ``Registry`` at run time and then get
every face a built-in has.
"""

from __future__ import annotations

import importlib

from ..errors import UsageError
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable

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

#: Tools whose CLI face lives inside a group instead of at the top level.
GROUPED = {"todowrite": "todo", "todoread": "todo"}

_loaded: dict[str, ToolSpec] = {}


def builtin_spec(name: str) -> ToolSpec:
    """The ``ToolSpec`` of a built-in tool, importing its module on first use."""
    spec = _loaded.get(name)
    if spec is None:
        if name not in BUILTIN:
            raise unknown_tool(name, BUILTIN)
        module_name, attribute = BUILTIN[name][0].split(":")
        spec = getattr(importlib.import_module(module_name), attribute)
        _loaded[name] = spec
    return spec


def unknown_tool(name: str, known: Iterable[str]) -> UsageError:
    import difflib

    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"known tools: {', '.join(known)}"
    return UsageError(f"unknown tool {name!r}", hint=hint)


class Registry:
    """The tools available to one run: built-ins plus any registered at run time,
    minus those disabled by ``[tools]`` in config."""

    def __init__(self, disabled: Iterable[str] = ()) -> None:
        self.disabled = set(disabled)
        self.extra: dict[str, ToolSpec] = {}

    @classmethod
    def from_config(cls, config) -> Registry:
        """The tools a config allows: ``[tools] NAME = false`` disables one."""
        tools = config.get("tools", {}) if config is not None else {}
        return cls(disabled=[name for name, on in tools.items() if on is False])

    def register(self, spec: ToolSpec) -> None:
        self.extra[spec.name] = spec

    def names(self) -> list[str]:
        return [n for n in [*BUILTIN, *self.extra] if n not in self.disabled]

    def get(self, name: str) -> ToolSpec:
        if name in self.disabled:
            from ..errors import PermissionDenied

            raise PermissionDenied(f"tool {name!r} is disabled by [tools] in config")
        if name in self.extra:
            return self.extra[name]
        if name in BUILTIN:
            return builtin_spec(name)
        raise unknown_tool(name, self.names())

    def specs(self) -> list[ToolSpec]:
        return [self.get(n) for n in self.names()]


__all__ = ["BUILTIN", "Registry", "ToolContext", "ToolResult", "ToolSpec", "builtin_spec"]
