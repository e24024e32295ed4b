"""Running a tool from the command line: fill from stdin, call, emit the record.

Shared by the fast path, the generated Click commands and ``opencode tool call``, so
a tool behaves the same however it was invoked. The call itself takes the one
execution path every face takes (``Workspace.run_tool``). Kept free of Click imports.
"""

from __future__ import annotations

from ..errors import OpencodeError
from ..tools.base import ToolSpec
from .runtime import Runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_tool_command(runtime: Runtime, spec: ToolSpec, params: dict[str, Any]) -> int:
    """Run ``spec`` with ``params`` for a person or a pipe; returns the exit status."""
    try:
        if spec.stdin_param and spec.stdin_param not in params:
            text = runtime.piped_text(f"{spec.stdin_param} for {spec.name}")
            if text is not None:
                params[spec.stdin_param] = text
    except OpencodeError as error:
        error.tool = spec.name  # type: ignore[attr-defined]
        raise
    outcome = runtime.workspace.run_tool(spec.name, params)
    outcome.raise_error()
    runtime.emit(outcome.record())
    assert outcome.result is not None
    return outcome.result.exit_status
