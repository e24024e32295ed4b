"""The session object model: messages, parts, titles, usage, and the file round trip."""

from __future__ import annotations

import pytest

from opencode.errors import UsageError
from opencode.session import Session, reasoning_part, snapshot_part, text_part, title_from_prompt, tool_part


def test_title_from_first_line_of_prompt():
    assert title_from_prompt("\n  Fix the   failing test \nmore detail") == "Fix the failing test"
    long = "Refactor the session store so that it handles every edge case we know about today"
    title = title_from_prompt(long)
    assert len(title) <= 60 and title.endswith("…") and long.startswith(title[:-1])
    assert title_from_prompt("x" * 100) == "x" * 59 + "…"
    assert title_from_prompt("") == ""


def test_first_user_text_titles_an_untitled_session():
    session = Session.new("/p")
    session.add_message("system", [text_part("you are helpful")])
    session.add_message("user", [text_part("explain main.py\nplease")])
    session.add_message("user", [text_part("second prompt")])
    assert session.title == "explain main.py"
    titled = Session.new("/p", title="mine")
    titled.add_message("user", [text_part("anything")])
    assert titled.title == "mine"


def test_messages_and_parts():
    session = Session.new("/p", agent="build", model="openai/gpt-4o")
    before = session.updated
    message = session.add_message("assistant", agent="build", model="openai/gpt-4o", usage=None)
    assert set(message) == {"id", "role", "created", "agent", "model", "parts"}
    assert len(message["id"]) == 32
    call = session.add_part(message, {"type": "tool", "call_id": "c1", "tool": "bash", "input": {"command": "ls"}})
    assert call["status"] == "running" and call["output"] == "" and call["metadata"] == {}
    session.update_part(call, status="completed", output="a.py\n", metadata={"exit": 0}, error=None)
    assert "error" not in call
    assert message["parts"][0] is call and call["status"] == "completed"
    for part in (reasoning_part("hmm"), {"type": "compaction", "summary": "summary", "upto": message["id"]}, snapshot_part("4b825dc6")):
        assert session.add_part(message, part) is part
    assert [p["type"] for p in message["parts"]] == ["tool", "reasoning", "compaction", "snapshot"]
    assert session.updated >= before
    assert [m for m in session.messages if m["id"] == message["id"]][0] is message


def test_bad_roles_parts_and_statuses_are_refused():
    session = Session.new("/p")
    with pytest.raises(UsageError):
        session.add_message("robot")
    message = session.add_message("assistant")
    with pytest.raises(UsageError, match="unknown part type"):
        session.add_part(message, {"type": "image"})
    with pytest.raises(UsageError, match="without text"):
        session.add_part(message, {"type": "text"})
    call = session.add_part(message, tool_part("c1", "read", {"path": "x"}))
    with pytest.raises(UsageError, match="status"):
        session.update_part(call, status="finished")
    assert call["status"] == "running"  # a refused update changes nothing


def test_usage_adds_up():
    session = Session.new("/p")
    session.add_usage({"input_tokens": 100, "output_tokens": 20, "cached_tokens": 50}, 0.001)
    session.add_usage({"input_tokens": 10, "output_tokens": 2}, 0.0005)
    assert session.usage == {"input_tokens": 110, "output_tokens": 22, "cached_tokens": 50}
    assert session.cost_usd == pytest.approx(0.0015)


def test_round_trip_keeps_everything_including_unknown_keys():
    session = Session.new("/p", agent="plan", model="m", parent_id="a" * 32)
    message = session.add_message("user", [text_part("hi")])
    session.add_part(message, tool_part("c", "grep", {"pattern": "x"}, status="error", error="boom"))
    session.snapshots.append({"tree": "abc", "message": message["id"]})
    session.compaction = {"summary": "s", "upto": message["id"]}
    data = session.to_dict()
    assert data["format"] == 1
    assert list(data)[:10] == ["format", "id", "title", "created", "updated", "project", "agent", "model", "parent_id", "messages"]
    data["future_field"] = {"x": 1}
    again = Session.from_dict(data)
    assert again.to_dict() == data
    assert again == Session.from_dict(again.to_dict())
