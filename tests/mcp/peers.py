"""Where the third-party MCP peers are: installed by ``.ci/mcp-peers`` into ``.peers/``.

A missing peer fails the test that needs it with the command that installs it: the
tests that prove opencode works with real servers and clients must not pass by
skipping.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / ".peers"
BINARIES = {
    "mcp-server-time": PEERS / "py" / "bin" / "mcp-server-time",
    "mcp-server-git": PEERS / "py" / "bin" / "mcp-server-git",
    "mcp-server-filesystem": PEERS / "node" / "node_modules" / ".bin" / "mcp-server-filesystem",
    "mcp-server-everything": PEERS / "node" / "node_modules" / ".bin" / "mcp-server-everything",
    "mcp-inspector": PEERS / "node" / "node_modules" / ".bin" / "mcp-inspector",
}
HERE = Path(__file__).resolve().parent


def peer(name: str) -> str:
    path = BINARIES[name]
    if not path.exists():
        pytest.fail(f"{name} is not installed at {path}: run `bash .ci/mcp-peers` (CI runs it from .ci/run)", pytrace=False)
    return str(path)


def fixture_server(name: str) -> tuple[str, list[str]]:
    """A small MCP server of the tests' own (``servers/NAME.py``), run by this Python."""
    return sys.executable, [str(HERE / "servers" / f"{name}.py")]


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def server_table(name: str, command: str, args: list[str] = (), **more: object) -> str:
    lines = [f"[mcp.servers.{name}]", f'command = "{command}"', f"args = {toml_list(list(args))}"]
    for key, value in more.items():
        lines.append(f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_everything_http(tmp: Path, mode: str = "streamableHttp") -> tuple[subprocess.Popen, str]:
    """server-everything over streamable HTTP (or ``mode="sse"``, the older transport)
    on a free loopback port; (process, url)."""
    port = free_port()
    log = open(tmp / "everything-http.log", "wb")
    proc = subprocess.Popen(
        [peer("mcp-server-everything"), mode], env={**os.environ, "PORT": str(port)},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}/{'sse' if mode == 'sse' else 'mcp'}"
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    pytest.fail(f"server-everything did not listen on {port}: {(tmp / 'everything-http.log').read_text()}")


def stop(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
