"""What went wrong with a provider call, told in our terms.

litellm reports one kind of failure in many shapes, and the status code on its
exception is not to be trusted: a refused connection arrives as an
``InternalServerError`` with status 500 from the OpenAI-style providers, and a 200
reply it cannot read (a proxy's HTML login page, ``{}``) as a "500", a "422" or an
``APIConnectionError``, depending on the provider. What can be trusted is the cause
chain under it: a status the server really sent travels as an ``httpx.HTTPStatusError``
holding the response (and its headers: ``Retry-After``); a network failure as a
transport error (httpx, aiohttp, ``OSError``); a timeout as a timeout error. Anything
else from a call that got an answer means the answer was not a completion.

``classify`` reads an exception into a ``Failure``; ``convert`` makes the error the
user sees (``errors.ProviderError`` and its kin, exit 4), never with an invented status.
Only ``llm.client`` calls these, with exceptions litellm raised.
"""

from __future__ import annotations

import re
import time

from ..errors import AuthError, NetworkError, ProviderError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, Mapping

    from .types import Request

#: Statuses worth another try: the provider is busy, rate-limiting or briefly down.
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504, 529}

_TIMEOUT_NAMES = {"Timeout", "APITimeoutError", "TimeoutException", "ServerTimeoutError"}


class Failure:
    """One failed call, classified. ``kind`` is ``http`` (the server sent ``status``),
    ``auth`` (a key was refused or is missing), ``timeout``, ``network``, ``invalid``
    (an answer that is not a completion), or ``ours`` (already one of our errors)."""

    __slots__ = ("kind", "status", "headers", "url", "connecting", "refused")

    def __init__(
        self, kind: str, status: int | None = None, headers: Mapping[str, str] | None = None, url: str | None = None, *, connecting: bool = False, refused: bool = False
    ) -> None:
        self.kind, self.status, self.headers, self.url = kind, status, headers, url
        self.connecting, self.refused = connecting, refused  # a network failure before any reply; the port was closed

    @property
    def retryable(self) -> bool:
        """Worth another try: a busy or failing server, a dropped connection. Not a
        timeout (one attempt already waited as long as ``idle_timeout`` allows), not an
        answer that is no completion (it would be the same again), not a refused key."""
        return self.kind == "network" or (self.kind == "http" and self.status in RETRYABLE_STATUS)

    @property
    def reason(self) -> str:
        """Why a retry happens, for the ``retry`` record."""
        if self.status is not None:
            return f"HTTP {self.status}"
        if self.kind == "network":
            return "connection refused" if self.refused else "connection failed" if self.connecting else "connection lost"
        return self.kind

    def retry_after(self) -> float | None:
        """The provider's ``Retry-After`` (seconds or an HTTP date), if it sent one."""
        headers = self.headers
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


def classify(exc: BaseException) -> Failure:
    """The ``Failure`` an exception from litellm stands for (see the module docstring)."""
    if isinstance(exc, ProviderError):
        return Failure("ours")
    chain = list(_chain(exc))
    for link in chain:
        response = getattr(link, "response", None) if type(link).__name__ == "HTTPStatusError" else None
        if response is not None and isinstance(getattr(response, "status_code", None), int):
            kind = "auth" if response.status_code in (401, 403) else "http"
            return Failure(kind, response.status_code, response.headers, _url(chain))
    if any(type(link).__name__ in ("AuthenticationError", "PermissionDeniedError") for link in chain):
        return Failure("auth", _status(exc), getattr(exc, "litellm_response_headers", None))
    if any(_is_timeout(link) for link in chain):
        return Failure("timeout", url=_url(chain))
    if any(_is_transport(link) for link in chain):
        connecting = any(type(link).__name__ in ("ConnectError", "ClientConnectorError") for link in chain)
        refused = any(isinstance(link, ConnectionRefusedError) for link in chain)
        return Failure("network", url=_url(chain), connecting=connecting or refused, refused=refused)
    return Failure("invalid")


def convert(exc: BaseException, request: Request, failure: Failure | None = None, note: str | None = None) -> ProviderError:
    """Our error for a failed call, carrying the provider's own message; ``note`` says
    why no retry followed (a spent budget, a Retry-After too long to wait)."""
    failure = failure or classify(exc)
    if failure.kind == "ours":
        assert isinstance(exc, ProviderError)
        return exc
    where = request.model.name
    message = _message(exc)
    tail = f"; {note}" if note else ""
    if failure.kind == "auth":
        return AuthError(f"{where}: {message}{tail}", hint="check the API key (opencode auth list)")
    if failure.kind == "http":
        return ProviderError(f"{where}: {message} (HTTP {failure.status}){tail}", status=failure.status)
    url = request.model.api_base or failure.url or "the provider"
    if failure.kind == "timeout":
        return NetworkError(f"{where}: timed out talking to {url}: {message}{tail}")
    if failure.kind == "network":
        what = f"cannot connect to {url}" if failure.connecting else f"the connection to {url} failed"
        why = "connection refused" if failure.refused else message
        return NetworkError(f"{where}: {what} ({why}){tail}", hint="is the server running, and is base_url right?")
    return not_a_completion(request, message)


def not_a_completion(request: Request, detail: str) -> ProviderError:
    """A 200 reply that holds no completion: a proxy's page, ``{}``, JSON without choices."""
    url = request.model.api_base or "the provider"
    return ProviderError(
        f"{request.model.name}: the reply from {url} is not a valid completion: {detail}",
        hint="is base_url the provider's API? A proxy or a login page may be answering",
    )


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc`` and what caused it, outermost first (litellm keeps some causes in
    ``original_exception``)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        inner = getattr(exc, "original_exception", None)
        exc = inner if isinstance(inner, BaseException) else (exc.__cause__ or exc.__context__)


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or any(cls.__name__ in _TIMEOUT_NAMES for cls in type(exc).__mro__)


def _is_transport(exc: BaseException) -> bool:
    """A failure of the connection itself: httpx's and aiohttp's errors, or the OS's."""
    if isinstance(exc, OSError):
        return True
    return any(
        (cls.__module__.startswith("httpx") and cls.__name__ == "TransportError")
        or (cls.__module__.startswith("aiohttp") and cls.__name__ in ("ClientConnectionError", "ClientPayloadError"))
        for cls in type(exc).__mro__
    )


def _url(chain: list[BaseException]) -> str | None:
    """The URL a request of the chain went to, when one of them knows it."""
    for link in chain:
        try:
            request = getattr(link, "request", None)
        except RuntimeError:  # httpx raises when an error has no request attached
            continue
        url = getattr(request, "url", None)
        if url is not None:
            return str(url)
    return None


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


_NOISE = re.compile(r"^(?:(?:litellm\.)?[A-Za-z_]+(?:Error|Exception)(?::\s*| - )|[A-Za-z_]+Exception - )")


def _message(exc: BaseException) -> str:
    """The provider's message, without litellm's class-name prefixes and tracebacks."""
    text = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    text = text.split("Traceback (most recent call last)", 1)[0]
    text = " ".join(text.split())
    for _ in range(6):
        stripped = _NOISE.sub("", text)
        if stripped == text:
            break
        text = stripped
    if re.fullmatch(r"'[^']*'", text):  # a bare KeyError: the field the reply lacked
        text = f"no {text} in the reply"
    return text[:1000] or type(exc).__name__
