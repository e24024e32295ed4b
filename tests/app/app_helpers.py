"""Helpers for the application-layer tests: a scripted person, and a harness that runs
a workspace's services in-process against a ``ScriptedModel``.

Nothing here replaces opencode code: the model is the packaged ``ScriptedModel`` and
the person is any object with ``approve`` and ``answer``, as ``agent.seams`` says.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from opencode.app.ask import AskOptions, ask
from opencode.app.run import AgentTask, TaskOptions
from opencode.app.workspace import Workspace
from opencode.llm.scripted import ScriptedModel

#: Records that only pace a run; most tests look at the others.
PACING = ("text_delta", "step_start", "step_finish")


class ScriptedPerson:
    """A person who gives the same approval to every ask and the same answers to every
    question, and remembers what they were asked."""

    def __init__(self, approval: str | None = "once", answers: list[Any] | None = None) -> None:
        self.approval = approval
        self.answers = answers
        self.asks: list[Any] = []
        self.questions: list[list[dict[str, Any]]] = []

    async def approve(self, ask: Any) -> str | None:
        self.asks.append(ask)
        return self.approval

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any] | None:
        self.questions.append(questions)
        return self.answers


class Run:
    """The outcome of one agent task: its records and its exit code."""

    def __init__(self, records: list[dict[str, Any]], exit_code: int) -> None:
        self.records = records
        self.exit_code = exit_code

    def types(self, skip: tuple[str, ...] = PACING) -> list[str]:
        return [r["type"] for r in self.records if r["type"] not in skip]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["type"] == kind]

    @property
    def results(self) -> list[dict[str, Any]]:
        return self.of("tool_result")

    @property
    def done(self) -> dict[str, Any]:
        assert self.records and self.records[-1]["type"] == "done", self.records
        return self.records[-1]

    @property
    def session_id(self) -> str:
        return self.records[0]["session_id"]


def collect(task: AgentTask) -> Run:
    """Run ``task`` to its end on a fresh event loop."""

    async def gather() -> list[dict[str, Any]]:
        return [record async for record in task.records()]

    records = asyncio.run(gather())
    return Run(records, task.exit_code)


class Harness:
    """A workspace on a project, its scripted model and the person a run may ask."""

    def __init__(self, workspace: Workspace, model: ScriptedModel, person: ScriptedPerson | None) -> None:
        self.workspace, self.model, self.person = workspace, model, person

    @property
    def root(self) -> Path:
        return self.workspace.cwd

    def task(self, prompt: str, *, piped: Any = None, **options: Any) -> AgentTask:
        return AgentTask(self.workspace, prompt, TaskOptions(**options), piped=piped, person=self.person)

    def run(self, prompt: str, *, piped: Any = None, **options: Any) -> Run:
        return collect(self.task(prompt, piped=piped, **options))

    def ask(self, prompt: str, *, piped: Any = None, **options: Any) -> list[dict[str, Any]]:
        async def gather() -> list[dict[str, Any]]:
            return [record async for record in ask(self.workspace, AskOptions(prompt, **options), piped)]

        return asyncio.run(gather())

    def saved(self, session_id: str) -> dict[str, Any]:
        """The session file as it is on disk, under the project's docs/sessions/."""
        return read_session_file(self.root, session_id)


def read_session_file(root: Path, session_id: str) -> dict[str, Any]:
    found = sorted((root / "docs" / "sessions").glob(f"session_*_{session_id[:8]}.json"))
    assert len(found) == 1, f"expected one file for session {session_id} in {root}/docs/sessions, found {found}"
    return json.loads(found[0].read_text(encoding="utf-8"))


def tool_parts(session: dict[str, Any]) -> list[dict[str, Any]]:
    """Every tool part of a saved session, in order."""
    return [part for message in session["messages"] for part in message.get("parts", []) if part.get("type") == "tool"]


def tool_messages(request: Any) -> list[dict[str, Any]]:
    """The tool results a model request carries back to the model."""
    return [m for m in request.messages if m["role"] == "tool"]


def offered_tools(request: Any) -> set[str]:
    """The names of the tools a model request offers."""
    return {schema["function"]["name"] for schema in request.tools or []}


def user_texts(request: Any) -> list[str]:
    return [m["content"] for m in request.messages if m["role"] == "user"]


def all_text(request: Any) -> str:
    """Every message's content in a request, joined (for 'the model saw X')."""
    return "\n".join(str(m.get("content") or "") for m in request.messages)
