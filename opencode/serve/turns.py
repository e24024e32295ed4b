"""One chat turn run for a client: an ``AgentTask`` (``app.run``) whose records go
into a queue that the route drains (JSON, SSE or WebSocket).

The records are exactly those ``opencode run --json`` writes, in the same order;
``permission_request`` and ``permission_answered`` records come in between when the
run asks. ``cancel()`` (a WebSocket ``cancel``, a client that went away) cancels the
run's task as chat's Esc does: the model stream and a running tool stop, and the run
ends with its ``error`` and ``done`` records. Every record is also published on the
event bus, as a ``session_event`` naming the session.
"""

from __future__ import annotations

import asyncio

from .. import protocol
from ..errors import UsageError
from .body import check_keys
from .bridge import HttpPerson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from .state import ServerState

END = None
#: The keys a chat request may carry besides the message.
OPTIONS = {
    "session_id": str, "agent": str, "model": str, "max_turns": int, "yes": bool, "allow": list, "timeout": (int, float), "input": str,
    "ask_person": bool,  # false: nobody can be asked, as in a headless opencode run (an ask is a denial at once)
}


def chat_request(body: Any, text_key: str = "message") -> dict[str, Any]:
    """A chat request's fields, checked: ``message`` (or the WebSocket's ``content``)
    and the options above. Anything else is a 400 that names the key."""
    if not isinstance(body, dict):
        raise UsageError("the body must be a JSON object")
    text = body.get(text_key, body.get("message" if text_key != "message" else "content"))
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{text_key!r} must be a non-empty string")
    check_keys(body, OPTIONS, skip=(text_key, "message", "content", "type"))
    return {"message": text, **{key: value for key, value in body.items() if key in OPTIONS}}


class Turn:
    def __init__(self, state: ServerState, request: dict[str, Any]) -> None:
        from ..app.run import AgentTask, TaskOptions

        self.state = state
        if request.get("session_id"):
            state.workspace.sessions.resolve(request["session_id"])  # unknown: a 404 before anything runs
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        options = TaskOptions(
            agent=request.get("agent"), model=request.get("model"), max_turns=request.get("max_turns"),
            timeout=request.get("timeout"), yes=bool(request.get("yes")), allow=tuple(request.get("allow") or ()),
            session=request.get("session_id"),
        )
        person = HttpPerson(state.asks, self.emit, self.session_id, state.permission_timeout) if request.get("ask_person", True) else None
        piped = protocol.parse_input(request["input"]) if request.get("input") else None  # what a pipe would give the CLI
        self.task = AgentTask(state.workspace, request["message"], options, piped=piped, person=person)
        self._consumer: asyncio.Task[None] | None = None

    def session_id(self) -> str | None:
        loop = self.task.loop
        return loop.session.id if loop is not None else None

    def emit(self, record: dict[str, Any]) -> None:
        self.queue.put_nowait(record)
        self.state.hub.publish(protocol.record("session_event", session_id=self.session_id() or record.get("session_id"), record=record))

    def start(self) -> Turn:
        self._consumer = asyncio.create_task(self._pump())
        return self

    async def _pump(self) -> None:
        try:
            async for record in self.task.records():
                self.emit(record)
                await asyncio.sleep(0)  # let the stream send it before the run goes on
        finally:
            self.queue.put_nowait(END)

    def cancel(self) -> None:
        if self._consumer is not None and not self._consumer.done():
            self._consumer.cancel()

    async def records(self) -> AsyncIterator[dict[str, Any]]:
        """The turn's records until its ``done``; leaving early cancels the turn."""
        try:
            while (record := await self.queue.get()) is not END:
                yield record
        finally:
            self.cancel()

    async def frames(self, heartbeat: float) -> AsyncIterator[bytes]:
        """The turn as server-sent events; leaving early cancels the turn."""
        from . import sse

        try:
            async for frame in sse.from_queue(self.queue, heartbeat):
                yield frame
        finally:
            self.cancel()

    async def wait(self) -> None:
        if self._consumer is not None:
            await asyncio.gather(self._consumer, return_exceptions=True)

    @property
    def exit_code(self) -> int:
        return self.task.exit_code
