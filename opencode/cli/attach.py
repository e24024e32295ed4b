"""Warm attach: ``opencode ask`` and ``opencode run`` hand their work to this user's
running server for this directory (``opencode.rendezvous``) and print the very records
it streams back, so they skip the seconds of importing litellm.

Only the standard library is used here (``http.client``): an attached ask must be
done in a tenth of a second, and httpx alone costs about that much to import. The
server must first answer a fresh nonce with the token's HMAC, or nothing is sent.
A server that stops mid-answer is a network error (exit 4), never a hang: every read
has a timeout, and the stream's heartbeats keep a slow answer alive.
"""

from __future__ import annotations

import http.client
import json
import secrets
import urllib.parse

from ..errors import NetworkError, UsageError, from_dict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

    from ..rendezvous import Published

#: Seconds for the handshake: a live server on loopback answers in a millisecond.
HELLO_TIMEOUT = 2.0
#: Seconds of silence that end a stream (a chat stream has heartbeats; a whole answer
#: to an ask may be long in coming, as it would be in-process).
IDLE_TIMEOUT = 600.0
#: The header that carries the token.
TOKEN_HEADER = "X-Opencode-Token"


def find(runtime: Any, url: str | None = None) -> Server | None:
    """The server this command should attach to: ``url`` (``--attach``), else the
    published one for this directory and settings, else None."""
    from ..config.dirs import data_dir
    from ..rendezvous import lookup

    published = lookup(runtime.cwd, data_dir(runtime.env), runtime.env)
    if url is not None:
        if published is None or published.url.rstrip("/") != url.rstrip("/"):
            raise UsageError(f"no opencode server of yours for this directory at {url}", hint="start one here with: opencode serve")
    if published is None:
        return None
    server = Server(published)
    if not server.hello():
        if url is not None:
            raise UsageError(f"the server at {url} could not prove it is yours", hint="run with --no-attach")
        return None
    return server


class Server:
    def __init__(self, published: Published) -> None:
        self.published = published
        self.exit_code: int | None = None  # as the stream's ": exit N" line says, when it does
        parts = urllib.parse.urlsplit(published.url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def hello(self) -> bool:
        """Whether the server proves it holds the token (a wrong answer, or none: no)."""
        from ..rendezvous import proven

        nonce = secrets.token_hex(16)
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=HELLO_TIMEOUT)
            connection.request("GET", f"/api/attach?nonce={nonce}")
            response = connection.getresponse()
            body = json.loads(response.read(4096) or b"{}") if response.status == 200 else {}
            connection.close()
        except (OSError, ValueError, http.client.HTTPException):
            return False
        return isinstance(body, dict) and isinstance(body.get("proof"), str) and proven(self.published.token, nonce, body["proof"])

    def records(self, path: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The records of a POST to ``path`` answered with server-sent events."""
        payload = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", TOKEN_HEADER: self.published.token, "Accept": "text/event-stream"}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=IDLE_TIMEOUT)
        try:
            try:
                connection.request("POST", path, body=payload, headers=headers)
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                raise self._lost(exc) from None
            if response.status != 200:
                raise _refusal(response)
            yield from self._events(response)
        finally:
            connection.close()

    def post(self, path: str, payload: bytes) -> None:
        """A small request beside the stream (an answer to an ask); its failure is the
        stream's to report."""
        headers = {"Content-Type": "application/json", TOKEN_HEADER: self.published.token}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=HELLO_TIMEOUT * 5)
        try:
            connection.request("POST", path, body=payload, headers=headers)
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()

    def _events(self, response: http.client.HTTPResponse) -> Iterator[dict[str, Any]]:
        """Parse the event stream as it arrives: whatever bytes are there are read at
        once (a 500-piece answer is a few reads, not a thousand line reads)."""
        pending = b""
        while True:
            try:
                block = response.read1(65536)
            except (OSError, http.client.HTTPException) as exc:
                raise self._lost(exc) from None
            if not block:
                return
            pending += block
            *events, pending = pending.split(b"\n\n")
            for event in events:
                if event.startswith(b": exit "):
                    self.exit_code = int(event[7:].strip() or 1)  # a recipe run's status, after its records
                    continue
                data = [line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:")]
                if data:
                    yield json.loads(b"\n".join(data))

    def _lost(self, exc: BaseException) -> NetworkError:
        return NetworkError(f"the opencode server at {self.published.url} stopped answering ({exc})", hint="run with --no-attach")


def _refusal(response: http.client.HTTPResponse):
    """The error a non-200 answer carries (the protocol's ``error`` shape)."""
    try:
        body = json.loads(response.read(65536))
    except ValueError:
        body = {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    if isinstance(error, dict) and error.get("message"):
        return from_dict(error)
    return NetworkError(f"the opencode server answered HTTP {response.status}")


def stream_end(records: Iterator[dict[str, Any]], ended_by: str, *, to_the_end: bool = False) -> Iterator[dict[str, Any]]:
    """``records`` until the run's own record of type ``ended_by`` (not a recipe step's);
    with ``to_the_end`` the rest of the stream is read too (a recipe's status follows).
    A stream that stops before that record was cut off (the server died): a network error."""
    ended = False
    for record in records:
        yield record
        if record.get("type") == ended_by and "recipe_step" not in record:
            ended = True
            if not to_the_end:
                return
    if not ended:
        raise NetworkError("the opencode server stopped before the answer was complete", hint="run with --no-attach")
