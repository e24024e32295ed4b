"""A recipe as values: what ``loader`` makes of a TOML file and the runner executes.

Nothing here is rendered yet: prompts, commands and ``with`` values are still Jinja
templates, ``when`` and ``foreach`` still expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The actions a step may take; each step has exactly one.
KINDS = ("tool", "ask", "agent", "run", "shell")

#: A parameter without a default.
NO_DEFAULT = object()


@dataclass
class Param:
    name: str
    type: str = "string"
    description: str = ""
    default: Any = NO_DEFAULT
    required: bool | None = None
    options: list[Any] = field(default_factory=list)
    line: int = 0

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


@dataclass
class Step:
    """One step. ``action`` is the value of its kind's key: a tool name, a prompt, an
    agent name, a recipe reference or a shell command."""

    id: str
    kind: str
    action: str
    index: int
    line: int = 0
    with_: dict[str, Any] = field(default_factory=dict)
    task: str | None = None
    system: str | None = None
    model: str | None = None
    when: str | None = None
    foreach: str | list[Any] | None = None
    concurrency: int = 1
    needs: list[str] | None = None
    schema: dict[str, Any] | str | None = None
    checks: list[str] = field(default_factory=list)
    retries: int | None = None
    timeout: float | None = None
    output: str | None = None
    continue_on_error: bool = False
    inputs: list[str] = field(default_factory=list)
    cache: bool = True

    @property
    def attempts(self) -> int:
        """How often the step may run: once, plus its retries (two by default when a
        schema or checks can send it back with feedback)."""
        if self.retries is not None:
            return 1 + self.retries
        return 3 if (self.schema is not None or self.checks) else 1

    def templates(self) -> list[tuple[str, str]]:
        """(key, template) of every text the step renders, for validation."""
        found = [(self.kind, self.action)] if self.kind in ("ask", "shell") else []
        for key in ("task", "system", "output"):
            value = getattr(self, key)
            if value is not None:
                found.append((key, value))
        found += [(f"with.{key}", text) for key, text in _strings(self.with_)]
        found += [("checks", check) for check in self.checks]
        return found


@dataclass
class Settings:
    model: str | None = None
    agent: str | None = None
    temperature: float | None = None
    max_turns: int | None = None
    max_cost: float | None = None
    timeout: float | None = None
    concurrency: int = 4


@dataclass
class Recipe:
    name: str
    file: Path
    steps: list[Step]
    description: str = ""
    version: str = ""
    settings: Settings = field(default_factory=Settings)
    params: dict[str, Param] = field(default_factory=dict)
    env: list[str] = field(default_factory=list)
    outputs: str | None = None
    outputs_line: int = 0

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def _strings(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(dotted key, string) of every string inside a ``with`` value."""
    if isinstance(value, str):
        return [(prefix, value)]
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _strings(item, f"{prefix}.{key}" if prefix else str(key))]
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in _strings(item, f"{prefix}[{index}]")]
    return []
