"""Rendering records for a person at a terminal (rich, imported only here)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any



def render_human(record: dict[str, Any], runtime) -> None:
    kind = record.get("type")
    stream = runtime.stdout
    if kind == "tool_result":
        metadata = record.get("metadata") or {}
        diff = metadata.get("diff")
        stream.write(record.get("output", "").rstrip("\n") + "\n")
        if diff:
            console = _console(runtime)
            from rich.syntax import Syntax

            console.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
        return
    if kind == "message":
        stream.write(str(record.get("text", "")).rstrip("\n") + "\n")
        return
    if kind == "text_delta":
        stream.write(record.get("text", ""))
        return
    text = record.get("text") or record.get("output")
    if isinstance(text, str):
        stream.write(text.rstrip("\n") + "\n")
        return
    from .. import protocol

    stream.write(protocol.dumps(record) + "\n")


def _console(runtime):
    from rich.console import Console

    return Console(file=runtime.stdout, no_color=not runtime.color, highlight=False)


def render_markdown(text: str, runtime) -> None:
    """A model's answer on a terminal: Markdown rendered by rich."""
    from rich.markdown import Markdown

    _console(runtime).print(Markdown(text))
