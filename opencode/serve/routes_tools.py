"""``/api/tools``: every registry tool, called as ``opencode tool call`` calls it (one
execution path, ``Workspace.call_tool``), answered with the same ``tool_result``
record; and ``/api/files``, the project's files through the ``ls`` and ``read``
tools, so the path rules (inside the project, no symlink out) are the tools' own."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import Route

from ..errors import UsageError
from .body import json_object
from .errors import error_response

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from starlette.requests import Request

    from .state import ServerState


def routes(state: ServerState) -> list[Route]:
    async def list_tools(request: Request) -> JSONResponse:
        tools = [
            {"name": spec.name, "description": spec.description, "parameters": spec.parameters, "permission": spec.permission}
            for spec in state.workspace.registry.specs()
        ]
        return JSONResponse({"tools": tools})

    async def call(request: Request) -> JSONResponse:
        return await _call(state, request.path_params["name"], await json_object(request, empty={}))

    async def files(request: Request) -> JSONResponse:
        return await _call(state, "ls", {"path": _path(request, ".")})

    async def content(request: Request) -> JSONResponse:
        return await _call(state, "read", {"path": _path(request)})

    return [
        Route("/api/tools", list_tools, methods=["GET"]),
        Route("/api/tools/{name}", call, methods=["POST"]),
        Route("/api/files", files, methods=["GET"]),
        Route("/api/files/content", content, methods=["GET"]),
    ]


async def _call(state: ServerState, name: str, params: dict[str, Any]) -> JSONResponse:
    outcome = await state.workspace.call_tool(name, params)
    if outcome.error is not None:
        return error_response(outcome.error, tool=name)
    return JSONResponse(outcome.record())


def _path(request: Request, default: str | None = None) -> str:
    """The ``path`` query parameter: relative to the project root, never absolute
    (the tools would take an absolute path inside the project; a browser has no
    business naming one)."""
    path = request.query_params.get("path", default)
    if not path:
        raise UsageError("give ?path=")
    if path.startswith(("/", "\\", "~")) or "\x00" in path:
        from ..errors import PermissionDenied

        raise PermissionDenied(f"{path}: give a path relative to the project")
    return path
