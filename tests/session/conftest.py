"""Fixtures for the session tests: stores and a session factory."""

from __future__ import annotations

from pathlib import Path

import pytest

@pytest.fixture
def data_dir(env: dict[str, str]) -> Path:
    return Path(env["OPENCODE_DATA_DIR"])


@pytest.fixture
def store(project: Path, data_dir: Path):
    """The store ``opencode`` itself uses when run from the project root (no config)."""
    from opencode.session import SessionStore

    return SessionStore.open({}, project, data_dir)


@pytest.fixture
def make_session(store):
    """``make_session(prompt=..., answer=..., store=..., **create)``: a saved session with a
    user prompt, a completed tool call and an answer."""
    from opencode.session import text_part, tool_part

    def make(prompt: str = "fix the failing test", answer: str = "done", store=store, **create):
        session = store.create(agent=create.pop("agent", "build"), model=create.pop("model", "openai/gpt-4o"), **create)
        session.add_message("user", [text_part(prompt)])
        reply = session.add_message("assistant", agent=session.agent, model=session.model)
        call = session.add_part(reply, tool_part("call_1", "read", {"path": "a.py"}))
        session.update_part(call, status="completed", output="1\tprint('hi')\n")
        session.add_part(reply, text_part(answer))
        session.add_usage({"input_tokens": 120, "output_tokens": 30}, 0.0015)
        store.save(session)
        return session

    return make
