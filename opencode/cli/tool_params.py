"""A tool's command-line face, derived from its JSON Schema.

``faces(spec)`` says how each parameter appears on the command line: positional, or an
option ``--name`` (underscores become dashes) of kind str/int/float/bool (``--x/--no-x``),
list (repeatable) or json (a JSON value). The Click command (``tool_commands.py``) and the
fast parser below are both built from it.

Besides its parameters, a tool that takes a pipe's bytes (a ``stdin_param``) has
``--force``: write them even when the command before the pipe failed. It is an option
of the command line, not a tool parameter (a model never needs it), and travels with
the output options to the ``Runtime``.

``parse_fast`` handles the plain forms (``read main.py --offset 50 --limit=20``)
without importing Click and returns None for anything else (``--help``, short options,
``--``, bad values), which then goes to Click for the full treatment and its error
messages. ``tests/core/test_tool_params.py`` checks both parsers agree.
"""

from __future__ import annotations


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

    from ..tools.base import ToolSpec

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}

#: Output options every tool subcommand accepts, unless a parameter has the name.
OUTPUT_FLAGS = ("json", "format")

FORCE_HELP = "Write piped input even when the command before the pipe failed or wrote nothing"


def takes_force(spec: ToolSpec) -> bool:
    """Whether the tool's command has ``--force`` (it reads stdin; see the docstring)."""
    return spec.stdin_param is not None and "force" not in spec.properties


class Face:
    """One parameter's command-line form. ``kind``: str | int | float | bool | list | json;
    ``item_kind`` is the kind of a list's items."""

    __slots__ = ("name", "kind", "item_kind", "positional", "required", "help")

    def __init__(self, name: str, kind: str, item_kind: str, positional: bool, required: bool, help: str) -> None:
        self.name, self.kind, self.item_kind = name, kind, item_kind
        self.positional, self.required, self.help = positional, required, help

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def faces(spec: ToolSpec) -> list[Face]:
    required = set(spec.required)
    result = []
    for name, prop in spec.properties.items():
        kind, item = _kind(prop)
        result.append(Face(name, kind, item, name in spec.positional, name in required, prop.get("description", "")))
    result.sort(key=lambda f: spec.positional.index(f.name) if f.positional else len(spec.positional))
    return result


def _kind(prop: dict[str, Any]) -> tuple[str, str]:
    kind = prop.get("type")
    if isinstance(kind, str) and kind in _SCALARS:
        return _SCALARS[kind], ""
    if kind == "array":
        item = (prop.get("items") or {}).get("type")
        if isinstance(item, str) and item in _SCALARS and item != "boolean":
            return "list", _SCALARS[item]
    return "json", ""


def convert(kind: str, raw: str) -> Any:
    """Convert one command-line value; ValueError when it does not fit."""
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "json":
        from .. import protocol

        return protocol.loads(raw)
    return raw


def parse_fast(spec: ToolSpec, args: list[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(tool params, output options) for plain argument lists, else None."""
    by_flag = {f.flag[2:]: f for f in faces(spec) if not f.positional}
    positional = [f for f in faces(spec) if f.positional]
    params: dict[str, Any] = {}
    output: dict[str, Any] = {}
    values: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token.startswith("--") and len(token) > 2:
            name, has_value, value = token[2:].partition("=")
            face = by_flag.get(name)
            if face is None and name.startswith("no-") and by_flag.get(name[3:], _NONE).kind == "bool":
                if has_value:
                    return None
                params[by_flag[name[3:]].name] = False
                continue
            if face is None:
                option = _command_option(spec, name, has_value, value, tokens)
                if option is None:
                    return None
                output[option[0]] = option[1]
                continue
            if face.kind == "bool":
                if has_value:
                    return None
                params[face.name] = True
                continue
            if not has_value:
                value = next(tokens, None)
                if value is None or (value.startswith("-") and value != "-"):
                    return None
            try:
                converted = convert(face.item_kind if face.kind == "list" else face.kind, value)
            except ValueError:
                return None
            if face.kind == "list":
                params.setdefault(face.name, []).append(converted)
            elif face.name in params:
                return None
            else:
                params[face.name] = converted
        elif token.startswith("-") and token != "-":
            return None
        else:
            values.append(token)
    if len(values) > len(positional):
        return None
    for face, value in zip(positional, values):
        try:
            params[face.name] = convert(face.kind if face.kind != "list" else face.item_kind, value)
        except ValueError:
            return None
    order = list(spec.properties)
    return dict(sorted(params.items(), key=lambda kv: order.index(kv[0]))), output


def _command_option(spec: ToolSpec, name: str, has_value: str, value: str, tokens: Iterator[str]) -> tuple[str, Any] | None:
    """An option of the command that is no tool parameter (``--json``, ``--format X``,
    ``--force``) as (key, value); None for anything else (the fast path declines)."""
    if name == "force" and not has_value and takes_force(spec):
        return "force", True
    if name not in OUTPUT_FLAGS or name in spec.properties:
        return None
    if name == "json":
        return None if has_value else ("json", True)
    value = value if has_value else next(tokens, None)  # type: ignore[assignment]
    if value is None or value.startswith("-"):
        return None
    return "format", value


_NONE = Face("", "", "", False, False, "")
