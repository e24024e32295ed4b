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


def check_keys(body: dict[str, Any], keys: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
    """Every key of ``body`` (but ``skip``) is one of ``keys`` with a value of its type
    (or null); anything else is a 400 that names the key."""
    for key, value in body.items():
        if key in skip:
            continue
        wanted = keys.get(key)
        if wanted is None:
            raise UsageError(f"unknown key {key!r}", hint=f"known keys: {', '.join([*skip, *keys])}")
        if value is not None and (not isinstance(value, wanted) or isinstance(value, bool) and wanted is not bool):
            raise UsageError(f"{key!r} has the wrong type")
