"""The only module that imports litellm.

Everything about talking to a provider lives here: the call, streaming, timeouts
(connect, and an idle timeout that aborts a stalled stream), retries with backoff and
jitter on 429/5xx/connection errors honouring ``Retry-After``, usage and cost from
litellm's bundled price map, and turning litellm's exceptions into ours. It works the
same in a one-shot command and in a long-lived process (a server, a chat).

``LiteLLMClient`` is the ``ModelClient`` the rest of opencode is handed. The process
environment litellm reads at import is the face's to set (``llm.environment``).
"""

from __future__ import annotations

import asyncio
import random
import re
import time

from ..errors import AuthError, NetworkError, ProviderError
from .types import Completion, Event, Request, ToolCall, Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Awaitable, Callable

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

        _litellm = module
    return _litellm


class Settings:
    """Reliability knobs, from ``[llm]`` in config."""

    def __init__(self, idle_timeout: float = 120, connect_timeout: float = 10, max_retries: int = 3) -> None:
        self.idle_timeout, self.connect_timeout, self.max_retries = idle_timeout, connect_timeout, max_retries

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        return cls(
            idle_timeout=float(config.get("llm.idle_timeout", 120)),
            connect_timeout=float(config.get("llm.connect_timeout", 10)),
            max_retries=int(config.get("llm.max_retries", 3)),
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
        return chunks, await _next_chunk(chunks, settings)

    async for kind, value in _attempts(request, settings, first_chunk):
        if kind == "retry":
            yield (kind, value)
    chunks, chunk = value
    collector = _Collector()
    try:
        while chunk is not None:
            for event in collector.add(chunk):
                yield event
            chunk = await _next_chunk(chunks, settings)
    except Exception as exc:  # noqa: BLE001
        raise _convert(exc, request) from exc
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
        raise _convert(exc, request) from exc


async def _attempts(request: Request, settings: Settings, start: Callable[[], Awaitable[Any]]) -> AsyncIterator[Event]:
    """Call ``start`` until it succeeds or may not be retried: ("retry", info) before
    each wait, then ("ok", what ``start`` returned). The one retry loop of this module."""
    attempt = 0
    while True:
        try:
            value = await start()
        except Exception as exc:  # noqa: BLE001 - every provider failure is classified below
            delay = _retry_delay(exc, attempt, settings)
            if delay is None:
                raise _convert(exc, request) from exc
            attempt += 1
            yield ("retry", {"attempt": attempt, "delay_s": round(delay, 2), "reason": _reason(exc)})
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
        # Streams are watched chunk by chunk in _next_chunk; the socket's own read
        # timeout sits a little later so that the clearer "stalled" message wins.
        timeout=httpx.Timeout(settings.idle_timeout + (5 if stream else 0), connect=settings.connect_timeout),
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
    return await asyncio.wait_for(lib.acompletion(**kwargs), timeout=settings.idle_timeout + settings.connect_timeout + 5)


async def _next_chunk(chunks, settings: Settings):
    try:
        return await asyncio.wait_for(chunks.__anext__(), timeout=settings.idle_timeout)
    except StopAsyncIteration:
        return None
    except asyncio.TimeoutError:
        raise NetworkError(f"the stream stalled: nothing received for {settings.idle_timeout:g} s") from None


class _Collector:
    """Builds a Completion from stream chunks."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.calls: dict[int, dict[str, str]] = {}
        self.usage: Any = None
        self.finish_reason: str | None = None
        self.model: str | None = None

    def add(self, chunk) -> list[Event]:
        events: list[Event] = []
        usage = getattr(chunk, "usage", None)
        if usage:
            self.usage = usage
        for choice in getattr(chunk, "choices", None) or []:
            delta = choice.delta
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
    choice = response.choices[0]
    message = choice.message
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


# -- errors and retries ------------------------------------------------------

RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504, 529}
MAX_DELAY_S = 60.0


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def _is_network(exc: BaseException) -> bool:
    """Connection failures and timeouts, however litellm wrapped them."""
    if isinstance(exc, (asyncio.TimeoutError, ConnectionError, TimeoutError)):
        return True
    return any(cls.__name__ in ("APIConnectionError", "Timeout", "APITimeoutError") for cls in type(exc).__mro__)


def _retryable(exc: BaseException) -> bool:
    return _is_network(exc) or _status(exc) in RETRYABLE_STATUS


def _retry_delay(exc: BaseException, attempt: int, settings: Settings) -> float | None:
    """Seconds to wait before the next try, or None when not to retry."""
    if attempt >= settings.max_retries or isinstance(exc, NetworkError) or not _retryable(exc):
        return None
    after = retry_after(exc)
    if after is not None:
        return min(after, MAX_DELAY_S)
    return min(0.5 * 2**attempt, MAX_DELAY_S) * (0.5 + random.random())


def retry_after(exc: BaseException) -> float | None:
    """The provider's ``Retry-After`` (seconds or an HTTP date), if it sent one."""
    headers = getattr(exc, "litellm_response_headers", None) or getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    for name in ("retry-after-ms", "retry-after"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
            return seconds / 1000 if name == "retry-after-ms" else seconds
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return None
    return None


def _reason(exc: BaseException) -> str:
    status = _status(exc)
    return f"HTTP {status}" if status else type(exc).__name__


def _convert(exc: BaseException, request: Request) -> Exception:
    """Our error for a provider failure, carrying the provider's own message."""
    if isinstance(exc, (ProviderError,)):
        return exc
    lib = litellm()
    message = _message(exc)
    where = request.model.name
    if isinstance(exc, (lib.exceptions.AuthenticationError, lib.exceptions.PermissionDeniedError)):
        return AuthError(f"{where}: {message}", hint="check the API key (opencode auth list)")
    if _is_network(exc):
        return NetworkError(f"{where}: {message}")
    status = _status(exc)
    if status is not None:
        return ProviderError(f"{where}: {message} (HTTP {status})", status=status)
    return ProviderError(f"{where}: malformed or unexpected response: {message}")


_NOISE = re.compile(r"^(?:(?:litellm\.)?[A-Za-z]+(?:Error|Exception)(?::\s*| - )|[A-Za-z]+Exception - )")


def _message(exc: BaseException) -> str:
    """The provider's message without litellm's class-name prefixes."""
    text = " ".join((str(getattr(exc, "message", None) or exc) or type(exc).__name__).split())
    for _ in range(4):
        stripped = _NOISE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return text[:1000]

