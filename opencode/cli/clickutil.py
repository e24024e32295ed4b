"""Small pieces the Click commands share: the runtime decorator, output options, JSON."""

from __future__ import annotations

import functools
from typing import Any, Callable

import click


def pass_runtime(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the ``Runtime`` built by the root group as the first argument."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        runtime = ctx.find_root().obj
        for key in ("json", "format"):
            if key in kwargs and key in getattr(wrapper, "_output_keys", ()):
                value = kwargs.pop(key)
                if key == "json" and value:
                    runtime.format = "json"
                elif key == "format" and value:
                    runtime.format = value
        return fn(runtime, *args, **kwargs)

    return wrapper


def output_options(command: click.Command, skip: set[str] = frozenset()) -> click.Command:  # type: ignore[assignment]
    """Give a leaf command ``--json`` and ``--format`` (unless a parameter owns the name)."""
    added = []
    if "json" not in skip:
        command.params.append(click.Option(["--json", "json"], is_flag=True, default=False, help="Write JSON Lines"))
        added.append("json")
    if "format" not in skip:
        command.params.append(
            click.Option(["--format", "format"], type=click.Choice(["text", "json", "jsonl"]), default=None, help="Output format")
        )
        added.append("format")
    if command.callback is not None:
        command.callback._output_keys = tuple(added)  # type: ignore[attr-defined]
    return command


def leaf(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for hand-written leaf commands: runtime first, output options added."""
    wrapped = pass_runtime(fn)
    wrapped._output_keys = ("json", "format")  # type: ignore[attr-defined]
    wrapped = click.option("--format", "format", type=click.Choice(["text", "json", "jsonl"]), default=None, help="Output format")(wrapped)
    wrapped = click.option("--json", "json", is_flag=True, default=False, help="Write JSON Lines")(wrapped)
    return wrapped


class JsonParam(click.ParamType):
    name = "JSON"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            from .. import protocol

            return protocol.loads(value)
        except ValueError as exc:
            self.fail(f"not valid JSON: {exc}", param, ctx)


JSON = JsonParam()
