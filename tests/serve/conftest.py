"""A real ``opencode serve --port 0`` in a subprocess, on loopback, in a project whose
model is the fake model server; tests talk to it with httpx and websockets."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from serving import launch



class Server:
    def __init__(self, proc: subprocess.Popen, url: str, lines: list[str], headers: dict[str, str] | None = None) -> None:
        self.proc, self.url, self.lines = proc, url, lines
        self.client = httpx.Client(base_url=url, timeout=60, headers=headers or {})

    def stream_records(self, path: str, body: dict) -> list[dict]:
        """The records of an SSE answer, read to its end."""
        records = []
        with self.client.stream("POST", path, json=body) as response:
            assert response.status_code == 200, response.read()
            for line in response.iter_lines():
                if line.startswith("data: "):
                    records.append(json.loads(line[6:]))
        return records

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise


def start_server(cwd: Path, env: dict[str, str], *args: str, headers: dict[str, str] | None = None) -> Server:
    """Start ``opencode serve --port 0 ARGS`` and wait for its URL on stderr."""
    proc, url, lines = launch(cwd, env, *args)
    return Server(proc, url, lines, headers)


@pytest.fixture
def serve_env(env: dict[str, str], keys: dict[str, str]) -> dict[str, str]:
    return {**env, **keys}


@pytest.fixture
def make_server(llm_project: Path, serve_env: dict[str, str]):
    """``make_server(toml="", *args, env=None, replace=(old, new))``: a server on the
    project, with ``toml`` added to its opencode.toml (and ``old`` in it made ``new``);
    all stopped after the test."""
    started: list[Server] = []
    config = llm_project / "opencode.toml"
    base = config.read_text()

    def make(toml: str = "", *args: str, env: dict[str, str] | None = None, headers: dict[str, str] | None = None, replace: tuple[str, str] | None = None) -> Server:
        config.write_text((base.replace(*replace) if replace else base) + toml)
        started.append(start_server(llm_project, env or serve_env, *args, headers=headers))
        return started[-1]

    yield make
    for one in started:
        one.stop()


@pytest.fixture
def server(make_server) -> Server:
    return make_server("[server]\npermission_timeout = 30\nheartbeat = 0.5\n")


@pytest.fixture
def cli(oc, keys):
    """``oc`` with the model keys the server has too."""

    def call(*args: str, extra_env: dict | None = None, **kw):
        return oc(*args, extra_env={**keys, **(extra_env or {})}, **kw)

    return call
