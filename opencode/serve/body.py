"""Reading a request: its JSON body, with malformed JSON a 400 rather than a crash."""

from __future__ import annotations

import json

from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from starlette.requests import Request


async def json_body(request: Request, *, empty: Any = None) -> Any:
    """The parsed body; ``empty`` when there is none (None: a body is required)."""
    raw = await request.body()
    if not raw.strip():
        if empty is None:
            raise UsageError("this route takes a JSON body")
        return empty
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"the body is not valid JSON: {exc}") from None


async def json_object(request: Request, *, empty: dict[str, Any] | None = None) -> dict[str, Any]:
    value = await json_body(request, empty=empty)
    if not isinstance(value, dict):
        raise UsageError("the body must be a JSON object")
    return value
