"""An ``ask`` session can be followed up by an agent and compacted like any other."""

from __future__ import annotations

from pathlib import Path

from fakellm.script import Reply


def test_an_ask_session_resumes_and_compacts(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("Paris."))
    asked = oc("ask", "What is the capital of France?", extra_env=keys)
    assert asked.code == 0, asked.stderr
    session_id = asked.record["session_id"]

    fake_llm.script(Reply.text("About two million people."))
    resumed = oc("session", "resume", session_id[:8], "How many live there?", "--json", extra_env=keys)
    assert resumed.code == 0, resumed.stderr
    assert resumed.records[-1]["session_id"] == session_id and resumed.records[0]["agent"] == "build"
    assert "Paris." in fake_llm.chat_requests[-1].text

    fake_llm.script(Reply.text("## Goal\nFacts about Paris"))
    compacted = oc("session", "compact", session_id[:8], "--json", extra_env=keys)
    assert compacted.code == 0, compacted.stderr
    assert compacted.record["summary"].startswith("## Goal")
