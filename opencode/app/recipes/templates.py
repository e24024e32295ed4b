"""Recipe templates: Jinja2's sandboxed environment with ``StrictUndefined``.

A recipe sees ``params``, ``steps`` (each step's ``text``, ``json``, ``lines``,
``status``, ``items``), ``stdin``, ``env`` (only the variables the recipe lists) and,
in a ``foreach`` step, ``item`` and ``index``. A name that does not exist is an error,
never an empty string.

Shell commands are rendered by their own environment whose every ``{{ }}`` is
shell-quoted: a value that came from a file or a model (``steps.x.text``) stays one
argument even when the author forgot ``| shquote``. ``shquote`` is explicit and
idempotent (it marks its result as quoted), and ``recipe validate`` still warns where it
is missing, so a reader of the recipe sees the quoting.
"""

from __future__ import annotations

import json
import shlex
from functools import cache

from ...errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable


class Quoted(str):
    """Text already quoted for a shell."""


def shquote(value: Any) -> Quoted:
    """One shell word for ``value``; a list becomes one word per item."""
    if isinstance(value, Quoted):
        return value
    if isinstance(value, (list, tuple)):
        return Quoted(" ".join(shlex.quote(_text(v)) for v in value))
    return Quoted(shlex.quote(_text(value)))


def shell_code(value: Any) -> Quoted:
    """``value`` inserted as shell code, unquoted: for a command the person gave as a
    parameter (``{{ params.test_command | shell_code }}``), never for text from a file
    or a model (``recipe validate`` warns when it is used on ``steps`` or ``stdin``)."""
    return Quoted(_text(value))


def tojson(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=str)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def _finalize_text(value: Any) -> Any:
    return _text(value) if isinstance(value, (bool, dict, list)) or value is None else value


@cache
def environment(shell: bool = False):
    """The sandboxed environment for text (prompts, paths) or for shell commands."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=shquote if shell else _finalize_text,
    )
    env.filters["shquote"] = shquote
    env.filters["shell_code"] = shell_code
    env.filters["tojson"] = tojson
    return env


def render(source: str, context: dict[str, Any], *, shell: bool = False, where: str = "") -> str:
    """``source`` rendered; a template error is a ``UsageError`` saying ``where``."""
    from jinja2 import TemplateError

    try:
        return environment(shell).from_string(source).render(context)
    except TemplateError as exc:
        raise UsageError(f"{where}: {_message(exc)}" if where else _message(exc)) from None


def evaluate(expression: str, context: dict[str, Any], *, where: str = "") -> Any:
    """The value of a ``when`` or ``foreach`` expression."""
    from jinja2 import TemplateError, Undefined

    try:
        value = compile_expression(expression)(**context)
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        return value
    except TemplateError as exc:
        raise UsageError(f"{where}: {_message(exc)}" if where else _message(exc)) from None


@cache
def compile_expression(expression: str) -> Callable[..., Any]:
    return environment().compile_expression(expression, undefined_to_none=False)


def render_value(value: Any, context: dict[str, Any], where: str) -> Any:
    """Every string inside ``value`` (a ``with`` table) rendered."""
    if isinstance(value, str):
        return render(value, context, where=where)
    if isinstance(value, dict):
        return {k: render_value(v, context, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, context, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _message(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if type(exc).__name__ == "UndefinedError":
        return f"undefined in template: {text}"
    if type(exc).__name__ == "SecurityError":
        return f"not allowed in a recipe template: {text}"
    return f"template error: {text}"
