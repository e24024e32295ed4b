"""Running one tool call: the one path the command line, the agent loop, ``batch``, and
later the MCP and HTTP servers and recipes all take.

``execute`` looks the tool up (a disabled tool is a denial), checks the parameters
against its schema, checks that the host offers what the tool uses, asks the
permission gate when there is one (agent runs; on the command line the person typed
the command, so there is none), runs the tool, and returns a ``ToolOutcome``. Failures
are outcomes, not exceptions: the loop hands them to the model, the command line
raises ``outcome.error``. ``outcome.record()`` is the ``tool_result`` record, with the
same fields whichever face ran the call.
"""

from __future__ import annotations

from .. import protocol
from ..errors import OpencodeError, PermissionDenied, UsageError
from .base import drive
from .host import CAPABILITIES
from .validate import validate_params

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from . import Registry
    from .base import ToolContext, ToolResult, ToolSpec

    class Decision(Protocol):
        allowed: bool
        reason: str

    class Gate(Protocol):
        """Decides whether a call may run (``agent.permissions.Permissions``)."""

        async def decide(self, spec: ToolSpec, params: dict[str, Any]) -> Decision: ...

        def deny(self, tool: str, params: dict[str, Any], reason: str) -> None: ...


COMPLETED, ERROR, DENIED = "completed", "error", "denied"


class ToolOutcome:
    """One finished call: the result, or the error that stopped it."""

    __slots__ = ("tool", "input", "call_id", "result", "error", "status")

    def __init__(
        self,
        tool: str,
        input: dict[str, Any],
        *,
        call_id: str | None = None,
        result: ToolResult | None = None,
        error: OpencodeError | None = None,
    ) -> None:
        self.tool, self.input, self.call_id = tool, input, call_id
        self.result, self.error = result, error
        self.status = COMPLETED if error is None else DENIED if isinstance(error, PermissionDenied) else ERROR

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str | None:
        """What went wrong, hint included; None for a completed call."""
        if self.error is None:
            return None
        return self.error.message + (f" ({self.error.hint})" if self.error.hint else "")

    @property
    def output(self) -> str:
        """What the model reads back: the tool's output, or what stopped it."""
        if self.result is not None:
            return self.result.output
        return ("Permission denied: " if self.status == DENIED else "Error: ") + str(self.message)

    @property
    def metadata(self) -> dict[str, Any]:
        if self.result is not None:
            return self.result.metadata
        return {"code": self.error.code} if self.error is not None else {}

    def record(self) -> dict[str, Any]:
        """The ``tool_result`` record of this call."""
        return protocol.tool_result(
            self.tool,
            self.input,
            self.output,
            text=self.result.text if self.result is not None else None,
            encoding=self.result.encoding if self.result is not None else None,
            metadata=self.metadata,
            call_id=self.call_id,
            status=self.status,
            error=self.message,
        )

    def raise_error(self) -> None:
        """Raise what stopped the call (naming the tool), if anything did."""
        if self.error is not None:
            self.error.tool = self.tool  # type: ignore[attr-defined]
            raise self.error


async def execute(
    registry: Registry,
    name: str,
    params: dict[str, Any],
    ctx: ToolContext,
    *,
    gate: Gate | None = None,
    call_id: str | None = None,
) -> ToolOutcome:
    """Run one call of tool ``name`` with ``params``; see the module docstring."""

    def failed(error: OpencodeError) -> ToolOutcome:
        if gate is not None and isinstance(error, PermissionDenied):
            # A refusal from below the gate (a path outside the project, a disabled
            # tool) is a denial like the gate's own: the run's summary lists it.
            gate.deny(name, params, error.message + (f" ({error.hint})" if error.hint else ""))
        return ToolOutcome(name, params, call_id=call_id, error=error)

    try:
        spec = registry.get(name)
        filled = validate_params(spec.parameters, params)
        _check_host(spec, ctx)
    except OpencodeError as error:
        return failed(error)
    if gate is not None:
        decision = await gate.decide(spec, params)
        if not decision.allowed:
            return ToolOutcome(name, params, call_id=call_id, error=PermissionDenied(decision.reason))
    try:
        result = await spec.run(filled, ctx)
    except OpencodeError as error:
        return failed(error)
    except Exception as exc:  # noqa: BLE001 - a tool's bug is reported, never a crash of the run
        return ToolOutcome(name, params, call_id=call_id, error=OpencodeError(f"{type(exc).__name__}: {exc}"))
    return ToolOutcome(name, params, call_id=call_id, result=result)


def execute_blocking(registry: Registry, name: str, params: dict[str, Any], ctx: ToolContext) -> ToolOutcome:
    """``execute`` from synchronous code, with no gate. Loop-free tools run without an
    event loop at all (importing asyncio costs more than a whole ``opencode read``)."""
    coroutine = execute(registry, name, params, ctx)
    try:
        loop_free = registry.get(name).loop_free
    except OpencodeError:
        loop_free = True  # the outcome is the lookup error, reached without awaiting
    if loop_free:
        return drive(coroutine)
    import asyncio

    return asyncio.run(coroutine)


def _check_host(spec: ToolSpec, ctx: ToolContext) -> None:
    missing = [c for c in spec.uses if c not in ctx.host.offers]
    if missing:
        raise UsageError(
            f"{spec.name} {CAPABILITIES.get(missing[0], missing[0])}, which only an agent run offers",
            hint=f'ask an agent to use it: opencode run "..."',
        )
