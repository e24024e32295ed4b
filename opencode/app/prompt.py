"""Turning what a person hands a command into one message for a model.

Piped input (plain text or protocol records), attached files and the prompt become
one user message, context first and the question last, so the model reads the
material before the request about it. Shared by ``ask``, agent runs and recipes.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from ..protocol import PipedInput


def user_message(
    prompt: str,
    piped: PipedInput | None = None,
    files: list[tuple[str, str]] | None = None,
    describe: Callable[[str, dict[str, Any]], str] | None = None,
) -> str:
    """The message: piped context (refused when it carries an upstream error), then
    the files as fenced blocks, then the prompt. ``describe`` labels piped tool
    results with what the tool acted on (``Registry.describe``)."""
    parts = []
    if piped is not None:
        piped.refuse_errors()
        parts += [part.rstrip("\n") for part in piped.context_parts(describe) if part.strip()]
    for name, content in files or []:
        fence = "````" if "```" in content else "```"
        parts.append(f"Contents of {name}:\n{fence}\n{content.rstrip()}\n{fence}")
    if prompt:
        parts.append(prompt)
    return "\n\n".join(parts)
