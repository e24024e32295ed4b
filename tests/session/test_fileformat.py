"""The format number: newer files are refused, older ones go through the upgrade steps."""

from __future__ import annotations

import json

import pytest

import opencode.session.fileformat as fileformat
from opencode.errors import UsageError
from opencode.session import Session, SessionFileError, read_session


def _data() -> dict:
    session = Session.new("/p")
    session.add_message("user", [{"type": "text", "text": "hi"}])
    return session.to_dict()


def test_newer_format_is_refused_clearly(tmp_path):
    data = _data() | {"format": 99}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SessionFileError) as caught:
        read_session(path)
    assert "format 99 is newer" in caught.value.message and str(path) in caught.value.message
    assert caught.value.hint and caught.value.exit_code == 2


@pytest.mark.parametrize("value", [None, "1", 0, True])
def test_missing_or_bad_format_is_not_a_session(value):
    data = _data()
    data["format"] = value
    with pytest.raises(SessionFileError, match="format"):
        Session.from_dict(data)


def test_older_formats_run_the_upgrade_steps_in_order(monkeypatch):
    calls = []

    def one_to_two(data):
        calls.append(1)
        data["usage"] = {"input_tokens": data.pop("tokens_in")}
        return data

    def two_to_three(data):
        calls.append(2)
        data["title"] = data["title"].upper()
        return data

    monkeypatch.setattr(fileformat, "FORMAT", 3)
    monkeypatch.setattr(fileformat, "UPGRADES", {1: one_to_two, 2: two_to_three})
    old = _data()
    old.update(format=1, title="old one", tokens_in=7)
    del old["usage"]
    session = Session.from_dict(old)
    assert calls == [1, 2]
    assert session.title == "OLD ONE" and session.usage["input_tokens"] == 7
    assert session.to_dict()["format"] == 3


def test_a_missing_upgrade_step_is_an_error(monkeypatch):
    old = _data()
    monkeypatch.setattr(fileformat, "FORMAT", 2)
    monkeypatch.setattr(fileformat, "UPGRADES", {})
    with pytest.raises(SessionFileError, match="no upgrade from session format 1"):
        Session.from_dict(old)


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"id": "xyz"}, "id"),
        ({"created": "yesterday"}, "created"),
        ({"messages": {}}, "messages"),
        ({"messages": [{"id": "m", "role": "robot", "parts": []}]}, "role"),
        ({"messages": [{"id": "m", "role": "user", "parts": [{"type": "video"}]}]}, "part 0"),
        ({"messages": [{"id": "m", "role": "user"}]}, "parts"),
        ({"cost_usd": "free"}, "cost_usd"),
        ({"parent_id": "nope"}, "parent_id"),
    ],
)
def test_malformed_sessions_name_the_problem(change, complaint):
    with pytest.raises(UsageError, match=complaint):
        Session.from_dict(_data() | change)
