"""Who may talk to the server: the guard in front of every route, HTTP, SSE and
WebSocket alike.

- Loopback only, unless a password is set (``check_bind``, before anything binds).
- With ``OPENCODE_SERVER_PASSWORD``, every request carries it, as
  ``Authorization: Bearer PASSWORD`` or HTTP Basic (any user name), compared in
  constant time (``hmac.compare_digest``).
- A browser page from another origin is refused (a request with an ``Origin`` that
  is not the server's own or one in ``[server] cors``): a page on the web cannot
  drive the agent on this machine, over fetch or a WebSocket.
- A command of the same user attached to the server (``opencode ask``, ``run``) shows
  the token of the server's entry in the user's runtime folder instead
  (``X-Opencode-Token``, see ``opencode.rendezvous``).
- The ``Host`` header must name the server (when it is on loopback), so a DNS name
  pointed at 127.0.0.1 does not make another site the server's "own origin".
"""

from __future__ import annotations

import base64
import hmac
import ipaddress

from .. import protocol
from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from .state import ServerState

PASSWORD_ENV = "OPENCODE_SERVER_PASSWORD"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, password: str | None) -> None:
    """Refuse to listen beyond this machine without a password (exit 2)."""
    if not is_loopback(host) and not password:
        raise UsageError(
            f"refusing to listen on {host} without a password: anyone who can reach it could run the agent here",
            hint=f"set {PASSWORD_ENV}, or keep the default --host 127.0.0.1",
        )


def authorized(header: str | None, password: str) -> bool:
    if not header:
        return False
    scheme, _, value = header.partition(" ")
    given = value.strip()
    if scheme.lower() == "basic":
        try:
            given = base64.b64decode(given, validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    elif scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


def attached(headers: dict[str, str], state: ServerState, path: str) -> bool:
    """A command of this server's user (warm attach: the token of its entry in the
    user's runtime folder), or the proof route, which is open to anyone."""
    from .routes_attach import PATH, TOKEN_HEADER

    if path == PATH:
        return True
    token = headers.get(TOKEN_HEADER)
    return bool(token and state.attach_token and hmac.compare_digest(token.encode("utf-8"), state.attach_token.encode("utf-8")))


class Guard:
    """ASGI middleware applying the rules of the module docstring."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        problem = self._problem(headers, scope.get("path", ""))
        if problem is None:
            return await self.app(scope, receive, send)
        status, message = problem
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008, "reason": message})
        await _refuse(send, status, message, self.state.password is not None and status == 401)

    def _problem(self, headers: dict[str, str], path: str) -> tuple[int, str] | None:
        state = self.state
        host = headers.get("host", "").lower()
        if state.hosts and host not in state.hosts and host.rpartition(":")[0] not in state.hosts:
            return 403, "unknown Host header"
        origin = headers.get("origin")
        if origin is not None and origin not in state.origins and origin.lower() not in (f"http://{host}", f"https://{host}"):
            return 403, f"origin {origin} is not allowed (see [server] cors)"
        if state.password is not None and not authorized(headers.get("authorization"), state.password) and not attached(headers, state, path):
            return 401, "this server needs its password (Authorization: Bearer, or HTTP Basic)"
        return None


async def _refuse(send: Send, status: int, message: str, challenge: bool) -> None:
    body = protocol.dumps(protocol.error_record({"code": "auth.required" if status == 401 else "forbidden", "message": message})).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if challenge:
        headers.append((b"www-authenticate", b'Basic realm="opencode"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
