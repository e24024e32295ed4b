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
) -> int:
    """Serve the project at ``cwd`` until stopped; returns the exit status (130
    after a signal, as every command). ``host``/``port`` None: ``[server]`` in the
    config (127.0.0.1:4096). A public ``host`` without ``OPENCODE_SERVER_PASSWORD``
    is a ``UsageError`` raised before anything is bound."""
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
    (announce or _stderr)(f"opencode serve: listening on {url}" + ("" if password is None else " (password required)"))
    entry = _publish(state, env, host, url)
    try:
        _serve(state, sock)
    except KeyboardInterrupt:
        return 130
    finally:
        sock.close()
        if entry is not None:
            withdraw(entry, state.attach_token or "")
    return 0


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


def _serve(state: ServerState, sock: socket.socket) -> None:
    import uvicorn

    from .app import create_app

    config = uvicorn.Config(
        create_app(state), log_level="warning", ws="websockets", ws_max_size=state.max_body, lifespan="off",
        timeout_graceful_shutdown=3, access_log=False,
    )
    server = _Server(config, state)
    server.run(sockets=[sock])


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
