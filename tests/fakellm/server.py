"""The fake model server: a loopback HTTP server that replays scripted replies
in the wire format of whichever provider API the client called, and records
every request it receives.

    server = FakeLLM().start()           # http://127.0.0.1:PORT in server.url
    server.script(Reply.text("hello", chunks=5), Reply.tool_call("read", {"path": "a.py"}))
    ... point litellm at server.url (see providers.py / README.md) ...
    server.requests[-1].body             # what the client sent
    server.stop()

Replies come from one FIFO queue shared by every format; when it is empty the
server answers with ``server.default`` (``Reply.text("ok")``). Endpoints that
only describe the server (``GET /v1/models``, Ollama's ``/api/tags``,
``/api/show``, ``/api/version``) are recorded but consume no reply.
"""

from __future__ import annotations

import collections
import itertools
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

from . import wire
from .script import MAX_STALL, Reply, as_replies

# (method, path regex, format). The first match wins; paths are matched after
# percent-decoding (Bedrock model ids arrive as anthropic.claude...-v1%3A0).
ROUTES: list[tuple[str, re.Pattern[str], wire.Wire]] = [
    ("POST", re.compile(r"^(?:/openai)?/deployments/(?P<deployment>[^/]+)/chat/completions$"), wire.OpenAIChat()),
    ("POST", re.compile(r"^(?:/.*)?/chat/completions$"), wire.OpenAIChat()),
    ("POST", re.compile(r"^(?:/.*)?/messages$"), wire.AnthropicMessages()),
    ("POST", re.compile(r"^(?:/.*)?/models/(?P<model>[^/:]+):(?:generateContent|streamGenerateContent)$"), wire.Gemini()),
    ("POST", re.compile(r"^(?:/.*)?/model/(?P<model>.+)/converse(?:-stream)?$"), wire.BedrockConverse()),
    ("POST", re.compile(r"^(?:/.*)?/v2/chat$"), wire.CohereV2()),
    ("POST", re.compile(r"^/api/chat$"), wire.OllamaChat()),
    ("POST", re.compile(r"^/api/generate$"), wire.OllamaGenerate()),
]


def collect_text(value: Any) -> list[str]:
    """Every string inside a parsed JSON value (keys excluded), depth first."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            stack.extend(reversed(v))
    return out


@dataclass
class Request:
    """One request the server received."""

    method: str
    path: str  # percent-decoded, without the query
    query: dict[str, str]
    headers: dict[str, str]  # keys lower-cased
    body: Any  # parsed JSON, or None when the body is empty or not JSON
    raw: bytes = b""
    format: str | None = None  # "openai", "anthropic", "gemini", "bedrock", "cohere", "ollama", "ollama_chat"; None for info endpoints
    model: str | None = None
    stream: bool = False
    reply: Reply | None = None  # the reply it was served (None for info endpoints)
    time: float = field(default_factory=time.monotonic)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def text(self) -> str:
        """Every string in the body joined by newlines: the easy way to assert that
        some content (a prompt, a file's text, a tool result) was sent, whatever the format."""
        return "\n".join(collect_text(self.body))

    @property
    def tool_names(self) -> list[str]:
        """Names of the tools offered to the model, whatever the format."""
        b = self.body if isinstance(self.body, dict) else {}
        names: list[str] = []
        if self.format == "bedrock":
            for t in (b.get("toolConfig") or {}).get("tools") or []:
                names.append((t.get("toolSpec") or {}).get("name"))
        elif self.format == "gemini":
            for t in b.get("tools") or []:
                names += [f.get("name") for f in t.get("functionDeclarations") or t.get("function_declarations") or []]
        else:
            for t in b.get("tools") or []:
                names.append((t.get("function") or {}).get("name") or t.get("name"))
        return [n for n in names if n]

    @property
    def messages(self) -> list:
        """The conversation as sent (``messages``, or Gemini's ``contents``)."""
        b = self.body if isinstance(self.body, dict) else {}
        return b.get("messages") or b.get("contents") or []


class FakeLLM:
    """The fake model server. Thread-safe; use as a context manager or start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, default: Reply | None = None, models: Iterable[str] = ("llama3.2:latest", "qwen2.5-coder:7b")) -> None:
        self.host = host
        self.port = port
        self.default: Reply = default or Reply.text("ok")
        self.models: list[str] = list(models)  # listed by GET /v1/models and /api/tags
        # OpenAI-format streams end with a usage chunk when the request asks for it
        # (stream_options.include_usage, as OpenAI does) or, with "always", every time
        # (as Mistral, Cerebras and DeepInfra do; litellm drops stream_options for them).
        self.stream_usage: str = "requested"
        self._queue: collections.deque[Reply] = collections.deque()
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.errors: list[BaseException] = []  # unexpected exceptions in handlers

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> FakeLLM:
        if self._httpd is not None:
            raise RuntimeError("already started")
        self._stopping.clear()
        self._httpd = _Server((self.host, self.port), _Handler, self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"fakellm:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving: stalled replies end, open connections are cut, handler
        threads are joined (all within ``timeout`` seconds)."""
        httpd = self._httpd
        if httpd is None:
            return
        deadline = time.monotonic() + timeout
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()))
        for t in httpd.handler_threads():
            t.join(max(0.0, deadline - time.monotonic()))
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def stopping(self) -> threading.Event:
        return self._stopping

    # -- scripting ----------------------------------------------------------
    def script(self, *replies: Reply | str) -> FakeLLM:
        """Queue replies (FIFO, shared by every format). A string is ``Reply.text``."""
        with self._lock:
            self._queue.extend(as_replies(replies))
        return self

    @property
    def pending(self) -> int:
        """Scripted replies not yet served."""
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        """Forget queued replies and recorded requests."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake_{next(self._ids)}"

    # -- recording ----------------------------------------------------------
    def _record(self, req: Request) -> None:
        with self._cond:
            self._requests.append(req)
            self._cond.notify_all()

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[Request]:
        """Only the requests that were served a reply (model calls)."""
        return [r for r in self.requests if r.format is not None]

    @property
    def last_request(self) -> Request:
        reqs = self.chat_requests
        if not reqs:
            raise AssertionError("the fake model server received no model call")
        return reqs[-1]

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> list[Request]:
        """Block until at least ``n`` requests arrived (or raise TimeoutError)."""
        deadline = time.monotonic() + min(timeout, MAX_STALL)
        with self._cond:
            while len(self._requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"expected {n} requests, got {len(self._requests)}")
                self._cond.wait(left)
            return list(self._requests)

    # -- pointing clients at it ----------------------------------------------
    def api_base(self, model: str) -> str:
        """The ``api_base`` litellm needs for a model string such as ``anthropic/claude-...``."""
        from .providers import provider_for

        return self.url + provider_for(model).suffix

    def litellm_kwargs(self, model: str, **extra: Any) -> dict[str, Any]:
        """Keyword arguments for ``litellm.completion`` that reach this server:
        model, api_base, a fake key, plus what the provider needs (api_version,
        AWS credentials), with retries off."""
        from .providers import provider_for

        return provider_for(model).kwargs(self.url, model, **extra)

    def env(self, model: str) -> dict[str, str]:
        """Environment variables that point litellm at this server for ``model``'s provider."""
        from .providers import provider_for

        return provider_for(model).environ(self.url)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() joins with a timeout instead
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], handler: type, fake: FakeLLM) -> None:
        self.fake = fake
        self._conns: set[socket.socket] = set()
        self._handler_set: set[threading.Thread] = set()
        self._track = threading.Lock()
        super().__init__(addr, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Small streamed writes must leave at once, as a real server's do: without this,
        # Nagle's algorithm and delayed ACKs hold each reply back by tens of ms.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t = threading.Thread(target=self._run, args=(request, client_address), daemon=True, name="fakellm-conn")
        with self._track:
            self._conns.add(request)
            self._handler_set.add(t)
        t.start()

    def _run(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception as e:  # noqa: BLE001 - a client going away is normal
            if not isinstance(e, (ConnectionError, TimeoutError, OSError)):
                self.fake.errors.append(e)
        finally:
            self.shutdown_request(request)
            with self._track:
                self._conns.discard(request)
                self._handler_set.discard(threading.current_thread())

    def close_connections(self) -> None:
        with self._track:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handler_threads(self) -> list[threading.Thread]:
        with self._track:
            return list(self._handler_set)

    def handle_error(self, request: Any, client_address: Any) -> None:  # pragma: no cover - quiet
        pass


class _Abort(Exception):
    """End this connection without completing the response."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakellm/1"
    timeout = 30  # an idle keep-alive connection is dropped after this
    server: _Server
    _trickle = 0.0  # seconds between body bytes, for the reply being served
    _trickle_until = 0.0  # when a trickled body gives up and closes

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    do_GET = do_POST = do_PUT = do_DELETE = lambda self: self._handle()  # noqa: E731

    # -- request -------------------------------------------------------------
    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n else b""

    def _handle(self) -> None:
        fake = self.server.fake
        self._trickle, self._trickle_until = 0.0, 0.0
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(self.command, path, query, headers, body, raw)

        for method, pattern, fmt in ROUTES:
            m = pattern.match(path)
            if m and method == self.command:
                break
        else:
            fake._record(req)
            self._info(req)
            return

        req.format = fmt.name
        req.model = fmt.model(body, m.groupdict())
        req.stream = fmt.is_stream(body, path)
        reply = fake._next_reply()
        req.reply = reply
        fake._record(req)
        try:
            self._serve(fmt, req, reply)
        except _Abort:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    # -- non-model endpoints ---------------------------------------------------
    def _info(self, req: Request) -> None:
        fake = self.server.fake
        p = req.path
        if req.method == "GET" and p == "/api/tags":
            models = [{"name": n, "model": n, "modified_at": "2024-01-01T00:00:00Z", "size": 1000, "digest": "0" * 64, "details": {"format": "gguf", "family": "llama", "parameter_size": "8B", "quantization_level": "Q4_0"}} for n in fake.models]
            self._json(200, {"models": models})
        elif p == "/api/show":
            self._json(200, {"modelfile": "", "parameters": "", "template": "{{ if .Tools }}{{ .Tools }}{{ end }}{{ .Prompt }}", "details": {"format": "gguf", "family": "llama"}, "model_info": {"general.architecture": "llama", "llama.context_length": 8192}, "capabilities": ["completion", "tools"]})
        elif req.method == "GET" and p == "/api/version":
            self._json(200, {"version": "0.0.0-fakellm"})
        elif req.method == "GET" and p.endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "fakellm"} for n in fake.models]})
        else:
            self._json(404, {"error": {"message": f"fakellm: no route for {req.method} {p}", "type": "not_found_error", "code": 404}})

    # -- model endpoints ---------------------------------------------------------
    def _serve(self, fmt: wire.Wire, req: Request, reply: Reply) -> None:
        fake = self.server.fake
        self._trickle, self._trickle_until = reply.byte_delay, time.monotonic() + MAX_STALL
        if reply.no_headers:
            self._wait(reply.stall_duration)
            raise _Abort
        if reply.raw_body is not None:
            self._wait(reply.initial_delay)
            data, ctype = reply.raw_payload()
            self._send(reply.status, data, ctype, reply.headers)
            return
        if reply.is_error:
            self._error(fmt, reply)
            return
        ctx = wire.Ctx(model=req.model or "fake-model", body=req.body, usage=reply.resolved_usage(req.text), new_id=fake._new_id, created=int(time.time()), stream_usage=fake.stream_usage)
        if req.stream:
            self._stream(fmt, reply, ctx)
            return
        self._wait(reply.initial_delay)
        if reply.stall_after is not None:
            self._wait(reply.stall_duration)
            if reply.stall_then == "close" or fake.stopping.is_set():
                raise _Abort
        if reply.malformed_at is not None:
            self._send(200, b'{"not valid json', "application/json", reply.headers)
            return
        self._json(200, fmt.body(reply, ctx), reply.headers)

    def _error(self, fmt: wire.Wire, reply: Reply) -> None:
        body, extra = fmt.error(reply.status, f"fakellm scripted error {reply.status}")
        headers = dict(extra)
        headers.update(dict(reply.headers))
        if reply.error_body is not None:
            body = reply.error_body
        self._wait(reply.initial_delay)
        if isinstance(body, bytes):
            data, ctype = body, "application/octet-stream"
        elif isinstance(body, str):
            data, ctype = body.encode(), "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(body).encode(), "application/json"
        self._send(reply.status, data, ctype, tuple(headers.items()))

    def _stream(self, fmt: wire.Wire, reply: Reply, ctx: wire.Ctx) -> None:
        fake = self.server.fake
        frames = fmt.frames(reply, ctx)
        if reply.malformed_at is not None:
            frames = _insert_after_content(frames, reply.malformed_at, (fmt.malformed(), False))
        self.send_response(200)
        self.send_header("Content-Type", fmt.stream_content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in reply.headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()

        content_sent = 0
        if reply.stall_after == 0:
            self._stall(reply)
        for i, (data, is_content) in enumerate(frames):
            if fake.stopping.is_set():
                raise _Abort
            if i == 0:
                self._wait(reply.initial_delay)
            elif is_content:
                self._wait(reply.chunk_delay)
            self._chunk(data)
            if is_content:
                content_sent += 1
                if reply.stall_after is not None and content_sent == reply.stall_after:
                    self._stall(reply)
        self._write(b"0\r\n\r\n")

    def _stall(self, reply: Reply) -> None:
        self._wait(reply.stall_duration)
        if reply.stall_then == "close" or self.server.fake.stopping.is_set():
            raise _Abort

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.server.fake.stopping.wait(min(seconds, MAX_STALL))

    # -- low level -----------------------------------------------------------
    def _chunk(self, data: bytes) -> None:
        self._write(b"%x\r\n%s\r\n" % (len(data), data))

    def _write(self, data: bytes) -> None:
        """Body bytes: at once, or one at a time for a trickled reply (which gives up
        and closes the connection after MAX_STALL, or at once when the server stops)."""
        if not self._trickle:
            self.wfile.write(data)
            self.wfile.flush()
            return
        for i in range(len(data)):
            if self.server.fake.stopping.wait(self._trickle) or time.monotonic() > self._trickle_until:
                raise _Abort
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()

    def _json(self, status: int, obj: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json", headers)

    def _send(self, status: int, data: bytes, ctype: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()
        self._write(data)


def _insert_after_content(frames: list[wire.Frame], n: int, extra: wire.Frame) -> list[wire.Frame]:
    """``frames`` with ``extra`` inserted right after the ``n``-th content frame
    (after the preamble when n == 0; before the finish frames if there are fewer)."""
    seen = 0
    for i, (_, is_content) in enumerate(frames):
        if seen == n and (n > 0 or is_content):
            return frames[:i] + [extra] + frames[i:]
        if is_content:
            seen += 1
    last_content = max((i for i, (_, c) in enumerate(frames) if c), default=0)
    return frames[: last_content + 1] + [extra] + frames[last_content + 1 :]
