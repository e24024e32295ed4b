"""A recipe's parameters: the values given (``--param``, ``--params FILE``, stdin),
checked against their declared types, defaults filled in, the missing ones asked for.

A parameter without a default is required unless it says ``required = false`` (then it
is ``none``). With nobody to ask, a missing required parameter is a usage error that
names it. A ``file`` parameter's value is the file's content, read by the ``read``
tool so the path rules are the tool's own.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import UsageError
from ...suggest import did_you_mean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

    from .model import Param, Recipe

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings (``--param``) as a mapping; a later one wins."""
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param wants NAME=VALUE, got {pair!r}")
        given[name.strip()] = value
    return given


def load_params_file(path: Path) -> dict[str, Any]:
    """``--params FILE``: a TOML or JSON table of values."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --params file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--params file {path} is not valid {'TOML' if path.suffix == '.toml' else 'JSON'}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--params file {path} must hold a table of NAME = VALUE")
    return data


def resolve(
    recipe: Recipe,
    given: Mapping[str, Any],
    *,
    read_file: Callable[[str], str],
    ask: Callable[[Param], Any] | None = None,
) -> dict[str, Any]:
    """Every parameter's value; see the module docstring."""
    for name in given:
        if name not in recipe.params:
            hint = did_you_mean(name, recipe.params)
            known = ", ".join(recipe.params) or "none"
            raise UsageError(f"recipe {recipe.name!r} has no parameter {name!r}" + (f"; {hint}" if hint else f" (it takes: {known})"))
    values: dict[str, Any] = {}
    for name, param in recipe.params.items():
        if name in given:
            raw = given[name]
        elif param.has_default:
            raw = param.default
        elif param.required is False:
            values[name] = None
            continue
        elif ask is not None:
            raw = ask(param)
        else:
            raise UsageError(f"recipe {recipe.name!r} needs the parameter {name!r}" + (f" ({param.description})" if param.description else ""), hint=f"give --param {name}=VALUE")
        values[name] = coerce(param, raw, read_file)
    return values


def coerce(param: Param, raw: Any, read_file: Callable[[str], str]) -> Any:
    """``raw`` as the parameter's type; a value that does not fit is a usage error."""
    kind = param.type

    def wrong(expected: str) -> UsageError:
        return UsageError(f"parameter {param.name!r} must be {expected}, got {raw!r}")

    if kind == "integer":
        if isinstance(raw, bool):
            raise wrong("an integer")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise wrong("an integer") from None
    if kind == "number":
        if isinstance(raw, bool):
            raise wrong("a number")
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise wrong("a number") from None
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise wrong("true or false")
    if kind == "choice":
        for option in param.options:
            if raw == option or str(raw) == str(option):
                return option
        raise wrong("one of " + ", ".join(map(str, param.options)))
    if kind == "list":
        return _as_list(raw, wrong)
    if kind == "file":
        return read_file(str(raw))
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise wrong("text")
    return str(raw)


def _as_list(raw: Any, wrong: Callable[[str], UsageError]) -> list[Any]:
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str):
        raise wrong("a list")
    text = raw.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            raise wrong("a list (a JSON array, or items separated by commas)") from None
        if isinstance(value, list):
            return value
        raise wrong("a list")
    return [item.strip() for item in text.split(",") if item.strip()]
