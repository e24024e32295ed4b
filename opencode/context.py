"""Turning what a user hands a command into context for a model.

Piped input (plain text or protocol records), attached files and the prompt become
one user message, context first and the question last, so the model reads the
material before the request about it. Shared by ``ask``, agents and recipes.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .protocol import PipedInput


def user_message(prompt: str, piped: PipedInput | None = None, files: list[tuple[str, str]] | None = None) -> str:
    parts = []
    if piped is not None:
        parts += [part.rstrip("\n") for part in piped.context_parts() if part.strip()]
    for name, content in files or []:
        fence = "````" if "```" in content else "```"
        parts.append(f"Contents of {name}:\n{fence}\n{content.rstrip()}\n{fence}")
    if prompt:
        parts.append(prompt)
    return "\n\n".join(parts)
