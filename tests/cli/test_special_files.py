"""FIFOs, sockets and devices are refused before they are opened, so none can hang a run."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

#: Opening a FIFO nobody writes to blocks forever; a refusal takes one start-up.
TIMEOUT = 30


@pytest.fixture
def fifo(project: Path) -> Path:
    path = project / "pipe"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(project: Path):
    path = project / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    yield path
    server.close()


CALLS = [
    ("read", {}),
    ("write", {"content": "x\n"}),
    ("edit", {"old_string": "a", "new_string": "b"}),
    ("multiedit", {"edits": [{"old_string": "a", "new_string": "b"}]}),
]


@pytest.mark.parametrize(("tool", "extra"), CALLS, ids=[c[0] for c in CALLS])
def test_a_fifo_is_refused_without_blocking(oc, fifo: Path, tool: str, extra: dict):
    result = oc("tool", "call", tool, json.dumps({"path": "pipe", **extra}), timeout=TIMEOUT)
    assert result.code == 1, result.stderr
    assert "pipe is a FIFO (named pipe), not a regular file" in result.stderr
    assert fifo.exists() and not fifo.is_file()


def test_apply_patch_refuses_a_fifo(oc, fifo: Path):
    patch = "*** Begin Patch\n*** Update File: pipe\n-a\n+b\n*** End Patch\n"
    result = oc("apply_patch", input=patch, timeout=TIMEOUT)
    assert result.code == 1 and "FIFO" in result.stderr


@pytest.mark.parametrize("tool", ["read", "write", "edit"])
def test_a_socket_is_refused(oc, unix_socket: Path, tool: str):
    extra = {"read": {}, "write": {"content": "x"}, "edit": {"old_string": "a", "new_string": "b"}}[tool]
    result = oc("tool", "call", tool, json.dumps({"path": "sock", **extra}), timeout=TIMEOUT)
    assert result.code == 1 and "sock is a socket, not a regular file" in result.stderr


def test_a_device_is_refused(oc, project: Path):
    (project / "opencode.toml").write_text('[permissions]\nallowed_paths = ["/dev"]\n')
    result = oc("read", "/dev/null", timeout=TIMEOUT)
    assert result.code == 1 and "/dev/null is a character device, not a regular file" in result.stderr
    result = oc("write", "/dev/null", "--content", "x", timeout=TIMEOUT)
    assert result.code == 1 and "character device" in result.stderr
