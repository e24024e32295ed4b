"""``POST /api/ask``: one question, as ``opencode ask`` asks it (``app.ask``), its
records as server-sent events: ``text_delta``s when streamed, then the ``message``;
a failure is its ``error`` record, last. ``input`` is what a pipe would give the
command (plain text or records), so a client can hand over its stdin."""

from __future__ import annotations

from starlette.routing import Route

from .. import protocol
from ..errors import OpencodeError
from . import sse
from .body import check_keys, json_object

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from starlette.requests import Request

    from .state import ServerState

#: The body's keys and their types (``AskOptions``' own names).
KEYS: dict[str, Any] = {
    "prompt": str, "files": list, "system": str, "model": str, "temperature": (int, float), "max_tokens": int,
    "schema": dict, "stream": bool, "cache": bool, "continue_last": bool, "session_id": str, "input": str,
}


def ask_options(body: dict[str, Any]) -> tuple[Any, Any]:
    from ..app.ask import AskOptions

    check_keys(body, KEYS)
    fields = {k: v for k, v in body.items() if k not in ("prompt", "input") and v is not None}
    piped = protocol.parse_input(body["input"]) if body.get("input") else None
    return AskOptions(body.get("prompt") or "", **fields), piped


def routes(state: ServerState) -> list[Route]:
    async def ask(request: Request):
        options, piped = ask_options(await json_object(request))
        if options.session_id:
            state.workspace.sessions.resolve(options.session_id)  # unknown: a 404 before anything runs
        workspace = state.workspace

        async def frames() -> AsyncIterator[bytes]:
            from ..app.ask import ask as ask_model

            try:
                async for record in ask_model(workspace, options, piped):
                    yield sse.frame(record)
            except OpencodeError as error:
                yield sse.frame(protocol.error_record(error.to_dict()))

        return sse.response(frames())

    return [Route("/api/ask", ask, methods=["POST"])]
