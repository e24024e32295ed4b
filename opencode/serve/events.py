"""The server's event bus: what ``GET /api/events`` streams to every client, so that
several browsers and terminals on one server see the same sessions change.

Each subscriber has a bounded queue; one that falls too far behind is dropped (its
stream ends, and it reconnects), so a stalled client never holds memory or the turn.
"""

from __future__ import annotations

import asyncio

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

QUEUE = 1000


class EventHub:
    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._subscribers.discard(queue)

    def publish(self, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self._subscribers.discard(queue)
                queue.get_nowait()
                queue.put_nowait(None)  # ends that subscriber's stream

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        for queue in list(self._subscribers):
            self.publish_end(queue)
        self._subscribers.clear()

    @staticmethod
    def publish_end(queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        try:
            queue.put_nowait(None)
        except asyncio.QueueFull:
            queue.get_nowait()
            queue.put_nowait(None)
