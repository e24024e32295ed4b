"""``/api/sessions``: list, create, show, delete, the messages, and answers to a
turn's permission asks and questions. Each answer is a record of ``app.sessions``."""

from __future__ import annotations

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
    async def list_(request: Request) -> JSONResponse:
        from ..app.sessions import list_sessions

        return JSONResponse({"sessions": list_sessions(state.workspace)})

    async def create(request: Request) -> JSONResponse:
        from ..app.sessions import create as create_session

        body = await json_object(request, empty={})
        fields = {k: body.get(k) for k in ("title", "agent", "model")}
        unknown = set(body) - set(fields)
        if unknown or any(v is not None and not isinstance(v, str) for v in fields.values()):
            raise UsageError("a new session takes only the strings title, agent and model")
        record = create_session(state.workspace, **fields)
        state.hub.publish(protocol.record("session_created", session_id=record["id"], session=record))
        return JSONResponse(record, status_code=201)

    async def show(request: Request) -> JSONResponse:
        from ..app.sessions import show as show_session

        return JSONResponse(show_session(state.workspace, request.path_params["id"]))

    async def delete(request: Request) -> JSONResponse:
        from ..app.sessions import delete as delete_sessions

        records = delete_sessions(state.workspace, [request.path_params["id"]])
        for record in records:
            state.hub.publish(protocol.record("session_deleted", session_id=record["id"]))
        return JSONResponse(records[0])

    async def messages(request: Request) -> JSONResponse:
        from ..app.sessions import show as show_session

        detail = show_session(state.workspace, request.path_params["id"])
        return JSONResponse({"session_id": detail["id"], "messages": detail["messages"]})

    async def answer(request: Request) -> JSONResponse:
        body = await json_object(request)
        session_id, request_id = request.path_params["id"], request.path_params["request_id"]
        state.asks.answer(session_id, request_id, body.get("answer"))
        return JSONResponse(protocol.record("permission_answer", session_id=session_id, request_id=request_id, answer=body["answer"]))

    async def answer_questions(request: Request) -> JSONResponse:
        body = await json_object(request)
        session_id, request_id = request.path_params["id"], request.path_params["request_id"]
        state.asks.answer_questions(session_id, request_id, body.get("answers"))
        return JSONResponse(protocol.record("question_answer", session_id=session_id, request_id=request_id, answers=body["answers"]))

    return [
        Route("/api/sessions", list_, methods=["GET"]),
        Route("/api/sessions", create, methods=["POST"]),
        Route("/api/sessions/{id}", show, methods=["GET"]),
        Route("/api/sessions/{id}", delete, methods=["DELETE"]),
        Route("/api/sessions/{id}/messages", messages, methods=["GET"]),
        Route("/api/sessions/{id}/permissions/{request_id}", answer, methods=["POST"]),
        Route("/api/sessions/{id}/questions/{request_id}", answer_questions, methods=["POST"]),
    ]
