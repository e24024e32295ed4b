"""A server in the background: ``opencode serve --daemon`` starts one detached from
the terminal (it ends itself after ``--idle``), ``opencode serve --stop`` ends the one
serving this directory, and ``[server] keep_warm`` has the first ``ask`` or ``run``
start one so the next attach.

The detached server is the ordinary ``opencode serve`` in a session of its own, its
stderr in ``servers/serve.log`` of the data directory; it is found, like any server,
by its entry (``opencode.rendezvous``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ..errors import OpencodeError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping

#: Seconds a new server may take to publish its entry (it imports Starlette first).
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def _where(cwd: Path, env: Mapping[str, str]) -> tuple[Path, Path]:
    from ..config.dirs import data_dir

    data = data_dir(env)
    return data, data / "servers" / "serve.log"


def spawn(cwd: Path, env: Mapping[str, str], *, port: int | None = None, idle: float | None = None) -> subprocess.Popen:
    """Start ``opencode serve`` detached (its own session, no terminal)."""
    data, log = _where(cwd, env)
    log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    command = [sys.executable, "-m", "opencode", "serve", "--port", str(port or 0)]
    if idle is not None:
        command += ["--idle", f"{idle:g}"]
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        return subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=descriptor,
            start_new_session=True, close_fds=True,
        )
    finally:
        os.close(descriptor)


def warm_up(cwd: Path, env: Mapping[str, str], idle: float) -> bool:
    """Start a detached server for the next commands (``[server] keep_warm``), unless
    one is starting already: a marker beside the entries, made exclusively, keeps a
    burst of asks (``make -j``) from starting one each. Whether one was started."""
    from ..rendezvous import entry_path

    data, _ = _where(cwd, env)
    marker = entry_path(cwd, data, env).with_suffix(".starting")
    marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if time.time() - marker.stat().st_mtime < START_TIMEOUT:
            return False
        marker.unlink()
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False
    spawn(cwd, env, idle=idle)
    return True


def start_daemon(cwd: Path, env: Mapping[str, str], *, port: int | None = None, idle: float | None = None) -> str:
    """Start a detached server and wait until it is findable; its URL. One already
    serving this directory is a usage error that names it."""
    from ..rendezvous import lookup

    data, log = _where(cwd, env)
    running = lookup(cwd, data, env)
    if running is not None:
        raise UsageError(f"an opencode server of yours already serves here: {running.url}", hint="opencode serve --stop ends it")
    child = spawn(cwd, env, port=port, idle=idle)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = lookup(cwd, data, env)
        if found is not None and found.pid == child.pid:
            return found.url
        if child.poll() is not None:
            raise OpencodeError(f"the server stopped at once: {_tail(log)}", hint=f"its log: {log}")
        time.sleep(0.05)
    child.kill()
    raise OpencodeError(f"the server did not start within {START_TIMEOUT:g} s", hint=f"its log: {log}")


def stop_server(cwd: Path, env: Mapping[str, str]) -> str:
    """End the server of yours serving this directory (SIGTERM, as Ctrl-C); its URL."""
    import signal

    from ..rendezvous import lookup

    data, _ = _where(cwd, env)
    found = lookup(cwd, data, env)
    if found is None:
        raise UsageError("no opencode server of yours serves this directory")
    os.kill(found.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while lookup(cwd, data, env) is not None:
        if time.monotonic() > deadline:
            raise OpencodeError(f"the server (pid {found.pid}) did not stop within {STOP_TIMEOUT:g} s")
        time.sleep(0.05)
    return found.url


def _tail(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "(no log)"
    return lines[-1] if lines else "(no output)"
