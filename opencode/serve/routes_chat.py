"""``/api/chat``: a turn answered whole (``message``), as server-sent events
(``stream``), or over a WebSocket (``ws``: messages in, records out, ``cancel``).
Each is a ``Turn``; its records are those of ``opencode run --json``."""

from __future__ import annotations

import asyncio
import json

from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .. import protocol
from ..errors import OpencodeError, UsageError
from . import sse
from .body import json_body
from .errors import status_of
from .turns import Turn, chat_request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from starlette.requests import Request

    from .state import ServerState


def routes(state: ServerState) -> list[Route | WebSocketRoute]:
    async def message(request: Request) -> JSONResponse:
        turn = Turn(state, chat_request(await json_body(request))).start()
        records = [record async for record in turn.records()]
        return JSONResponse(summary(records, turn.exit_code), status_code=_status(records, turn.exit_code))

    async def stream(request: Request):
        turn = Turn(state, chat_request(await json_body(request))).start()
        return sse.response(turn.frames(state.heartbeat))

    async def ws(socket: WebSocket) -> None:
        await socket.accept()
        await WebSocketChat(state, socket).run()

    return [
        Route("/api/chat/message", message, methods=["POST"]),
        Route("/api/chat/stream", stream, methods=["POST"]),
        WebSocketRoute("/api/chat/ws", ws),
    ]


def summary(records: list[dict[str, Any]], exit_code: int) -> dict[str, Any]:
    """One complete answer: the final text, the session, the exit status, every record."""
    done = next((r for r in reversed(records) if r["type"] == "done"), None)
    texts = [r.get("text") or "" for r in records if r["type"] == "message" and r.get("role") == "assistant"]
    return {
        "session_id": done.get("session_id") if done else None,
        "text": texts[-1] if texts else "",
        "exit_code": exit_code,
        "records": records,
    }


def _status(records: list[dict[str, Any]], exit_code: int) -> int:
    """200 for a turn that ran, however it ended (its records say how); a run that
    could not start (an unknown agent, no key) gets the status of its error."""
    if exit_code == 0 or any(r["type"] == "step_start" for r in records):
        return 200
    error = next((r["error"] for r in records if r["type"] == "error"), {})
    return 409 if error.get("code") == "busy" else {2: 400, 3: 403, 4: 502}.get(exit_code, 200)


class WebSocketChat:
    """One WebSocket: each ``{"type": "message", "session_id"?, "content"}`` runs a
    turn whose records are sent as they come; ``{"type": "cancel"}`` stops it. One
    turn at a time; a message during a turn is refused with an ``error`` record."""

    def __init__(self, state: ServerState, socket: WebSocket) -> None:
        self.state, self.socket = state, socket
        self.turn: Turn | None = None
        self.sender: asyncio.Task[None] | None = None

    async def run(self) -> None:
        try:
            while (message := await self.socket.receive())["type"] != "websocket.disconnect":
                raw = message.get("text")
                if raw is None:  # a binary frame: JSON text expected, but decode what came
                    raw = (message.get("bytes") or b"").decode("utf-8", "replace")
                await self._handle(raw)
        except WebSocketDisconnect:
            pass
        finally:
            if self.turn is not None:
                self.turn.cancel()
            if self.sender is not None:
                await asyncio.gather(self.sender, return_exceptions=True)

    async def _handle(self, raw: str) -> None:
        try:
            incoming = json.loads(raw)
            kind = incoming.get("type") if isinstance(incoming, dict) else None
            if kind == "cancel":
                if self.turn is not None:
                    self.turn.cancel()
                return
            if kind != "message":
                raise UsageError('a message is {"type": "message", "content": ...} or {"type": "cancel"}')
            if self.sender is not None and not self.sender.done():
                raise UsageError("a turn is running on this socket: wait for its done record, or cancel it")
            self.turn = Turn(self.state, chat_request(incoming, "content")).start()
            self.sender = asyncio.create_task(self._send(self.turn))
        except ValueError as exc:
            await self.socket.send_text(protocol.dumps(protocol.error_record({"code": "usage", "message": f"not JSON: {exc}"})))
        except OpencodeError as error:
            record = protocol.error_record(error.to_dict())
            record["status"] = status_of(error)
            await self.socket.send_text(protocol.dumps(record))

    async def _send(self, turn: Turn) -> None:
        try:
            async for record in turn.records():
                await self.socket.send_text(protocol.dumps(record))
        except (WebSocketDisconnect, RuntimeError):
            turn.cancel()
