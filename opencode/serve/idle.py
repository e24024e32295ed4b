"""A server that stops itself after a while with nothing to do (``serve --idle``,
and the warm server that ``[server] keep_warm`` starts): no request in flight, and
none for the whole time. An open stream (a chat, a page watching ``/api/events``)
counts as work."""

from __future__ import annotations

import threading
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from starlette.types import ASGIApp, Receive, Scope, Send

class Activity:
    """ASGI middleware counting the requests in flight and when the last one ended."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.active = 0
        self.last = time.monotonic()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self.last = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.active else time.monotonic() - self.last


def stop_when_idle(server: Any, activity: Activity, idle: float) -> threading.Thread:
    """Tell ``server`` (uvicorn's) to exit once ``activity`` has been idle ``idle`` seconds."""

    def watch() -> None:
        while not server.should_exit:
            if activity.idle_for() >= idle:
                server.should_exit = True
                return
            time.sleep(min(1.0, idle / 10))

    thread = threading.Thread(target=watch, name="opencode-idle", daemon=True)
    thread.start()
    return thread
