"""Reaching a remote server: streamable HTTP, and SSE for servers older than it.

The transport is tried as streamable HTTP first; when the server refuses that (an
HTTP 4xx to the first POST, as an SSE-only server gives), the same URL is tried over
SSE, as the MCP spec's backwards-compatibility section describes.
"""

from __future__ import annotations

import contextlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Mapping


@contextlib.asynccontextmanager
async def http_transport(url: str, headers: Mapping[str, str], timeout: float, auth: Any = None) -> AsyncIterator[Any]:
    """Streams to ``url``; ``auth`` is an httpx auth (the OAuth provider), or None."""
    import httpx2
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    if not await _speaks_streamable(url, headers, timeout, signed_in=auth is not None):
        async with sse_client(url, headers=dict(headers), timeout=timeout, auth=auth) as streams:
            yield streams
        return
    limits = httpx2.Timeout(timeout, read=max(timeout, 300))
    async with httpx2.AsyncClient(headers=dict(headers), timeout=limits, auth=auth) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            yield streams


async def _speaks_streamable(url: str, headers: Mapping[str, str], timeout: float, signed_in: bool) -> bool:
    """Whether ``url`` takes a streamable-HTTP POST: an SSE-only server answers 4xx
    (404 or 405); a network failure is left for the real connection to report. A 401
    without stored tokens means the server wants a sign-in (``AuthRequired``)."""
    import httpx2

    probe = {"jsonrpc": "2.0", "id": 0, "method": "ping"}
    accept = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    try:
        async with httpx2.AsyncClient(headers={**headers, **accept}, timeout=timeout) as http:
            response = await http.post(url, json=probe)
    except httpx2.HTTPError:
        return True
    if response.status_code == 401 and not signed_in:
        from .oauth import AuthRequired

        raise AuthRequired("it needs you to sign in: run opencode mcp auth NAME")
    return response.status_code not in (404, 405)
