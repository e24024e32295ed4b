"""OAuth 2.1 for remote MCP servers, as the SDK does it: discovery, dynamic client
registration, the authorization code with PKCE, refresh.

``opencode mcp auth NAME`` runs the flow once (``authorize``): a listener on a
loopback port takes the redirect, the authorization URL is printed (and opened in
the browser when a person is at a terminal), and the tokens are stored
(``tokens.TokenFile``, mode 0600). Every later connection to the server carries them
(``provider``); an expired access token is refreshed by the SDK before the request,
and the new tokens are stored. A run with nobody to sign in fails the server with a
message naming the command to run.
"""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from ..errors import ToolError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from .config import ServerConfig
    from .tokens import TokenFile

CALLBACK = "/callback"


class AuthRequired(ToolError):
    code = "mcp.auth"


class Callback:
    """A one-shot HTTP listener on 127.0.0.1 that takes the authorization redirect."""

    def __init__(self) -> None:
        self.result: dict[str, str] = {}
        self.done = threading.Event()
        callback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                url = urlparse(self.path)
                if url.path != CALLBACK:
                    self.send_error(404)
                    return
                callback.result = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = b"opencode: signed in. You can close this window.\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                callback.done.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{CALLBACK}"

    async def wait(self, timeout: float) -> Any:
        from mcp.shared.auth import AuthorizationCodeResult

        if not await asyncio.to_thread(self.done.wait, timeout):
            raise AuthRequired(f"no sign-in within {timeout:g} s")
        if "error" in self.result:
            raise AuthRequired(f"the authorization server refused: {self.result.get('error_description') or self.result['error']}")
        return AuthorizationCodeResult(code=self.result.get("code", ""), state=self.result.get("state"), iss=self.result.get("iss"))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def provider(server: ServerConfig, store: TokenFile, *, redirect_uri: str = "http://127.0.0.1/callback",
             on_redirect: Callable[[str], Any] | None = None, callback: Callback | None = None, timeout: float = 300) -> Any:
    """The SDK's OAuth provider for ``server`` with its stored tokens. Without
    ``on_redirect`` (a run, not ``mcp auth``), a server that wants a sign-in fails."""
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import OAuthClientMetadata

    from .tokens import ServerTokens

    tokens = ServerTokens(store, server.name, server.url)

    async def redirect(url: str) -> None:
        if on_redirect is None:
            raise AuthRequired(f"MCP server {server.name!r} needs you to sign in: run opencode mcp auth {server.name}")
        on_redirect(url)

    async def answer() -> Any:
        if callback is None:
            raise AuthRequired(f"MCP server {server.name!r} needs you to sign in: run opencode mcp auth {server.name}")
        return await callback.wait(timeout)

    class Provider(OAuthClientProvider):
        async def _initialize(self) -> None:
            await super()._initialize()
            self.context.token_expiry_time = tokens.expires_at()  # so a stale token is refreshed first

    metadata = OAuthClientMetadata(
        client_name="opencode", redirect_uris=[redirect_uri], grant_types=["authorization_code", "refresh_token"],
        response_types=["code"], token_endpoint_auth_method="none",
    )
    return Provider(server.url, metadata, tokens, redirect_handler=redirect, callback_handler=answer)


async def authorize(server: ServerConfig, store: TokenFile, env: Any, say: Callable[[str], None], *, browser: bool, timeout: float) -> int:
    """Sign in to ``server`` (a fresh registration), store the tokens; its tool count."""
    from mcp import Client

    from .remote import http_transport

    store.remove(server.name)
    callback = Callback()

    def on_redirect(url: str) -> None:
        say(f"Open this URL to sign in to {server.name}:\n  {url}")
        if browser:
            import webbrowser

            webbrowser.open(url)

    try:
        auth = provider(server, store, redirect_uri=callback.redirect_uri, on_redirect=on_redirect, callback=callback, timeout=timeout)
        headers = server.expanded(server.headers, env)
        async with Client(http_transport(server.url, headers, server.timeout, auth=auth), mode="legacy") as client:
            return len((await client.list_tools()).tools)
    finally:
        callback.close()
