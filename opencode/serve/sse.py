"""Server-sent events: one protocol record per event, in ``data:``, and a comment
line as a heartbeat while nothing happens, so proxies and clients see the stream is
alive and a client that went away is noticed within one beat."""

from __future__ import annotations

import asyncio

from starlette.responses import StreamingResponse

from .. import protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def frame(record: dict[str, Any]) -> bytes:
    """One event: ``event: TYPE``, ``data: RECORD`` (one JSON line), a blank line."""
    return f"event: {record.get('type', 'message')}\ndata: {protocol.dumps(record)}\n\n".encode()


HEARTBEAT = b": ping\n\n"


async def from_queue(queue: asyncio.Queue[dict[str, Any] | None], every: float) -> AsyncIterator[bytes]:
    """The frames of the records put in ``queue`` until a None, a heartbeat after each
    ``every`` seconds of quiet. Read straight from the queue, without a task per
    record: under load each extra hop through the event loop is a wait behind every
    other stream's work."""
    while True:
        try:
            record = queue.get_nowait()
        except asyncio.QueueEmpty:
            try:
                async with asyncio.timeout(every):
                    record = await queue.get()
            except TimeoutError:
                yield HEARTBEAT
                continue
        if record is None:
            return
        yield frame(record)


def response(frames: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(frames, media_type="text/event-stream", headers=HEADERS)
