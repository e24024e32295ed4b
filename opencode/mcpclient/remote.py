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
async def http_transport(url: str, headers: Mapping[str, str], timeout: float) -> AsyncIterator[Any]:
    import httpx2
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    if not await _speaks_streamable(url, headers, timeout):
        async with sse_client(url, headers=dict(headers), timeout=timeout) as streams:
            yield streams
        return
    async with httpx2.AsyncClient(headers=dict(headers), timeout=httpx2.Timeout(timeout, read=max(timeout, 300))) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            yield streams


async def _speaks_streamable(url: str, headers: Mapping[str, str], timeout: float) -> bool:
    """Whether ``url`` takes a streamable-HTTP POST: an SSE-only server answers 4xx
    (404 or 405); a network failure is left for the real connection to report."""
    import httpx2

    probe = {"jsonrpc": "2.0", "id": 0, "method": "ping"}
    accept = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    try:
        async with httpx2.AsyncClient(headers={**headers, **accept}, timeout=timeout) as http:
            response = await http.post(url, json=probe)
    except httpx2.HTTPError:
        return True
    return response.status_code not in (404, 405)
