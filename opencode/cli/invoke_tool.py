"""Running a tool from the command line: fill from stdin, call, emit the record.

Shared by the fast path, the generated Click commands and ``opencode tool call``, so
a tool behaves the same however it was invoked. The call itself takes the one
execution path every face takes (``Workspace.run_tool``). Kept free of Click imports.

Piped bytes fill the tool's ``stdin_param`` exactly: as text when they are UTF-8, as
base64 with ``encoding="base64"`` for a tool that takes an ``encoding`` (``write``),
so ``opencode read latin1.txt | opencode write copy.txt`` copies every byte.
"""

from __future__ import annotations

from ..errors import OpencodeError, ToolError
from ..tools.base import ToolSpec
from .runtime import Runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_tool_command(runtime: Runtime, spec: ToolSpec, params: dict[str, Any]) -> int:
    """Run ``spec`` with ``params`` for a person or a pipe; returns the exit status."""
    try:
        if spec.stdin_param and spec.stdin_param not in params:
            data = runtime.piped_payload(f"{spec.stdin_param} for {spec.name}")
            if data is not None:
                params.update(stdin_params(spec, data))
    except OpencodeError as error:
        error.tool = spec.name  # type: ignore[attr-defined]
        raise
    outcome = runtime.workspace.run_tool(spec.name, params)
    outcome.raise_error()
    runtime.emit(outcome.record())
    assert outcome.result is not None
    return outcome.result.exit_status


def json_params(runtime: Runtime, params: str | None, usage: str) -> dict[str, Any]:
    """A command's JSON object of parameters: given, or piped (``-`` or none)."""
    from .. import protocol
    from ..errors import UsageError

    if params is None or params == "-":
        piped = runtime.read_stdin()
        if piped is None or piped.is_empty:
            raise UsageError("no parameters: give a JSON object, or pipe one in", hint=usage)
        params = piped.raw
    try:
        value = protocol.loads(params)
    except ValueError as exc:
        raise UsageError(f"parameters are not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError("parameters must be a JSON object")
    return value


def stdin_params(spec: ToolSpec, data: bytes) -> dict[str, Any]:
    """The parameters piped ``data`` fills (see the module docstring)."""
    assert spec.stdin_param is not None
    try:
        return {spec.stdin_param: data.decode("utf-8")}
    except UnicodeDecodeError:
        if "encoding" not in spec.properties:
            raise ToolError(f"the piped {spec.stdin_param} is not UTF-8 text") from None
    from binascii import b2a_base64

    return {spec.stdin_param: b2a_base64(data, newline=False).decode("ascii"), "encoding": "base64"}
