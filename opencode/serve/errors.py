"""Failures as HTTP answers: the pipe protocol's ``error`` record as the JSON body,
with the status that fits the error's class. Never a traceback: an unexpected
exception is a 500 whose body says only that, and the traceback goes to the log."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from .. import protocol
from ..errors import Busy, FileMissing, NotFound, OpencodeError, PermissionDenied, ProviderError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.requests import Request

log = logging.getLogger("opencode.serve")

#: The most specific class first.
STATUS: list[tuple[type[OpencodeError], int]] = [
    (NotFound, 404),
    (FileMissing, 404),
    (Busy, 409),
    (UsageError, 400),
    (PermissionDenied, 403),
    (ProviderError, 502),
]

HTTP_CODES = {400: "usage", 401: "auth.required", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def status_of(error: OpencodeError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 422  # a tool or check that ran and failed: the request itself was fine


def error_response(error: OpencodeError, tool: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(protocol.error_record(error.to_dict(), tool=tool), status_code=status_of(error), headers=headers)


def http_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = protocol.error_record({"code": HTTP_CODES.get(status, f"http.{status}"), "message": message})
    return JSONResponse(body, status_code=status, headers=headers)


async def on_opencode_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OpencodeError)
    return error_response(exc, getattr(exc, "tool", None))


async def on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return http_error(exc.status_code, exc.detail or "error", headers=getattr(exc, "headers", None))


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return http_error(500, "internal error (see the server's log)")


HANDLERS = {OpencodeError: on_opencode_error, HTTPException: on_http_exception, Exception: on_unexpected}
