"""Wire formats: how a format-neutral ``Reply`` is rendered for each provider API.

Each format renders a non-streaming JSON body, a list of stream frames (each
frame tagged as "content" or not: the role/preamble/finish frames are not
content, text and tool-call deltas are), an invalid chunk for ``Reply.malformed``
and the provider's error JSON.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from . import eventstream
from .script import Reply, Usage

Frame = tuple[bytes, bool]  # (bytes on the wire, is a content chunk)


@dataclass
class Ctx:
    model: str
    body: Any  # the parsed request body
    usage: Usage  # resolved token counts
    new_id: Callable[[str], str]  # new_id("call") -> "call_fake_7"
    created: int
    stream_usage: str = "requested"  # OpenAI streams: "requested" (stream_options.include_usage) or "always"

    def call_id(self, call, prefix: str) -> str:
        return call.id or self.new_id(prefix)


def sse(data: Any, event: str | None = None, sep: str = "\n") -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}{sep}" if event else ""
    return f"{head}data: {text}{sep}{sep}".encode()


def ndjson(data: Any) -> bytes:
    return (json.dumps(data) + "\n").encode()


STATUS_TEXT = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 503: "overloaded_error", 529: "overloaded_error"}


class Wire:
    name = "?"
    stream_content_type = "text/event-stream"
    chat = True  # consumes a scripted reply

    def is_stream(self, body: Any, path: str) -> bool:
        return bool(isinstance(body, dict) and body.get("stream"))

    def model(self, body: Any, match: dict[str, str]) -> str:
        return (body.get("model") if isinstance(body, dict) else None) or match.get("model") or "fake-model"

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        raise NotImplementedError

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        raise NotImplementedError

    def malformed(self) -> bytes:
        return sse("{not valid json")

    def error(self, status: int, message: str) -> tuple[Any, dict[str, str]]:
        return {"error": {"message": message, "type": STATUS_TEXT.get(status, "error"), "code": status}}, {}


# ---------------------------------------------------------------- OpenAI / Azure
class OpenAIChat(Wire):
    """OpenAI Chat Completions (also Azure OpenAI and every OpenAI-compatible provider)."""

    name = "openai"

    def model(self, body: Any, match: dict[str, str]) -> str:
        return match.get("deployment") or super().model(body, match)

    def _usage(self, ctx: Ctx) -> dict:
        u = ctx.usage
        return {
            "prompt_tokens": u.input_tokens,
            "completion_tokens": u.output_tokens,
            "total_tokens": u.total_tokens,
            "prompt_tokens_details": {"cached_tokens": u.cached_tokens},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }

    def _base(self, ctx: Ctx, rid: str, obj: str) -> dict:
        return {"id": rid, "object": obj, "created": ctx.created, "model": ctx.model, "system_fingerprint": "fp_fakellm", "service_tier": "default"}

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
        if reply.calls:
            message["tool_calls"] = [
                {"id": ctx.call_id(c, "call"), "type": "function", "function": {"name": c.name, "arguments": c.arguments_json}}
                for c in reply.calls
            ]
        out = self._base(ctx, ctx.new_id("chatcmpl"), "chat.completion")
        out["choices"] = [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish()}]
        out["usage"] = self._usage(ctx)
        return out

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        rid = ctx.new_id("chatcmpl")

        def chunk(delta: dict, finish: str | None = None) -> bytes:
            c = self._base(ctx, rid, "chat.completion.chunk")
            c["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
            return sse(c)

        frames: list[Frame] = [(chunk({"role": "assistant", "content": ""}), False)]
        frames += [(chunk({"content": p}), True) for p in reply.text_pieces()]
        for i, c in enumerate(reply.calls):
            head = {"index": i, "id": ctx.call_id(c, "call"), "type": "function", "function": {"name": c.name, "arguments": ""}}
            frames.append((chunk({"tool_calls": [head]}), True))
            frames += [(chunk({"tool_calls": [{"index": i, "function": {"arguments": p}}]}), True) for p in reply.arg_pieces(c)]
        frames.append((chunk({}, reply.finish()), False))
        opts = ctx.body.get("stream_options") if isinstance(ctx.body, dict) else None
        if ctx.stream_usage == "always" or (isinstance(opts, dict) and opts.get("include_usage")):
            last = self._base(ctx, rid, "chat.completion.chunk")
            last["choices"] = []
            last["usage"] = self._usage(ctx)
            frames.append((sse(last), False))
        frames.append((sse("[DONE]"), False))
        return frames


# ---------------------------------------------------------------- Anthropic
class AnthropicMessages(Wire):
    name = "anthropic"

    STOP = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}

    def _usage(self, ctx: Ctx, output: int | None = None) -> dict:
        u = ctx.usage
        return {
            "input_tokens": u.uncached_input_tokens,
            "output_tokens": u.output_tokens if output is None else output,
            "cache_creation_input_tokens": u.cache_write_tokens,
            "cache_read_input_tokens": u.cached_tokens,
        }

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        content: list[dict] = []
        if reply.content:
            content.append({"type": "text", "text": reply.content})
        for c in reply.calls:
            content.append({"type": "tool_use", "id": ctx.call_id(c, "toolu"), "name": c.name, "input": dict(c.arguments)})
        return {
            "id": ctx.new_id("msg"),
            "type": "message",
            "role": "assistant",
            "model": ctx.model,
            "content": content,
            "stop_reason": self.STOP.get(reply.finish(), reply.finish()),
            "stop_sequence": None,
            "usage": self._usage(ctx),
        }

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        def ev(name: str, data: dict, content: bool = False) -> Frame:
            return sse({"type": name, **data}, event=name), content

        start = {"id": ctx.new_id("msg"), "type": "message", "role": "assistant", "model": ctx.model, "content": [], "stop_reason": None, "stop_sequence": None, "usage": self._usage(ctx, output=1)}
        frames = [ev("message_start", {"message": start}), (sse({"type": "ping"}, event="ping"), False)]
        index = 0
        pieces = reply.text_pieces()
        if pieces:
            frames.append(ev("content_block_start", {"index": index, "content_block": {"type": "text", "text": ""}}))
            frames += [ev("content_block_delta", {"index": index, "delta": {"type": "text_delta", "text": p}}, True) for p in pieces]
            frames.append(ev("content_block_stop", {"index": index}))
            index += 1
        for c in reply.calls:
            block = {"type": "tool_use", "id": ctx.call_id(c, "toolu"), "name": c.name, "input": {}}
            frames.append(ev("content_block_start", {"index": index, "content_block": block}, True))
            frames += [ev("content_block_delta", {"index": index, "delta": {"type": "input_json_delta", "partial_json": p}}, True) for p in reply.arg_pieces(c)]
            frames.append(ev("content_block_stop", {"index": index}))
            index += 1
        stop = self.STOP.get(reply.finish(), reply.finish())
        frames.append(ev("message_delta", {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": {"output_tokens": ctx.usage.output_tokens}}))
        frames.append(ev("message_stop", {}))
        return frames

    def malformed(self) -> bytes:
        return sse("{not valid json", event="content_block_delta")

    def error(self, status: int, message: str) -> tuple[Any, dict[str, str]]:
        return {"type": "error", "error": {"type": STATUS_TEXT.get(status, "api_error"), "message": message}}, {}


# ---------------------------------------------------------------- Google Gemini
class Gemini(Wire):
    name = "gemini"

    FINISH = {"stop": "STOP", "tool_calls": "STOP", "length": "MAX_TOKENS"}
    STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

    def is_stream(self, body: Any, path: str) -> bool:
        return path.endswith(":streamGenerateContent")

    def model(self, body: Any, match: dict[str, str]) -> str:
        return match["model"]

    def _usage(self, ctx: Ctx) -> dict:
        u = ctx.usage
        out = {"promptTokenCount": u.input_tokens, "candidatesTokenCount": u.output_tokens, "totalTokenCount": u.total_tokens}
        if u.cached_tokens:
            out["cachedContentTokenCount"] = u.cached_tokens
        return out

    def _response(self, ctx: Ctx, rid: str, parts: list[dict], finish: str | None, usage: bool) -> dict:
        cand: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
        if finish:
            cand["finishReason"] = finish
        out: dict[str, Any] = {"candidates": [cand], "modelVersion": ctx.model, "responseId": rid}
        if usage:
            out["usageMetadata"] = self._usage(ctx)
        return out

    def _call_parts(self, reply: Reply) -> list[dict]:
        return [{"functionCall": {"name": c.name, "args": dict(c.arguments)}} for c in reply.calls]

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        parts = ([{"text": reply.content}] if reply.content else []) + self._call_parts(reply)
        return self._response(ctx, ctx.new_id("resp"), parts, self.FINISH.get(reply.finish(), "STOP"), True)

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        rid = ctx.new_id("resp")
        finish = self.FINISH.get(reply.finish(), "STOP")
        parts: list[list[dict]] = [[{"text": p}] for p in reply.text_pieces()]
        if reply.calls:  # Gemini sends function calls whole
            parts.append(self._call_parts(reply))
        if not parts:
            parts = [[{"text": ""}]]
        last = len(parts) - 1
        return [(sse(self._response(ctx, rid, p, finish if i == last else None, i == last), sep="\r\n"), True) for i, p in enumerate(parts)]

    def malformed(self) -> bytes:
        return sse("{not valid json", sep="\r\n")

    def error(self, status: int, message: str) -> tuple[Any, dict[str, str]]:
        return {"error": {"code": status, "message": message, "status": self.STATUS.get(status, "UNKNOWN")}}, {}


# ---------------------------------------------------------------- AWS Bedrock Converse
class BedrockConverse(Wire):
    name = "bedrock"
    stream_content_type = "application/vnd.amazon.eventstream"

    STOP = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}
    ERROR_TYPE = {400: "ValidationException", 401: "UnrecognizedClientException", 403: "AccessDeniedException", 404: "ResourceNotFoundException", 408: "ModelTimeoutException", 429: "ThrottlingException", 500: "InternalServerException", 503: "ServiceUnavailableException"}

    def is_stream(self, body: Any, path: str) -> bool:
        return path.endswith("/converse-stream")

    def model(self, body: Any, match: dict[str, str]) -> str:
        return match["model"]

    def _usage(self, ctx: Ctx) -> dict:
        u = ctx.usage
        out = {"inputTokens": u.uncached_input_tokens, "outputTokens": u.output_tokens, "totalTokens": u.total_tokens}
        if u.cached_tokens or u.cache_write_tokens:
            out["cacheReadInputTokens"] = u.cached_tokens
            out["cacheWriteInputTokens"] = u.cache_write_tokens
        return out

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        content: list[dict] = [{"text": reply.content}] if reply.content else []
        content += [{"toolUse": {"toolUseId": ctx.call_id(c, "tooluse"), "name": c.name, "input": dict(c.arguments)}} for c in reply.calls]
        return {
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": self.STOP.get(reply.finish(), reply.finish()),
            "usage": self._usage(ctx),
            "metrics": {"latencyMs": 1},
        }

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        ev = eventstream.event
        frames: list[Frame] = [(ev("messageStart", {"role": "assistant"}), False)]
        index = 0
        pieces = reply.text_pieces()
        if pieces:
            frames += [(ev("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": p}}), True) for p in pieces]
            frames.append((ev("contentBlockStop", {"contentBlockIndex": index}), False))
            index += 1
        for c in reply.calls:
            start = {"toolUse": {"toolUseId": ctx.call_id(c, "tooluse"), "name": c.name}}
            frames.append((ev("contentBlockStart", {"contentBlockIndex": index, "start": start}), True))
            frames += [(ev("contentBlockDelta", {"contentBlockIndex": index, "delta": {"toolUse": {"input": p}}}), True) for p in reply.arg_pieces(c)]
            frames.append((ev("contentBlockStop", {"contentBlockIndex": index}), False))
            index += 1
        frames.append((ev("messageStop", {"stopReason": self.STOP.get(reply.finish(), reply.finish())}), False))
        frames.append((ev("metadata", {"usage": self._usage(ctx), "metrics": {"latencyMs": 1}}), False))
        return frames

    def malformed(self) -> bytes:
        return eventstream.event("contentBlockDelta", b"{not valid json")

    def error(self, status: int, message: str) -> tuple[Any, dict[str, str]]:
        kind = self.ERROR_TYPE.get(status, "InternalServerException")
        return {"message": message}, {"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"}


# ---------------------------------------------------------------- Cohere v2 chat
class CohereV2(Wire):
    """Cohere ``/v2/chat``. The stream is JSON lines, not SSE: litellm 1.106 parses
    every line with ``json.loads``, and reads the end event as
    ``{"event": "message-end", "data": {"delta": ...}}`` and tool-call deltas as
    ``delta.tool_calls[0] = {id, name, arguments}``; the events below carry both
    that shape and Cohere's documented one."""

    name = "cohere"
    stream_content_type = "application/x-ndjson"

    FINISH = {"stop": "COMPLETE", "tool_calls": "TOOL_CALL", "length": "MAX_TOKENS"}

    def _usage(self, ctx: Ctx) -> dict:
        u = ctx.usage
        t = {"input_tokens": u.input_tokens, "output_tokens": u.output_tokens}
        return {"billed_units": dict(t), "tokens": dict(t)}

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        message: dict[str, Any] = {"role": "assistant"}
        if reply.content:
            message["content"] = [{"type": "text", "text": reply.content}]
        if reply.calls:
            message["tool_calls"] = [{"id": ctx.call_id(c, "call"), "type": "function", "function": {"name": c.name, "arguments": c.arguments_json}} for c in reply.calls]
        return {"id": ctx.new_id("cohere"), "finish_reason": self.FINISH.get(reply.finish(), "COMPLETE"), "message": message, "usage": self._usage(ctx)}

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        rid = ctx.new_id("cohere")
        frames: list[Frame] = [(ndjson({"type": "message-start", "id": rid, "delta": {"message": {"role": "assistant", "content": [], "tool_calls": []}}}), False)]
        pieces = reply.text_pieces()
        if pieces:
            frames.append((ndjson({"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}}), False))
            frames += [(ndjson({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": p}}}}), True) for p in pieces]
            frames.append((ndjson({"type": "content-end", "index": 0}), False))
        for i, c in enumerate(reply.calls):
            cid = ctx.call_id(c, "call")
            for j, p in enumerate(reply.arg_pieces(c)):
                flat = {"id": cid, "name": c.name, "arguments": p} if j == 0 else {"arguments": p}
                documented = {"id": cid, "type": "function", "function": {"name": c.name, "arguments": p}} if j == 0 else {"function": {"arguments": p}}
                frames.append((ndjson({"type": "tool-call-delta", "index": i, "delta": {"tool_calls": [flat], "message": {"tool_calls": documented}}}), True))
            frames.append((ndjson({"type": "tool-call-end", "index": i}), False))
        end = {"finish_reason": self.FINISH.get(reply.finish(), "COMPLETE"), "usage": self._usage(ctx)}
        frames.append((ndjson({"type": "message-end", "event": "message-end", "delta": end, "data": {"delta": end}}), False))
        return frames

    def malformed(self) -> bytes:
        return b"{not valid json\n"

    def error(self, status: int, message: str) -> tuple[Any, dict[str, str]]:
        return {"message": message}, {}


# ---------------------------------------------------------------- Ollama
class OllamaChat(Wire):
    name = "ollama_chat"
    stream_content_type = "application/x-ndjson"

    def is_stream(self, body: Any, path: str) -> bool:
        return not (isinstance(body, dict) and body.get("stream") is False)  # Ollama streams by default

    def _done(self, reply: Reply, ctx: Ctx) -> dict:
        return {
            "done": True,
            "done_reason": "length" if reply.finish() == "length" else "stop",
            "total_duration": 1000,
            "load_duration": 10,
            "prompt_eval_count": ctx.usage.input_tokens,
            "prompt_eval_duration": 100,
            "eval_count": ctx.usage.output_tokens,
            "eval_duration": 100,
        }

    def _head(self, ctx: Ctx) -> dict:
        return {"model": ctx.model, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(ctx.created))}

    def _calls(self, reply: Reply) -> list[dict]:
        return [{"function": {"name": c.name, "arguments": dict(c.arguments)}} for c in reply.calls]

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if reply.calls:
            message["tool_calls"] = self._calls(reply)
        return {**self._head(ctx), "message": message, **self._done(reply, ctx)}

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        frames: list[Frame] = [(ndjson({**self._head(ctx), "message": {"role": "assistant", "content": p}, "done": False}), True) for p in reply.text_pieces()]
        if reply.calls:  # Ollama sends tool calls whole
            frames.append((ndjson({**self._head(ctx), "message": {"role": "assistant", "content": "", "tool_calls": self._calls(reply)}, "done": False}), True))
        frames.append((ndjson({**self._head(ctx), "message": {"role": "assistant", "content": ""}, **self._done(reply, ctx)}), False))
        return frames

    def malformed(self) -> bytes:
        return b"{not valid json\n"

    def error(self, status: int, message: str) -> tuple[Any, dict[str, str]]:
        return {"error": message}, {}


class OllamaGenerate(OllamaChat):
    """``/api/generate`` (litellm's ``ollama/`` prefix). Tool calls are rendered the
    way litellm's JSON-mode function calling expects them: the response text is
    ``{"name": ..., "arguments": {...}}`` (first call only)."""

    name = "ollama"

    def _text(self, reply: Reply) -> str:
        if reply.calls:
            c = reply.calls[0]
            return json.dumps({"name": c.name, "arguments": dict(c.arguments)})
        return reply.content

    def body(self, reply: Reply, ctx: Ctx) -> Any:
        return {**self._head(ctx), "response": self._text(reply), "context": [], **self._done(reply, ctx)}

    def frames(self, reply: Reply, ctx: Ctx) -> list[Frame]:
        from .script import split

        pieces = split(self._text(reply), reply.chunks)
        frames: list[Frame] = [(ndjson({**self._head(ctx), "response": p, "done": False}), True) for p in pieces]
        frames.append((ndjson({**self._head(ctx), "response": "", "context": [], **self._done(reply, ctx)}), False))
        return frames
