"""Running a tool from the command line: fill from stdin, call, emit the record.

Shared by the fast path, the generated Click commands and ``opencode tool call``, so
a tool behaves the same however it was invoked. Kept free of Click imports.
"""

from __future__ import annotations


from .. import protocol
from ..errors import OpencodeError
from ..tools.base import ToolSpec
from ..tools.runner import call_tool_blocking
from .runtime import Runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_tool_command(runtime: Runtime, spec: ToolSpec, params: dict[str, Any]) -> int:
    """Run ``spec`` with ``params`` for a person or a pipe; returns the exit status."""
    try:
        spec = runtime.registry().get(spec.name)
        if spec.stdin_param and spec.stdin_param not in params:
            text = runtime.piped_text(f"{spec.stdin_param} for {spec.name}")
            if text is not None:
                params[spec.stdin_param] = text
        result = call_tool_blocking(spec, params, runtime.tool_context())
    except OpencodeError as error:
        error.tool = spec.name  # type: ignore[attr-defined]
        raise
    runtime.emit(
        protocol.tool_result(
            spec.name,
            params,
            result.output,
            text=result.text,
            metadata=result.metadata,
        )
    )
    return result.exit_status
