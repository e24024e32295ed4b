"""The parts of a message, as the loop writes them and sessions store them.

Plain dicts, because they are exactly what is saved, exported and sent over the web
API; ``session.model.check_part`` holds the stored form to these shapes.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def text_part(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def reasoning_part(text: str) -> dict[str, Any]:
    return {"type": "reasoning", "text": text}


def tool_part(
    call_id: str,
    tool: str,
    input: dict[str, Any],
    status: str = "running",
    output: str = "",
    metadata: dict[str, Any] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """A tool call: ``running`` when it starts, then updated with its outcome."""
    part = {"type": "tool", "call_id": call_id, "tool": tool, "input": input, "status": status, "output": output, "metadata": metadata or {}}
    if error is not None:
        part["error"] = error
    return part


def snapshot_part(tree: str) -> dict[str, Any]:
    """An undo point: the project's files as they were, before the turn changed them."""
    return {"type": "snapshot", "tree": tree}
