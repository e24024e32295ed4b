"""One question, one answer: the engine behind ``opencode ask`` and recipe ask steps.

``answer`` consults the response cache for a repeated question (a streamed answer
comes straight from ``client.stream``). ``answer_json`` asks for JSON matching a
schema, validates it, retries once with the validation error, and raises
``CheckFailed`` (exit 6) when the answer still does not fit.
"""

from __future__ import annotations

import json
import re

from ..errors import CheckFailed, UsageError
from ..protocol import loads
from .types import Completion, Request, add_cost

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .cache import ResponseCache
    from .types import ModelClient


async def answer(client: ModelClient, request: Request, cache: ResponseCache | None = None) -> Completion:
    """One non-streamed answer, from the cache when it holds this very request."""
    if cache is not None:
        hit = cache.get(request)
        if hit is not None:
            return hit
    completion = await client.complete(request)
    if cache is not None and not completion.tool_calls:
        cache.put(request, completion)
    return completion


def load_schema(value: str) -> dict[str, Any]:
    """A JSON Schema given inline or as ``@file``; a bad one is a usage error."""
    import jsonschema

    text = value
    if value.startswith("@"):
        try:
            with open(value[1:], encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read schema file {value[1:]}: {exc.strerror}") from None
    try:
        schema = loads(text)
    except ValueError as exc:
        raise UsageError(f"--schema is not valid JSON: {exc}") from None
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise UsageError(f"--schema is not a valid JSON Schema: {exc.message}") from None
    return schema


def schema_instruction(schema: dict[str, Any]) -> str:
    return (
        "Answer with a single JSON value and nothing else: no prose, no code fences. "
        f"It must validate against this JSON Schema:\n{json.dumps(schema)}"
    )


def parse_json_reply(text: str, schema: dict[str, Any]) -> tuple[Any, str | None]:
    """(value, None) when ``text`` is JSON matching ``schema``, else (None, the problem)."""
    import jsonschema

    body = text.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, re.S)
    if fenced:
        body = fenced.group(1)
    try:
        value = loads(body)
    except ValueError as exc:
        return None, f"not valid JSON ({exc})"
    error = jsonschema.exceptions.best_match(jsonschema.validators.validator_for(schema)(schema).iter_errors(value))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        return None, f"at {where}: {error.message}"
    return value, None


async def answer_json(client: ModelClient, request: Request, schema: dict[str, Any], cache: ResponseCache | None = None) -> tuple[Completion, Any]:
    """Ask for JSON matching ``schema``; one retry carrying the validation error."""
    messages = [{"role": "system", "content": schema_instruction(schema)}, *request.messages]
    first = Request(request.model, messages, temperature=request.temperature, max_tokens=request.max_tokens)
    completion = await answer(client, first, cache)
    value, problem = parse_json_reply(completion.text, schema)
    if problem is None:
        return completion, value
    retry_messages = [
        *messages,
        {"role": "assistant", "content": completion.text},
        {"role": "user", "content": f"That answer is invalid: {problem}. Reply again with only the corrected JSON."},
    ]
    retry = Request(request.model, retry_messages, temperature=request.temperature, max_tokens=request.max_tokens)
    second = await answer(client, retry)
    second.usage = completion.usage + second.usage
    second.cost_usd = add_cost(completion.cost_usd, second.cost_usd)
    value, problem = parse_json_reply(second.text, schema)
    if problem is not None:
        raise CheckFailed(f"the answer does not match the schema after a retry: {problem}", hint=second.text[:500])
    return second, value
