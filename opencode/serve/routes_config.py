"""``/api/config`` (secrets masked; PATCH writes the project's opencode.toml) and
``/api/models``."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse
from starlette.routing import Route

from .. import protocol
from ..errors import UsageError
from .body import json_object

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.requests import Request

    from .state import ServerState


def routes(state: ServerState) -> list[Route]:
    async def show(request: Request) -> JSONResponse:
        from ..app.settings import show as config_record

        return JSONResponse(config_record(state.workspace, origin=request.query_params.get("origin") == "1"))

    async def patch(request: Request) -> JSONResponse:
        """``{"dotted.key": value, ...}``: each value written as TOML."""
        from ..app.settings import set_value

        body = await json_object(request)
        if not body:
            raise UsageError('give {"dotted.key": value, ...}')
        changed, warnings = [], []
        for key, value in body.items():
            raw = value if isinstance(value, str) else json.dumps(value)
            record, more = set_value(state.workspace, key, raw)
            changed.append(record)
            warnings += more
        state.reload()
        state.hub.publish(protocol.record("config_changed", keys=list(body)))
        return JSONResponse({"changed": changed, "warnings": warnings})

    async def models(request: Request) -> JSONResponse:
        from ..llm.catalog import known_models, local_models

        rows = known_models(request.query_params.get("provider") or None)
        if request.query_params.get("local") == "1":
            rows += local_models(state.workspace.config)
        return JSONResponse({"models": [protocol.record("model", **row) for row in rows]})

    return [
        Route("/api/config", show, methods=["GET"]),
        Route("/api/config", patch, methods=["PATCH"]),
        Route("/api/models", models, methods=["GET"]),
    ]
