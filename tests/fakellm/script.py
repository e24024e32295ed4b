"""What the fake model server replies: scripted ``Reply`` values.

A ``Reply`` is format-neutral: the same value is rendered as an OpenAI chat
completion, an Anthropic message, a Gemini response, a Bedrock Converse
response, a Cohere v2 chat response or an Ollama response, streamed or not,
depending on which endpoint the client called.

Build replies with the class methods::

    Reply.text("hello", chunks=5)
    Reply.tool_call("read", {"path": "a.py"}, text="Let me look.")
    Reply.tool_calls(("read", {"path": "a.py"}), ("grep", {"pattern": "x"}))
    Reply.error(429, headers={"Retry-After": "1"})
    Reply.stall("partial", after=1, seconds=30)
    Reply.malformed("ok", at=1)
    Reply.silent(seconds=30)                  # no status line, no headers, nothing
    Reply.text("hello").trickled(0.05)        # the body a byte at a time
    Reply.raw("<html>Sign in</html>", content_type="text/html")   # a 200 that is no completion

and refine them with ``.with_usage(...)``, ``.with_delay(...)``,
``.with_headers(...)``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

# Every wait in the server is bounded by these caps, whatever a script asks for.
MAX_CHUNK_DELAY = 10.0
MAX_STALL = 60.0


@dataclass(frozen=True)
class ToolCall:
    """One function call the model makes."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None

    @property
    def arguments_json(self) -> str:
        return json.dumps(dict(self.arguments))


@dataclass(frozen=True)
class Usage:
    """Token counts reported with a reply.

    ``input_tokens`` is the *total* prompt size, cached tokens included (the
    OpenAI convention, and what litellm reports as ``usage.prompt_tokens``);
    ``cached_tokens`` (read from the prompt cache) and ``cache_write_tokens``
    (written to it) are parts of it. Formats that count uncached input
    separately (Anthropic, Bedrock) get ``input - cached - cache_write``.
    ``None`` means "estimate": about one token per four characters.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def uncached_input_tokens(self) -> int:
        return max(0, (self.input_tokens or 0) - self.cached_tokens - self.cache_write_tokens)

    @property
    def total_tokens(self) -> int:
        return (self.input_tokens or 0) + (self.output_tokens or 0)


@dataclass(frozen=True)
class Reply:
    """One scripted reply (format-neutral). Prefer the class-method builders."""

    content: str = ""
    calls: tuple[ToolCall, ...] = ()
    chunks: int = 1  # text pieces when streamed
    arg_chunks: int = 2  # pieces of each tool call's JSON arguments, where the format streams them
    usage: Usage | None = None
    delay: float = 0.0  # seconds before each streamed content chunk
    first_delay: float | None = None  # seconds before the first chunk / the whole body (default: delay)
    status: int = 200
    error_body: Any = None  # dict/list (JSON), str or bytes; None = the format's own error shape
    headers: tuple[tuple[str, str], ...] = ()
    stall_after: int | None = None  # stall after this many content chunks (0 = right after the preamble)
    stall_seconds: float | None = None  # None = until the server stops (capped at MAX_STALL)
    stall_then: str = "close"  # "close" the connection, or "finish" the reply, after the stall
    malformed_at: int | None = None  # an invalid-JSON chunk after this many content chunks
    finish_reason: str | None = None  # override: "stop", "length", "tool_calls"
    no_headers: bool = False  # send nothing at all for stall_seconds, then close (no status line, no headers)
    trickle: float = 0.0  # seconds between the bytes of the body (headers go at once)
    raw_body: Any = None  # sent as the body, streamed request or not: bytes, str, or a dict/list (JSON)
    raw_type: str | None = None  # its Content-Type (default: from the body's kind)

    def __post_init__(self) -> None:
        if self.chunks < 1 or self.arg_chunks < 1:
            raise ValueError("chunks and arg_chunks must be >= 1")
        if self.stall_then not in ("close", "finish"):
            raise ValueError("stall_then must be 'close' or 'finish'")

    # -- builders -------------------------------------------------------
    @classmethod
    def text(cls, text: str, *, chunks: int = 1, **kw: Any) -> Reply:
        """A plain text answer, streamed in ``chunks`` pieces."""
        return cls(content=text, chunks=chunks, **kw)

    @classmethod
    def tool_call(cls, name: str, arguments: Mapping[str, Any] | None = None, *, id: str | None = None, text: str = "", **kw: Any) -> Reply:
        """One tool call, optionally preceded by text."""
        return cls(content=text, calls=(ToolCall(name, dict(arguments or {}), id),), **kw)

    @classmethod
    def tool_calls(cls, *calls: ToolCall | tuple | Mapping[str, Any], text: str = "", **kw: Any) -> Reply:
        """Several tool calls in one reply: ToolCall values, (name, args[, id]) tuples or {"name", "arguments", "id"} dicts."""
        return cls(content=text, calls=tuple(_as_call(c) for c in calls), **kw)

    @classmethod
    def error(cls, status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> Reply:
        """An HTTP error. ``body=None`` renders the provider's own error JSON."""
        if status < 400:
            raise ValueError("an error status is >= 400")
        return cls(status=status, error_body=body, headers=tuple((headers or {}).items()))

    @classmethod
    def stall(cls, text: str = "partial", *, after: int = 1, seconds: float | None = None, then: str = "close", chunks: int | None = None, **kw: Any) -> Reply:
        """Send headers and the first ``after`` content chunks, then hang.

        The stall lasts ``seconds`` (or until the server stops; capped at
        MAX_STALL); then the connection is closed mid-reply (``then="close"``)
        or the reply is completed (``then="finish"``). A non-streaming request
        gets nothing at all during the stall.
        """
        return cls(content=text, chunks=chunks or max(2, after + 1), stall_after=after, stall_seconds=seconds, stall_then=then, **kw)

    @classmethod
    def malformed(cls, text: str = "ok", *, at: int = 1, chunks: int | None = None, **kw: Any) -> Reply:
        """A stream with an invalid-JSON chunk after ``at`` good content chunks
        (a non-streaming request gets an invalid JSON body)."""
        return cls(content=text, chunks=chunks or max(2, at + 1), malformed_at=at, **kw)

    @classmethod
    def silent(cls, *, seconds: float | None = None) -> Reply:
        """Accept the request and send nothing, not even a status line, for ``seconds``
        (None: until the server stops; capped at MAX_STALL), then close the connection."""
        return cls(no_headers=True, stall_seconds=seconds)

    @classmethod
    def raw(cls, body: Any, *, content_type: str | None = None, status: int = 200, **kw: Any) -> Reply:
        """``body`` as it is, to a streamed request or not: an HTML page, ``{}``, JSON
        without choices. A dict or list is sent as JSON, a str as text, bytes as they are."""
        return cls(status=status, raw_body=body, raw_type=content_type, **kw)

    # -- modifiers --------------------------------------------------------
    def trickled(self, every: float) -> Reply:
        """This reply with its body sent a byte at a time, ``every`` seconds apart
        (capped at MAX_CHUNK_DELAY; the whole body at MAX_STALL, then the connection closes)."""
        return dataclasses.replace(self, trickle=every)

    def with_usage(self, input_tokens: int | None = None, output_tokens: int | None = None, cached_tokens: int = 0, cache_write_tokens: int = 0) -> Reply:
        return dataclasses.replace(self, usage=Usage(input_tokens, output_tokens, cached_tokens, cache_write_tokens))

    def with_delay(self, per_chunk: float, first: float | None = None) -> Reply:
        return dataclasses.replace(self, delay=per_chunk, first_delay=first)

    def with_headers(self, **headers: str) -> Reply:
        return dataclasses.replace(self, headers=self.headers + tuple((k.replace("_", "-"), v) for k, v in headers.items()))

    # -- helpers used by the renderers --------------------------------------
    @property
    def is_error(self) -> bool:
        return self.status >= 400

    def text_pieces(self) -> list[str]:
        return split(self.content, self.chunks)

    def arg_pieces(self, call: ToolCall) -> list[str]:
        return split(call.arguments_json, self.arg_chunks)

    def finish(self) -> str:
        """The OpenAI-style finish reason: an override, else tool_calls/stop."""
        if self.finish_reason:
            return self.finish_reason
        return "tool_calls" if self.calls else "stop"

    def resolved_usage(self, prompt_text: str) -> Usage:
        u = self.usage or Usage()
        inp = u.input_tokens if u.input_tokens is not None else max(1, len(prompt_text) // 4) + u.cached_tokens + u.cache_write_tokens
        out = u.output_tokens if u.output_tokens is not None else max(1, len(self.content) // 4) + 8 * len(self.calls)
        return Usage(inp, out, u.cached_tokens, u.cache_write_tokens)

    @property
    def chunk_delay(self) -> float:
        return min(max(0.0, self.delay), MAX_CHUNK_DELAY)

    @property
    def initial_delay(self) -> float:
        d = self.delay if self.first_delay is None else self.first_delay
        return min(max(0.0, d), MAX_CHUNK_DELAY)

    @property
    def byte_delay(self) -> float:
        return min(max(0.0, self.trickle), MAX_CHUNK_DELAY)

    def raw_payload(self) -> tuple[bytes, str]:
        """(bytes, content type) of a ``Reply.raw`` body."""
        body = self.raw_body
        if isinstance(body, bytes):
            return body, self.raw_type or "application/octet-stream"
        if isinstance(body, str):
            return body.encode(), self.raw_type or "text/plain; charset=utf-8"
        return json.dumps(body).encode(), self.raw_type or "application/json"

    @property
    def stall_duration(self) -> float:
        return MAX_STALL if self.stall_seconds is None else min(max(0.0, self.stall_seconds), MAX_STALL)


def split(text: str, n: int) -> list[str]:
    """``text`` in ``n`` pieces of about the same length (fewer if it is short; none if empty)."""
    if not text:
        return []
    size = max(1, math.ceil(len(text) / n))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _as_call(c: ToolCall | tuple | Mapping[str, Any]) -> ToolCall:
    if isinstance(c, ToolCall):
        return c
    if isinstance(c, tuple):
        return ToolCall(c[0], dict(c[1]) if len(c) > 1 else {}, c[2] if len(c) > 2 else None)
    if isinstance(c, Mapping):
        return ToolCall(c["name"], dict(c.get("arguments") or {}), c.get("id"))
    raise TypeError(f"not a tool call: {c!r}")


def as_replies(items: Iterable[Reply | str]) -> list[Reply]:
    """Plain strings are shorthand for ``Reply.text``."""
    return [Reply.text(i) if isinstance(i, str) else i for i in items]
