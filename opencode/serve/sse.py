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


async def with_heartbeats(records: AsyncIterator[dict[str, Any] | None], every: float) -> AsyncIterator[bytes]:
    """The frames of ``records`` (ending at None or its end), a heartbeat after each
    ``every`` seconds of quiet."""
    iterator = records.__aiter__()
    pending: asyncio.Task | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(iterator.__anext__())
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield HEARTBEAT
                continue
            try:
                record = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            if record is None:
                return
            yield frame(record)
    finally:
        if pending is not None:
            pending.cancel()


def response(frames: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(frames, media_type="text/event-stream", headers=HEADERS)
