"""Request bodies are capped (``[server] max_body``, 1 MiB by default): one that says
it is larger is refused before it is read, one that turns out larger while it is
read (no length given) stops being read. Both are a 413 with an error record."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from .errors import http_error

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from .state import ServerState


class BodyLimit:
    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.state.max_body
        too_large = f"the request body is larger than the server's limit of {limit} bytes ([server] max_body)"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                return await http_error(413, too_large)(scope, receive, send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, too_large)
            return message

        await self.app(scope, counted, send)
