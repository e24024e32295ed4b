"""Saves are atomic and masked: a reader or a crash never meets half a file or a secret."""

from __future__ import annotations

import json
import os
import threading

import pytest

from opencode.session import SessionStore, read_session, text_part, tool_part
from opencode.secrets import Redactor, is_secret_name
from helpers import session_folder


def test_every_read_during_many_saves_is_valid_json(store: SessionStore, make_session):
    session = make_session()
    path = session.path
    stop = threading.Event()
    bad: list[str] = []
    reads = 0

    def reader():
        nonlocal reads
        while not stop.is_set():
            try:
                json.loads(path.read_bytes())
                reads += 1
            except ValueError as exc:
                bad.append(str(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        reply = session.messages[-1]
        for number in range(150):
            part = session.add_part(reply, text_part(f"chunk {number} " + "x" * 2000))
            store.save(session)
            session.update_part(part, text=part["text"] + " more")
            store.save(session)
    finally:
        stop.set()
        thread.join()
    assert not bad and reads > 0
    assert len(read_session(path).messages[-1]["parts"]) == 152
    assert session_folder(path.parent) == [path.name]  # no temp files left


def test_a_crash_during_save_keeps_the_previous_file(store: SessionStore, make_session, monkeypatch):
    session = make_session()
    before = session.path.read_bytes()
    session.add_message("user", [text_part("lost in flight")])

    def crash(src, dst, **dir_fds):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save(session)
    monkeypatch.undo()
    assert session.path.read_bytes() == before
    assert session_folder(session.path.parent) == [session.path.name]


def test_file_is_indented_json_with_the_documented_keys(make_session):
    session = make_session()
    text = session.path.read_text()
    assert text.startswith('{\n  "format": 1,\n  "id": ')
    data = json.loads(text)
    assert data["usage"] == {"input_tokens": 120, "output_tokens": 30, "cached_tokens": 0}
    assert data["snapshots"] == [] and data["compaction"] is None and data["parent_id"] is None
    assert data["project"] == str(session.project) and os.path.isabs(data["project"])
    tool = data["messages"][1]["parts"][0]
    assert tool == {
        "type": "tool",
        "call_id": "call_1",
        "tool": "read",
        "input": {"path": "a.py"},
        "status": "completed",
        "output": "1\tprint('hi')\n",
        "metadata": {},
    }


ENV = {
    "OPENAI_API_KEY": "sk-live-1234567890",
    "GITHUB_TOKEN": "ghp_abcdefghijkl",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
    "DB_PASSWORD": "hunter2hunter2",
    "CLIENT_SECRET_VALUE": "client-secret-1",
    "SHORT_TOKEN": "abc",
    "HOME": "/home/someone-long-enough",
    "TOKENIZER": "cl100k_base_tokenizer",
}


def test_secret_names():
    for name in ("OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "SECRET", "my_api_key"):
        assert is_secret_name(name), name
    for name in ("HOME", "TOKENIZER", "API_KEY_ENV", "PATH", "KEYBOARD"):
        assert not is_secret_name(name), name


def test_redact_text_masks_secret_values_only():
    text = (
        "key=sk-live-1234567890 gh=ghp_abcdefghijkl aws=wJalrXUtnFEMI/K7MDENG pw=hunter2hunter2 "
        "cs=client-secret-1 short=abc home=/home/someone-long-enough tok=cl100k_base_tokenizer"
    )
    masked = Redactor(ENV).text(text)
    assert masked == (
        "key=*** gh=*** aws=*** pw=*** cs=*** short=abc home=/home/someone-long-enough tok=cl100k_base_tokenizer"
    )
    assert Redactor({}).text("nothing here") == "nothing here"


def test_longer_secret_containing_a_shorter_one_goes_whole():
    env = {"A_TOKEN": "abcdefgh", "B_TOKEN": "abcdefgh-and-more"}
    assert Redactor(env).text("x abcdefgh-and-more y abcdefgh") == "x *** y ***"


def test_redact_value_walks_json():
    value = {"input": {"command": "echo sk-live-1234567890"}, "list": ["ghp_abcdefghijkl", 3, None], "sk-live-1234567890": 1}
    assert Redactor(ENV).value(value) == {"input": {"command": "echo ***"}, "list": ["***", 3, None], "***": 1}


def test_store_with_env_never_writes_secrets(project, data_dir):
    store = SessionStore.open({}, project, data_dir, env=ENV)
    session = store.create()
    session.add_message("user", [text_part("use key sk-live-1234567890")])
    reply = session.add_message("assistant")
    session.add_part(reply, tool_part("c", "bash", {"command": "env"}, status="completed", output="GITHUB_TOKEN=ghp_abcdefghijkl\n"))
    store.save(session)
    raw = session.path.read_text()
    assert "sk-live-1234567890" not in raw and "ghp_abcdefghijkl" not in raw
    assert "use key ***" in raw and "GITHUB_TOKEN=***" in raw
    # The session in memory keeps the real text for the model.
    assert session.messages[0]["parts"][0]["text"] == "use key sk-live-1234567890"
