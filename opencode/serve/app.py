"""The ASGI app: the routes of each area, the guard (auth, origins, hosts), CORS, the
body cap, errors as JSON, and the web page's static files at ``/``.

``create_app`` is what any ASGI server runs (uvicorn here, with as many workers as
wanted: sessions are locked across processes, see ``session.lock``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from . import openapi, routes_ask, routes_attach, routes_recipes, routes_chat, routes_config, routes_events, routes_sessions, routes_tools
from .auth import Guard
from .errors import HANDLERS
from .limits import BodyLimit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .state import ServerState

#: The web page (``opencode web``): plain files, served as they are.
STATIC = Path(__file__).with_name("static")


def create_app(state: ServerState) -> Starlette:
    from .. import __version__

    routes = [
        *routes_sessions.routes(state),
        *routes_chat.routes(state),
        *routes_ask.routes(state),
        *routes_attach.routes(state),
        *routes_recipes.routes(state),
        *routes_tools.routes(state),
        *routes_config.routes(state),
        *routes_events.routes(state),
        *openapi.routes(__version__),
        Mount("/", StaticFiles(directory=STATIC, html=True), name="static"),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=state.origins, allow_methods=["GET", "POST", "PATCH", "DELETE"], allow_headers=["authorization", "content-type"]),
        Middleware(Guard, state=state),
        Middleware(BodyLimit, state=state),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers=HANDLERS)  # type: ignore[arg-type]
