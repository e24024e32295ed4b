"""The only module that imports litellm.

Talking to a provider lives here: the call, streaming, one idle timeout for every
wait (see ``Settings``), the retry loop (``_attempts``; when to retry is
``llm.retry``), usage and cost from litellm's bundled price map. What a failure
means is ``llm.failures``: litellm's exceptions become ours there. It works the same
in a one-shot command and in a long-lived process (a server, a chat).

``LiteLLMClient`` is the ``ModelClient`` the rest of opencode is handed. The process
environment litellm reads at import is the face's to set (``llm.environment``).
"""

from __future__ import annotations

import asyncio
import time

from ..errors import NetworkError
from .failures import classify, convert, not_a_completion
from .retry import Retries
from .types import Completion, Event, Request, ToolCall, Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Awaitable, Callable, NoReturn

    from .failures import Failure

_litellm = None


def litellm():
    """Import litellm once, configured to stay offline and quiet."""
    global _litellm
    if _litellm is None:
        import logging

        import litellm as module

        module.suppress_debug_info = True
        module.drop_params = True
        module.telemetry = False
        module.turn_off_message_logging = True  # prompts and keys stay out of its logs
        # Token counting for some models would fetch a tokenizer from a hub at run
        # time; count with the bundled tokenizer instead, never a surprise download.
        module.disable_hf_tokenizer_download = True
        for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx"):
            logging.getLogger(name).setLevel(logging.ERROR)
        # litellm loads its tokenizer on the first streamed chunk; load it now, before
        # any request is sent, so the first token is shown as soon as it arrives.
        import litellm.litellm_core_utils.default_encoding  # noqa: F401

        # Its first call imports the OpenAI SDK's chat resources (a third of a second,
        # more on a busy machine), whatever the provider: import them now too, so that
        # the idle timeout measures the provider, not our own start-up.
        import openai.resources.chat  # noqa: F401

        _litellm = module
    return _litellm


#: How much longer than ``idle_timeout`` a whole wait may last; see ``_within``.
GRACE_S = 2.0


class Settings:
    """Reliability knobs, from ``[llm]`` in config.

    ``idle_timeout`` is the longest a call waits with nothing to show: for the reply's
    headers and then for each chunk of a stream, and for the whole of a reply that is
    not streamed (nothing of it is usable before its end). A server that stalls, never
    answers, or trickles bytes too slowly to make a chunk fails after it (give or take
    ``GRACE_S``), once: a timeout is not retried. ``retry_budget`` bounds the time a
    call may spend on retries (``llm.retry``), ``max_retries`` their number.
    """

    def __init__(self, idle_timeout: float = 120, connect_timeout: float = 10, max_retries: int = 3, retry_budget: float = 60) -> None:
        self.idle_timeout, self.connect_timeout = idle_timeout, connect_timeout
        self.max_retries, self.retry_budget = max_retries, retry_budget

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        return cls(
            idle_timeout=float(config.get("llm.idle_timeout", 120)),
            connect_timeout=float(config.get("llm.connect_timeout", 10)),
            max_retries=int(config.get("llm.max_retries", 3)),
            retry_budget=float(config.get("llm.retry_budget", 60)),
        )


class LiteLLMClient:
    """The ``ModelClient`` of every real provider: litellm with our timeouts and retries."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    def stream(self, request: Request) -> AsyncIterator[Event]:
        return stream(request, self.settings)

    async def complete(self, request: Request) -> Completion:
        return await complete(request, self.settings)

    def context_window(self, model: Any) -> int | None:
        """litellm's figure for the model's input size, None when it has none."""
        try:
            info = litellm().get_model_info(model.litellm_model)
        except Exception:  # noqa: BLE001 - litellm raises for models it does not list
            return None
        window = info.get("max_input_tokens") or info.get("max_tokens")
        return int(window) if window else None


async def stream(request: Request, settings: Settings) -> AsyncIterator[Event]:
    """Stream one completion. Retries happen only before the first chunk arrives."""
    litellm()  # imported before the clock starts: duration_ms is the provider's time
    started = time.monotonic()

    async def first_chunk():
        response = await _call(request, settings, stream=True)
        chunks = response.__aiter__()
        return chunks, await _next_chunk(chunks, request, settings)

    async for kind, value in _attempts(request, settings, first_chunk):
        if kind == "retry":
            yield (kind, value)
    chunks, chunk = value
    collector = _Collector()
    try:
        while chunk is not None:
            for event in collector.add(chunk):
                yield event
            chunk = await _next_chunk(chunks, request, settings)
    except Exception as exc:  # noqa: BLE001
        _fail(exc, request)
    if not collector.evidence:  # a 200 litellm could not read as a stream (an HTML page, {})
        raise not_a_completion(request, f"the stream held no completion{_content_type(chunks)}")
    yield ("done", collector.finish(request, started))


async def complete(request: Request, settings: Settings) -> Completion:
    """One non-streamed completion, with the same retries and error handling."""
    litellm()
    started = time.monotonic()
    async for _kind, response in _attempts(request, settings, lambda: _call(request, settings, stream=False)):
        pass
    try:
        return _from_response(response, request, started)
    except Exception as exc:  # noqa: BLE001
        _fail(exc, request)


async def _attempts(request: Request, settings: Settings, start: Callable[[], Awaitable[Any]]) -> AsyncIterator[Event]:
    """Call ``start`` until it succeeds or may not be retried: ("retry", info) before
    each wait, then ("ok", what ``start`` returned). The one retry loop of this module."""
    retries = Retries(settings)
    while True:
        try:
            value = await start()
        except Exception as exc:  # noqa: BLE001 - every provider failure is classified
            failure = classify(exc)
            delay = retries.delay(failure)
            if delay is None:
                _fail(exc, request, failure, retries.note)
            yield ("retry", {"attempt": retries.made, "delay_s": round(delay, 2), "reason": failure.reason})
            await asyncio.sleep(delay)
            continue
        yield ("ok", value)
        return


async def _call(request: Request, settings: Settings, *, stream: bool):
    import httpx

    lib = litellm()
    kwargs: dict[str, Any] = request.model.call_kwargs()
    kwargs.update(
        messages=request.messages,
        stream=stream,
        # Silence on the socket ends the call after idle_timeout; _within watches the
        # rest (a reply that keeps the socket busy without ever completing).
        timeout=httpx.Timeout(settings.idle_timeout, connect=settings.connect_timeout),
        num_retries=0,
        max_retries=0,
    )
    if stream:
        kwargs["stream_options"] = {"include_usage": True}
    if request.tools:
        kwargs["tools"] = request.tools
    if request.temperature is not None:
        kwargs["temperature"] = request.temperature
    if request.max_tokens is not None:
        kwargs["max_tokens"] = request.max_tokens
    if request.response_format is not None:
        kwargs["response_format"] = request.response_format
    what = "no response" if stream else "no complete reply"
    return await _within(lib.acompletion(**kwargs), request, settings, f"{what} from {_where(request)} within {{s}}")


async def _next_chunk(chunks, request: Request, settings: Settings):
    try:
        return await _within(chunks.__anext__(), request, settings, "the stream stalled: no new chunk within {s}")
    except StopAsyncIteration:
        return None


async def _within(awaitable: Awaitable[Any], request: Request, settings: Settings, what: str) -> Any:
    """``awaitable``, or a NetworkError when it times out (``what`` says what did not
    come, ``{s}`` standing for the time).

    Two watches: the socket's read timeout (``idle_timeout`` of silence, set in
    ``_call``), and this one over the whole wait, ``GRACE_S`` longer, for a server that
    keeps the socket busy without a reply ever completing (a byte at a time). The
    grace also keeps litellm's own work before the request leaves from counting."""
    try:
        return await asyncio.wait_for(awaitable, timeout=settings.idle_timeout + GRACE_S)
    except StopAsyncIteration:
        raise
    except Exception as exc:  # noqa: BLE001 - only timeouts are ours to word
        if not isinstance(exc, asyncio.TimeoutError) and classify(exc).kind != "timeout":
            raise
        waited = f"{settings.idle_timeout:g} s ([llm] idle_timeout)"
        raise NetworkError(f"{request.model.name}: {what.format(s=waited)}", hint="a slow model may need a longer [llm] idle_timeout") from exc


def _fail(exc: Exception, request: Request, failure: Failure | None = None, note: str | None = None) -> NoReturn:
    """Raise our error for ``exc`` (``exc`` itself when it already is ours)."""
    error = convert(exc, request, failure, note)
    if error is exc:
        raise exc
    raise error from exc


def _where(request: Request) -> str:
    return request.model.api_base or "the provider"


def _content_type(chunks: Any) -> str:
    """`` (Content-Type: ...)`` of a stream's response, where litellm kept its headers."""
    headers = getattr(chunks, "_response_headers", None)
    try:
        value = headers.get("content-type") if headers is not None else None
    except AttributeError:
        value = None
    return f" (Content-Type: {value})" if value else ""


class _Collector:
    """Builds a Completion from stream chunks."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.calls: dict[int, dict[str, str]] = {}
        self.usage: Any = None
        self.finish_reason: str | None = None
        self.model: str | None = None
        # Something only a provider sends: a role, content, a call, output it counted, a
        # finish other than "stop". (litellm makes up an empty chunk ending in "stop", and
        # for some providers an estimate of the prompt's tokens, for a 200 it cannot read.)
        self.evidence = False

    def add(self, chunk) -> list[Event]:
        events: list[Event] = []
        usage = getattr(chunk, "usage", None)
        if usage:
            self.usage = usage
            self.evidence = self.evidence or bool(getattr(usage, "completion_tokens", 0))
        for choice in getattr(chunk, "choices", None) or []:
            delta = choice.delta
            if getattr(delta, "role", None) or delta.content or getattr(delta, "tool_calls", None) or getattr(delta, "reasoning_content", None):
                self.evidence = True
            if choice.finish_reason not in (None, "stop"):
                self.evidence = True
            if getattr(delta, "reasoning_content", None):
                self.reasoning.append(delta.reasoning_content)
                events.append(("reasoning", delta.reasoning_content))
            if delta.content:
                self.text.append(delta.content)
                events.append(("text", delta.content))
            for call in getattr(delta, "tool_calls", None) or []:
                slot = self.calls.setdefault(call.index if call.index is not None else len(self.calls), {"id": "", "name": "", "arguments": ""})
                if call.id:
                    slot["id"] = call.id
                if call.function is not None:
                    if call.function.name:
                        slot["name"] = call.function.name
                    if call.function.arguments:
                        slot["arguments"] += call.function.arguments
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
        return events

    def finish(self, request: Request, started: float) -> Completion:
        calls = [
            ToolCall(slot["id"] or f"call_{index}", slot["name"], slot["arguments"])
            for index, slot in sorted(self.calls.items())
            if slot["name"]
        ]
        usage = _usage(self.usage)
        return Completion(
            "".join(self.text),
            calls,
            usage,
            request.model.name,
            cost_usd=cost(request, usage),
            duration_ms=int((time.monotonic() - started) * 1000),
            finish_reason=self.finish_reason,
            reasoning="".join(self.reasoning),
        )


def _from_response(response, request: Request, started: float) -> Completion:
    choices = getattr(response, "choices", None)
    message = getattr(choices[0], "message", None) if isinstance(choices, list) and choices else None
    if message is None:
        raise not_a_completion(request, "no choices in the reply")
    choice = choices[0]
    calls = [
        ToolCall(call.id or f"call_{i}", call.function.name, call.function.arguments or "")
        for i, call in enumerate(getattr(message, "tool_calls", None) or [])
    ]
    usage = _usage(getattr(response, "usage", None))
    return Completion(
        message.content or "",
        calls,
        usage,
        request.model.name,
        cost_usd=cost(request, usage),
        duration_ms=int((time.monotonic() - started) * 1000),
        finish_reason=choice.finish_reason,
        reasoning=getattr(message, "reasoning_content", None) or "",
    )


def _usage(raw) -> Usage:
    if raw is None:
        return Usage()
    cached = getattr(raw, "cache_read_input_tokens", None) or 0
    details = getattr(raw, "prompt_tokens_details", None)
    if not cached and details is not None:
        cached = getattr(details, "cached_tokens", None) or 0
    return Usage(int(getattr(raw, "prompt_tokens", 0) or 0), int(getattr(raw, "completion_tokens", 0) or 0), int(cached))


def cost(request: Request, usage: Usage) -> float | None:
    """USD from litellm's bundled price map; None when the model has no known price."""
    try:
        prompt, completion = litellm().cost_per_token(
            model=request.model.litellm_model,
            prompt_tokens=usage.input_tokens,
            completion_tokens=usage.output_tokens,
            cache_read_input_tokens=usage.cached_tokens,
        )
    except Exception:  # noqa: BLE001 - an unknown model simply has no price
        return None
    total = prompt + completion
    return round(total, 8) if total or usage.input_tokens == 0 else None
