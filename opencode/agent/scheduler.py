"""Running the tool calls of one model reply, in order, concurrently where they may.

A reply's calls are announced (``tool_call`` records), checked against the doom-loop
guard, then run in groups: consecutive calls of tools that declare themselves
``concurrent`` run together, every other call alone. Before the first call of a turn
that may change files, an undo point is taken. Each call goes through the one
execution path (``tools.execute``) with the run's permissions as its gate, and every
group's results are saved to the session before they are yielded, so a killed
process keeps every finished result.
"""

from __future__ import annotations

import asyncio

from .. import protocol
from ..errors import InvalidParams, OpencodeError
from ..tools.execute import ToolOutcome, execute
from .parts import snapshot_part, tool_part

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from ..llm.types import ToolCall
    from ..tools import Registry
    from ..tools.base import ToolContext
    from .doom_loop import DoomLoopGuard
    from .permissions import Permissions
    from .seams import Conversation, SessionSink

    Prepared = tuple[ToolCall, dict[str, Any], str | None]


class UndoPoints:
    """The snapshot of the project taken before the first change of a person's turn
    (one prompt, however many model steps and subagents it takes), for ``undo``.

    ``prompt`` is what the person asked; the undo point keeps its first line, so
    ``undo --list`` can say which turn each point undoes. A snapshot that fails (no
    git, say) is a warning for the ``done`` record, never a failed run: the change goes
    ahead without an undo point.
    """

    def __init__(self, snapshots: Any, session: Conversation, sink: SessionSink, warnings: list[str], prompt: str = "") -> None:
        self.snapshots, self.session, self.sink, self.warnings = snapshots, session, sink, warnings
        self.prompt = prompt
        self.taken = False

    async def take(self, message: dict[str, Any], turn: int) -> None:
        """Before a change: the turn's undo point, unless it has one already."""
        if self.taken or self.snapshots is None:
            return
        self.taken = True
        try:
            tree = await asyncio.to_thread(self.snapshots.take)
        except OpencodeError as error:
            self.warnings.append(f"no undo point for turn {turn}: {error.message}")
            return
        from datetime import datetime

        self.session.add_part(message, snapshot_part(tree))
        title = next((line.strip() for line in self.prompt.splitlines() if line.strip()), "")[:80]
        created = datetime.now().astimezone().isoformat(timespec="seconds")
        self.session.snapshots.append({"message": message["id"], "tree": tree, "prompt": title, "created": created})
        self.sink.save(self.session)


class ToolScheduler:
    """Runs one reply's tool calls; see the module docstring."""

    def __init__(
        self,
        registry: Registry,
        ctx: ToolContext,
        gate: Permissions,
        session: Conversation,
        sink: SessionSink,
        undo: UndoPoints,
        doom: DoomLoopGuard,
    ) -> None:
        self.registry, self.ctx, self.gate = registry, ctx, gate
        self.session, self.sink, self.undo, self.doom = session, sink, undo, doom

    async def run(self, message: dict[str, Any], calls: list[ToolCall], turn: int) -> AsyncIterator[dict[str, Any]]:
        prepared = [_prepare(call) for call in calls]
        for call, params, _ in prepared:
            yield protocol.record("tool_call", call_id=call.id, tool=call.name, input=params)
        await self.doom.check([(call.name, params) for call, params, _ in prepared])
        for group in self._groups(prepared):
            if any(self._writes(call.name, params) for call, params, _ in group):
                await self.undo.take(message, turn)
            parts = [self.session.add_part(message, tool_part(c.id, c.name, p)) for c, p, _ in group]
            outcomes = await asyncio.gather(*(self._execute(c, p, problem) for c, p, problem in group))
            for part, outcome in zip(parts, outcomes):
                self.session.update_part(part, status=outcome.status, output=outcome.output, metadata=outcome.metadata, error=outcome.message)
            # The group finished together: one save keeps every result of it.
            self.sink.save(self.session)
            for outcome in outcomes:
                yield outcome.record()

    def _groups(self, prepared: list[Prepared]) -> list[list[Prepared]]:
        """Consecutive concurrent calls together; every other call on its own."""
        groups: list[list[Prepared]] = []
        for item in prepared:
            if groups and self._concurrent(item) and self._concurrent(groups[-1][-1]):
                groups[-1].append(item)
            else:
                groups.append([item])
        return groups

    def _concurrent(self, item: Prepared) -> bool:
        call, _, problem = item
        if problem is not None or call.name not in self.registry.names():
            return False
        return self.registry.get(call.name).concurrent

    def _writes(self, name: str, params: dict[str, Any]) -> bool:
        """Whether a call may change files (so the turn needs an undo point first); a
        call that makes calls (``batch``) does when one of them does."""
        try:
            spec = self.registry.get(name)
        except OpencodeError:
            return False
        return spec.writes or any(self._writes(inner, args) for inner, args in spec.calls_within(params))

    async def _execute(self, call: ToolCall, params: dict[str, Any], problem: str | None) -> ToolOutcome:
        if problem is not None:
            return ToolOutcome(call.name, params, call_id=call.id, error=InvalidParams(problem))
        return await execute(self.registry, call.name, params, self.ctx, gate=self.gate, call_id=call.id)


def _prepare(call: ToolCall) -> Prepared:
    """The call's arguments as a mapping, or the reason they are not one."""
    try:
        params = call.parsed()
        if not isinstance(params, dict):
            raise ValueError("arguments must be a JSON object")
    except ValueError as exc:
        return call, {"_raw": call.arguments}, f"the arguments are not valid JSON ({exc}); send a JSON object"
    return call, params, None
