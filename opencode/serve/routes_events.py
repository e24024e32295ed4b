"""``GET /api/events``: the event bus as server-sent events (``session_event``,
``session_created``, ``session_deleted``, ``config_changed``), with heartbeats."""

from __future__ import annotations

from starlette.routing import Route

from .. import protocol
from . import sse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import AsyncIterator

    from starlette.requests import Request

    from .state import ServerState


def routes(state: ServerState) -> list[Route]:
    async def events(request: Request):
        queue = state.hub.subscribe()
        queue.put_nowait(protocol.record("hello", server="opencode"))

        async def frames() -> AsyncIterator[bytes]:
            try:
                async for frame in sse.from_queue(queue, state.heartbeat):
                    yield frame
            finally:
                state.hub.unsubscribe(queue)

        return sse.response(frames())

    return [Route("/api/events", events, methods=["GET"])]
