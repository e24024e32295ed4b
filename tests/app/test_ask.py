"""One question to a model through ``app.ask``, in-process on a scripted model."""

from __future__ import annotations

import pytest

from app_helpers import user_texts
from opencode.errors import CheckFailed, PermissionDenied

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def test_plain_answer_is_one_message_saved_in_a_new_session(workspace_for):
    """ask yields the answer as one message, and keeps Q and A in an "ask" session."""
    harness = workspace_for("The answer is 42.")

    records = harness.ask("What is the answer?")

    assert [r["type"] for r in records] == ["message"]
    assert records[0]["text"] == "The answer is 42."
    saved = harness.saved(records[0]["session_id"])
    assert saved["agent"] == "ask"
    texts = [(m["role"], m["parts"][0]["text"]) for m in saved["messages"]]
    assert texts == [("user", "What is the answer?"), ("assistant", "The answer is 42.")]


def test_streamed_answer_arrives_in_pieces_that_make_the_message(workspace_for):
    """stream=True yields text_delta records first; joined, they are the message."""
    harness = workspace_for("A streamed answer, in several pieces.")

    records = harness.ask("Stream it", stream=True)

    deltas = [r for r in records if r["type"] == "text_delta"]
    assert len(deltas) > 1
    assert records[-1]["type"] == "message"
    assert "".join(d["text"] for d in deltas) == records[-1]["text"] == "A streamed answer, in several pieces."


def test_schema_answer_is_retried_once_and_parsed(workspace_for):
    """An invalid JSON reply is retried with the problem; the valid one comes back as data."""
    harness = workspace_for("not json at all", '{"n": 3}')

    records = harness.ask("How many?", schema=SCHEMA)

    assert records[-1]["data"] == {"n": 3}
    assert len(harness.model.requests) == 2
    assert "invalid" in user_texts(harness.model.requests[1])[-1]


def test_schema_still_invalid_after_retry_raises_check_failed(workspace_for):
    """Two replies that do not match the schema: CheckFailed (exit 6), nothing saved."""
    harness = workspace_for("nope", '{"n": "three"}')

    with pytest.raises(CheckFailed) as raised:
        harness.ask("How many?", schema=SCHEMA)

    assert raised.value.exit_code == 6
    assert not list((harness.root / "docs" / "sessions").glob("*.json"))


def test_continue_last_follows_up_on_the_previous_answer(workspace_for):
    """continue_last sends the earlier question and answer before the new question."""
    harness = workspace_for("Paris.", "About 2 million people.")
    first = harness.ask("What is the capital of France?")

    second = harness.ask("How many people live there?", continue_last=True)

    sent = [(m["role"], m["content"]) for m in harness.model.requests[1].messages]
    assert sent == [
        ("user", "What is the capital of France?"),
        ("assistant", "Paris."),
        ("user", "How many people live there?"),
    ]
    assert second[-1]["session_id"] == first[-1]["session_id"]


def test_attached_file_is_sent_with_the_question(workspace_for):
    """files=[...] puts the file's content before the question."""
    harness = workspace_for("It prints hi.")
    (harness.root / "hello.py").write_text("print('hi')\n")

    harness.ask("What does it do?", files=["hello.py"])

    message = user_texts(harness.model.requests[0])[-1]
    assert "hello.py" in message
    assert "print('hi')" in message
    assert message.endswith("What does it do?")
    # the session is named after the question, not after the file that comes first
    assert harness.workspace.sessions.latest().title == "What does it do?"


def test_attached_file_outside_the_project_is_refused(workspace_for, tmp_path):
    """A file outside the project is not read, so never sent to a model."""
    harness = workspace_for("never")
    secret = tmp_path / "outside.txt"
    secret.write_text("secret\n")

    with pytest.raises(PermissionDenied):
        harness.ask("What is this?", files=[str(secret)])

    assert harness.model.requests == []


def test_cache_answers_a_repeated_question_without_a_model_call(workspace_for):
    """cache=True: the same question twice costs one model call."""
    harness = workspace_for("Cached answer.")  # only one reply: a second call would fail

    first = harness.ask("Same question?", cache=True)
    second = harness.ask("Same question?", cache=True)

    assert len(harness.model.requests) == 1
    assert second[-1]["text"] == first[-1]["text"] == "Cached answer."
    assert second[-1]["cached"] is True
    assert first[-1]["cached"] is False
