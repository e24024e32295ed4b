"""Reading a recipe file: TOML, checked against the shipped JSON Schema, into ``model``.

Every structural problem is reported at once with the line it is on (``tomllib`` keeps
no positions, so ``Lines`` finds them in the text: the header of each table and the
line of each key). ``load_recipe`` raises a ``UsageError`` listing them; ``parse``
returns them for ``recipe validate``, which adds its own checks.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from ...errors import UsageError
from .model import KINDS, Param, Recipe, Settings, Step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA_FILE = Path(__file__).with_name("recipe.schema.json")


class Problem:
    """One thing wrong with a recipe, at a line (0: the file as a whole)."""

    __slots__ = ("line", "message", "warning")

    def __init__(self, line: int, message: str, warning: bool = False) -> None:
        self.line, self.message, self.warning = line, message, warning

    def format(self, file: Path | str) -> str:
        where = f"{file}:{self.line}" if self.line else str(file)
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def load_recipe(path: Path) -> Recipe:
    """The recipe in ``path``; a ``UsageError`` (exit 2) listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read recipe {path}: {getattr(exc, 'strerror', None) or exc}") from None
    recipe, problems = parse(text, path)
    errors = [p for p in problems if not p.warning]
    if errors or recipe is None:
        listed = "; ".join(p.format(path) for p in errors)
        raise UsageError(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in recipe: {listed}", hint=f"opencode recipe validate {path}")
    return recipe


def parse(text: str, path: Path) -> tuple[Recipe | None, list[Problem]]:
    """(the recipe, or None when its structure is broken; every problem found)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        return None, [Problem(int(line.group(1)) if line else 0, f"not valid TOML: {exc}")]
    lines = Lines(text)
    problems = structure_problems(data, lines)
    if any(not p.message.startswith("unknown key") for p in problems):
        return None, problems
    # Unknown keys alone leave a recipe to check further (validate reports the rest
    # too); loading it still fails on them.
    return build(_known(data), path, lines), problems


def _known(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the keys the schema does not know."""
    defs = schema()["$defs"]
    tops = schema()["properties"]
    known = {key: value for key, value in data.items() if key in tops}
    for table in ("recipe", "settings", "outputs"):
        if isinstance(known.get(table), dict):
            known[table] = {k: v for k, v in known[table].items() if k in tops[table]["properties"]}
    known["params"] = {n: {k: v for k, v in p.items() if k in defs["param"]["properties"]} for n, p in known.get("params", {}).items()}
    known["steps"] = [{k: v for k, v in step.items() if k in defs["step"]["properties"]} for step in known["steps"]]
    return known


def structure_problems(data: dict[str, Any], lines: Lines) -> list[Problem]:
    """The schema's complaints, and steps with no action or two."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    problems = [_explain(error, lines) for error in validator.iter_errors(data)]
    for index, step in enumerate(data.get("steps", []) if isinstance(data.get("steps"), list) else []):
        if not isinstance(step, dict):
            continue
        kinds = [k for k in KINDS if k in step]
        label = f"step {step.get('id', index + 1)!r}"
        if not kinds:
            problems.append(Problem(lines.at("steps", index), f"{label} has no action: give one of {', '.join(KINDS)}"))
        elif len(kinds) > 1:
            problems.append(Problem(lines.at("steps", index), f"{label} has {len(kinds)} actions ({', '.join(kinds)}): give exactly one"))
        elif kinds[0] == "agent" and "task" not in step:
            problems.append(Problem(lines.at("steps", index), f"{label} runs the agent {step['agent']!r} but has no task"))
    return sorted(problems, key=lambda p: p.line)


def _explain(error: Any, lines: Lines) -> Problem:
    """A schema error in the words of a recipe author, at its line."""
    where = list(error.absolute_path)
    table = _table_name(where)
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        key = unknown[0] if unknown else ""
        return Problem(lines.at(*where, key), f"unknown key {key!r} in {table}")
    if error.validator == "required":
        return Problem(lines.at(*where), f"{table} needs {error.message.split(' is a required')[0]}")
    if error.validator == "enum":
        return Problem(lines.at(*where), f"{_dotted(where)} must be one of {', '.join(map(repr, error.validator_value))}")
    return Problem(lines.at(*where), f"{_dotted(where) or 'the recipe'}: {error.message}")


def _table_name(where: list[Any]) -> str:
    if not where:
        return "the recipe"
    if where[0] == "steps" and len(where) > 1:
        return f"[[steps]] number {where[1] + 1}" + (f" ({'.'.join(map(str, where[2:]))})" if len(where) > 2 else "")
    return "[" + ".".join(map(str, where)) + "]"


def _dotted(where: list[Any]) -> str:
    if where and where[0] == "steps" and len(where) > 1:
        return f"steps[{where[1] + 1}]" + "".join(f".{part}" for part in where[2:])
    return ".".join(map(str, where))


def build(data: dict[str, Any], path: Path, lines: Lines) -> Recipe:
    """The recipe from data the schema accepted."""
    head = data["recipe"]
    settings = Settings(**data.get("settings", {}))
    params = {
        name: Param(name=name, line=lines.at("params", name), **fields) for name, fields in data.get("params", {}).items()
    }
    steps = [_step(raw, index, lines) for index, raw in enumerate(data["steps"])]
    outputs = data.get("outputs", {}).get("text")
    return Recipe(
        name=head["name"], file=path, steps=steps, description=head.get("description", ""),
        version=str(head.get("version", "")), settings=settings, params=params, env=list(head.get("env", [])),
        outputs=outputs, outputs_line=lines.at("outputs", "text") if outputs is not None else 0,
    )


def _step(raw: dict[str, Any], index: int, lines: Lines) -> Step:
    kind = next(k for k in KINDS if k in raw)
    fields = {k: v for k, v in raw.items() if k not in KINDS and k not in ("with",)}
    return Step(kind=kind, action=raw[kind], index=index, line=lines.at("steps", index), with_=raw.get("with", {}), **fields)


class Lines:
    """Where tables and keys are in a TOML text: the line of ``("steps", 2, "ask")``
    is that of ``ask =`` in the third ``[[steps]]``, falling back to the table's header."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[Any, ...], int] = {}
        self.keys: dict[tuple[Any, ...], int] = {}
        counts: dict[str, int] = {}
        current: tuple[Any, ...] = ()
        fence = None
        for number, line in enumerate(text.splitlines(), start=1):
            if fence is not None:
                if line.count(fence) % 2 == 1:
                    fence = None
                continue
            header = self._HEADER.match(line)
            if header:
                current = self._table(header.group(1), header.group(2), counts)
                self.tables.setdefault(current, number)
                continue
            key = self._KEY.match(line)
            if key:
                parts = tuple(p.strip("\"'") for p in key.group(1).split("."))
                self.keys.setdefault((*current, *parts), number)
                rest = line[key.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        fence = quote

    def _table(self, brackets: str, name: str, counts: dict[str, int]) -> tuple[Any, ...]:
        parts = tuple(p.strip().strip("\"'") for p in name.split("."))
        if brackets == "[[":
            counts[name] = counts.get(name, -1) + 1
            return (*parts, counts[name])
        if parts[0] == "steps" and "steps" in counts:
            return ("steps", counts["steps"], *parts[1:])
        return parts

    def at(self, *where: Any) -> int:
        path = tuple(p for p in where if p != "")
        while path:
            found = self.keys.get(path) or self.tables.get(path)
            if found:
                return found
            path = path[:-1]
        return 0
