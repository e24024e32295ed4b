"""Bytes survive the pipe: ``read | write`` copies any text file exactly, raw bytes on
stdin are written as they are, and ``read --format text`` prints the file's bytes."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from helpers import opencode_command

LATIN1 = "café, naïve, Straße, déjà vu\r\nZürich\n".encode("latin-1")
INVALID_UTF8 = b"ok \xe2\x82 cut \xff\xfe lone \xc3( bad \xed\xa0\x80 surrogate\nend"
MIXED = "déjà ".encode() + b"\xe9t\xe9\n" + "ünïcode\n".encode()


@pytest.mark.parametrize("data", [LATIN1, INVALID_UTF8, MIXED], ids=["latin-1", "invalid-utf8", "mixed"])
def test_read_pipe_write_is_byte_exact(oc, project: Path, data: bytes):
    (project / "src.txt").write_bytes(data)
    read = oc("read", "src.txt")
    assert read.code == 0, read.stderr
    assert read.record["encoding"] == "base64"
    assert base64.b64decode(read.record["text"]) == data
    assert "\ufffd" in read.record["output"]  # the model sees readable lines
    result = oc("write", "copy.txt", input=read.stdout)
    assert result.code == 0, result.stderr
    assert (project / "copy.txt").read_bytes() == data


def test_utf8_files_keep_plain_text_records(oc, project: Path):
    (project / "src.txt").write_bytes("héllo\n".encode())
    record = oc("read", "src.txt").record
    assert record["text"] == "héllo\n" and "encoding" not in record


def test_read_with_a_limit_carries_only_the_lines_asked_for(oc, project: Path):
    (project / "src.txt").write_bytes(b"one\n\xe9two\nthree\n")
    read = oc("read", "src.txt", "--offset", "2", "--limit", "1")
    assert base64.b64decode(read.record["text"]) == b"\xe9two\n"
    assert oc("write", "part.txt", input=read.stdout).code == 0
    assert (project / "part.txt").read_bytes() == b"\xe9two\n"


@pytest.mark.parametrize("data", [LATIN1, INVALID_UTF8], ids=["latin-1", "invalid-utf8"])
def test_format_text_prints_the_exact_bytes(project: Path, env: dict, data: bytes):
    (project / "src.txt").write_bytes(data)
    for args in (["read", "src.txt", "--format", "text"], ["--format", "text", "read", "src.txt", "--offset", "1"]):
        out = subprocess.run([*opencode_command(), *args], cwd=project, env=env, capture_output=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout == data


def test_raw_binary_stdin_is_written_as_it_is(oc, project: Path):
    data = bytes(range(256)) * 64
    result = oc("write", "blob.bin", input=data)
    assert result.code == 0, result.stderr
    assert (project / "blob.bin").read_bytes() == data


def test_raw_non_utf8_that_looks_like_json_is_still_bytes(oc, project: Path):
    data = b'{"type": "message", "text": "\xff"}\n'
    assert oc("write", "odd.txt", input=data).code == 0
    assert (project / "odd.txt").read_bytes() == data


def test_base64_content_parameter(oc, project: Path):
    payload = {"path": "b.bin", "content": base64.b64encode(b"\x00\xff\x80").decode(), "encoding": "base64"}
    result = oc("tool", "call", "write", json.dumps(payload))
    assert result.code == 0, result.stderr
    assert (project / "b.bin").read_bytes() == b"\x00\xff\x80"
    bad = oc("tool", "call", "write", json.dumps({**payload, "content": "not base64!"}))
    assert bad.code == 1 and "base64" in bad.stderr and "Traceback" not in bad.stderr
