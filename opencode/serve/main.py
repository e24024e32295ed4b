"""The server's entry: ``run_server`` checks the address, binds it, prints the URL on
stderr and serves until SIGINT or SIGTERM.

The command line starts the server through this module only (``docs/architecture.md``),
with plain values; ``run_server`` is also what a later ``opencode web`` or a warm
server for ``ask`` calls. ``--port 0`` binds a free port; the line on stderr names it.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from ..rendezvous import publish, withdraw
from .daemon import start_daemon, stop_server, warm_up  # noqa: F401 - the command line reaches them here
from .auth import PASSWORD_ENV, check_bind, is_loopback

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

    from .state import ServerState

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def run_server(
    cwd: Path,
    env: Mapping[str, str],
    *,
    flags: Mapping[str, Any] | None = None,
    profile: str | None = None,
    host: str | None = None,
    port: int | None = None,
    announce: Callable[[str], None] | None = None,
    idle: float | None = None,
) -> int:
    """Serve the project at ``cwd`` until stopped (or ``idle`` seconds with nothing to
    do: ``serve.idle``); returns the exit status (130 after a signal, as every command). ``host``/``port`` None: ``[server]`` in the
    config (127.0.0.1:4096). A public ``host`` without ``OPENCODE_SERVER_PASSWORD``
    is a ``UsageError`` raised before anything is bound."""
    listening = _listen(cwd, env, flags, profile, host, port)
    (announce or _stderr)(f"opencode serve: listening on {listening.url}" + ("" if listening.state.password is None else " (password required)"))
    try:
        server = _uvicorn(listening.state, idle)
        server.run(sockets=[listening.sock])
    except KeyboardInterrupt:
        return 130
    finally:
        listening.close()
    return 0


def serve_in_background(
    cwd: Path, env: Mapping[str, str], *, flags: Mapping[str, Any] | None = None, profile: str | None = None, port: int | None = None,
) -> Background | None:
    """The API served from a thread beside the chat (``opencode`` at a terminal, as the
    spec's root command does), on loopback; None when ``[server] enabled = false``.
    A port in use is a ``UsageError``, raised before the thread starts."""
    import threading

    listening = _listen(cwd, env, flags, profile, None, port)
    if listening.state.setting("enabled", True) is False:
        listening.close()
        return None
    background = Background(listening)
    threading.Thread(target=background.run, name="opencode-api", daemon=True).start()
    return background


class _Listening:
    """A bound socket, its server's state and URL, and its entry for warm attach."""

    def __init__(self, state: ServerState, sock: socket.socket, url: str, entry: Path | None) -> None:
        self.state, self.sock, self.url, self.entry = state, sock, url, entry

    def close(self) -> None:
        self.sock.close()
        if self.entry is not None:
            withdraw(self.entry, self.state.attach_token or "")


class Background:
    """A server running in a thread of this process; ``stop()`` ends it. uvicorn and
    Starlette are imported in that thread, so the chat's prompt does not wait for them."""

    def __init__(self, listening: _Listening) -> None:
        import threading

        self.url, self._listening = listening.url, listening
        self._server: Any = None
        self._stopping = False
        self._ready, self._done = threading.Event(), threading.Event()

    def run(self) -> None:
        try:
            self._server = _uvicorn(self._listening.state)
            self._ready.set()
            if not self._stopping:
                self._server.run(sockets=[self._listening.sock])
        finally:
            self._ready.set()
            self._done.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        self._ready.wait(timeout)
        if self._server is not None:
            self._server.should_exit = True
        self._listening.state.hub.close()
        self._done.wait(timeout)
        self._listening.close()


def _listen(cwd: Path, env: Mapping[str, str], flags: Mapping[str, Any] | None, profile: str | None, host: str | None, port: int | None) -> _Listening:
    from .state import ServerState

    password = env.get(PASSWORD_ENV) or None
    state = ServerState(cwd, env, flags=flags, profile=profile, password=password)
    host = host or str(state.setting("hostname", "127.0.0.1"))
    port = int(state.setting("port", 4096)) if port is None else port
    check_bind(host, password)
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    _allow(state, host, actual)
    url = f"http://{_bracket(host)}:{actual}"
    return _Listening(state, sock, url, _publish(state, env, host, url))


def _publish(state: ServerState, env: Mapping[str, str], host: str, url: str) -> Path | None:
    """Make the server findable by this user's ``ask`` and ``run`` in the same
    directory (on loopback only: that is where they look)."""
    if not is_loopback(host):
        return None
    try:
        entry, state.attach_token = publish(state.workspace.cwd, state.workspace.data_dir, env, url)
    except OSError as exc:
        _stderr(f"opencode serve: warning: commands cannot attach to this server ({exc.strerror})")
        return None
    return entry


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; a port in use is a usage error that says so."""
    from ..errors import UsageError

    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}", hint="choose another --port (0: any free one)") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _allow(state: ServerState, host: str, port: int) -> None:
    """The origins and Host headers this server answers: its own address (on
    loopback, each loopback name of it) and the ``[server] cors`` origins."""
    names = LOOPBACK_NAMES if is_loopback(host) else (_bracket(host),)
    own = [f"{name}:{port}" for name in names]
    state.origins = [f"http://{name}" for name in own] + [str(o) for o in state.setting("cors", [])]
    state.hosts = own if is_loopback(host) else []


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _uvicorn(state: ServerState, idle: float | None = None) -> Any:
    import uvicorn

    from .app import create_app

    app = create_app(state)
    if idle is not None:
        from .idle import Activity

        app = Activity(app)
    config = uvicorn.Config(
        app, log_level="warning", ws="websockets-sansio", ws_max_size=state.max_body, lifespan="off",
        timeout_graceful_shutdown=3, access_log=False,
    )
    server = _Server(config, state)
    if idle is not None:
        from .idle import stop_when_idle

        stop_when_idle(server, app, idle)
    return server


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Server:
    """uvicorn's server, which also ends the open event streams when it is told to
    stop, so stopping does not wait for clients that never hang up."""

    def __new__(cls, config: Any, state: ServerState) -> Any:
        import uvicorn

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: Any) -> None:
                super().handle_exit(sig, frame)
                state.hub.close()

        return Server(config)
