"""``GET /api/attach?nonce=``: the server proves it holds the token of its entry in
the user's runtime folder (``opencode.rendezvous``), so ``opencode ask`` and ``run``
hand their work only to a server this user started. Open to any caller (the proof
of a nonce gives nothing away) and only on a server that published an entry."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import Route

from .. import protocol
from ..rendezvous import prove

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.requests import Request

    from .state import ServerState

PATH = "/api/attach"
#: The header an attached command sends its token in.
TOKEN_HEADER = "x-opencode-token"


def routes(state: ServerState) -> list[Route]:
    async def hello(request: Request):
        nonce = request.query_params.get("nonce", "")
        if state.attach_token is None or not 16 <= len(nonce) <= 128:
            return JSONResponse(protocol.error_record({"code": "usage", "message": "no attach entry here, or a bad nonce"}), status_code=404)
        return JSONResponse({"proof": prove(state.attach_token, nonce)})

    return [Route(PATH, hello, methods=["GET"])]
