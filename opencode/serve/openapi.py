"""The OpenAPI document of the server (``/openapi.json``) and a page that shows it
(``/docs``). The document is built from the route table, one summary per route, so
a route cannot exist without being described."""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.requests import Request

#: (method, path, summary) of every API route.
API: list[tuple[str, str, str]] = [
    ("GET", "/api/sessions", "List sessions, newest first (session records)"),
    ("POST", "/api/sessions", "Create an empty session: {title?, agent?, model?}"),
    ("GET", "/api/sessions/{id}", "One session (the session_detail record)"),
    ("DELETE", "/api/sessions/{id}", "Delete a session"),
    ("GET", "/api/sessions/{id}/messages", "A session's messages, as the session file keeps them"),
    ("POST", "/api/sessions/{id}/permissions/{request_id}", "Answer a permission_request: {answer: once|always|deny}"),
    ("POST", "/api/sessions/{id}/questions/{request_id}", "Answer a question_request: {answers: [one per question]}"),
    ("POST", "/api/chat/message", "Run one turn, answered whole: {message, session_id?, agent?, model?}"),
    ("POST", "/api/chat/stream", "Run one turn; its records as server-sent events"),
    ("GET", "/api/chat/ws", "WebSocket: {type: message, content, session_id?} in, records out; {type: cancel}"),
    ("POST", "/api/ask", "Ask one question as opencode ask does: {prompt, input?, files?, model?, stream?, ...}; records as SSE"),
    ("GET", "/api/tools", "The registry's tools with their JSON Schemas"),
    ("POST", "/api/tools/{name}", "Call a tool with the body as its parameters (the tool_result record)"),
    ("GET", "/api/files", "List a folder of the project: ?path= (the ls tool's record)"),
    ("GET", "/api/files/content", "A file of the project: ?path= (the read tool's record)"),
    ("GET", "/api/config", "The merged configuration, secrets masked"),
    ("PATCH", "/api/config", "Set keys in the project's opencode.toml: {dotted.key: value}"),
    ("GET", "/api/models", "Known models: ?provider=, ?local=1"),
    ("GET", "/api/events", "Server-sent events of every session, for clients to stay in sync"),
]


def document(version: str) -> dict:
    paths: dict[str, dict] = {}
    for method, path, summary in API:
        params = [{"name": name.strip("{}"), "in": "path", "required": True, "schema": {"type": "string"}} for name in path.split("/") if name.startswith("{")]
        paths.setdefault(path, {})[method.lower()] = {
            "summary": summary,
            "parameters": params,
            "responses": {"200": {"description": "a protocol record (docs/protocol.md)"}, "4XX": {"description": "an error record"}},
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "opencode server", "version": version},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "basic": {"type": "http", "scheme": "basic"}}},
        "paths": paths,
    }


def routes(version: str) -> list[Route]:
    async def spec(request: Request) -> JSONResponse:
        return JSONResponse(document(version))

    async def docs(request: Request) -> HTMLResponse:
        rows = "".join(
            f"<tr><td><code>{m}</code></td><td><code>{html.escape(p)}</code></td><td>{html.escape(s)}</td></tr>" for m, p, s in API
        )
        page = (
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>opencode API</title><h1>opencode server API</h1>"
            "<p>The machine-readable document: <a href=/openapi.json>/openapi.json</a>.</p>"
            f"<table><tr><th>method</th><th>path</th><th>what</th></tr>{rows}</table>"
        )
        return HTMLResponse(page)

    return [Route("/openapi.json", spec, methods=["GET"]), Route("/docs", docs, methods=["GET"])]
