"""``GET /api/events``: the event bus as server-sent events (``session_event``,
``session_created``, ``session_deleted``, ``config_changed``), with heartbeats."""

from __future__ import annotations

from starlette.routing import Route

from .. import protocol
from . import sse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from starlette.requests import Request

    from .state import ServerState


def routes(state: ServerState) -> list[Route]:
    async def events(request: Request):
        queue = state.hub.subscribe()

        async def drain() -> AsyncIterator[dict[str, Any] | None]:
            try:
                yield protocol.record("hello", server="opencode")
                while (event := await queue.get()) is not None:
                    yield event
            finally:
                state.hub.unsubscribe(queue)

        return sse.response(sse.with_heartbeats(drain(), state.heartbeat))

    return [Route("/api/events", events, methods=["GET"])]
