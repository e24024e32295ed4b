"""The seams of an agent run: what the loop needs from the world around it, as types.

The loop is handed these and knows nothing else of where it runs:

- a ``ModelClient`` (``llm.types``): litellm, or the scripted model in-process;
- a ``Person`` who approves what needs approval and answers questions, or None
  when nobody is there (a headless run: every ask is then a denial);
- a ``SessionSink`` that keeps the conversation (``session.SessionStore``), and the
  ``Conversation`` itself (``session.Session``).

Each face supplies its own: the CLI a person at the terminal, the server one behind
a WebSocket, tests a scripted one.
"""

from __future__ import annotations

from typing import Protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: What a person may answer a ``PermissionAsk``.
ONCE, ALWAYS, DENY = "once", "always", "deny"


class PermissionAsk:
    """One question for a person: may this happen?

    ``kind`` is ``tool`` (a call needs approval), ``external_directory`` (a path
    outside the project), ``doom_loop`` (the same call keeps repeating) or
    ``plan_exit`` (leaving the read-only plan agent) or ``protected_path``. ``patterns``
    are what "always" would remember (``bash:git *``, one per program a command runs),
    and what ``--allow`` would have to be given; ``can_always`` says whether that is on
    offer. ``subject`` names what the call acts on and ``subject_kind`` how grants
    match it (see ``ToolSpec``); ``path`` is the call's path, when it has one.
    """

    __slots__ = ("kind", "tool", "params", "subject", "subject_kind", "path", "patterns", "question", "can_always")

    def __init__(
        self,
        kind: str,
        tool: str,
        params: dict[str, Any],
        question: str,
        *,
        subject: str = "",
        subject_kind: str = "text",
        path: str | None = None,
        patterns: list[str] | None = None,
        can_always: bool = True,
    ) -> None:
        self.kind, self.tool, self.params, self.question = kind, tool, params, question
        self.subject, self.subject_kind, self.path = subject, subject_kind, path
        self.patterns, self.can_always = patterns or [tool], can_always

    @property
    def pattern(self) -> str:
        """The patterns as people read them: ``bash:git *, bash:make *``."""
        return ", ".join(self.patterns)

    def __repr__(self) -> str:
        return f"PermissionAsk({self.kind!r}, {self.tool!r}, {self.subject!r})"


class Person(Protocol):
    """The person a run may ask (at a terminal, in a browser, scripted in a test)."""

    async def approve(self, ask: PermissionAsk) -> str | None:
        """``"once"``, ``"always"`` or ``"deny"``; None when nobody is there to ask."""
        ...

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any] | None:
        """One answer per question (the ``question`` tool); None when nobody can answer."""
        ...


class Conversation(Protocol):
    """A session as the loop uses it (``session.Session``)."""

    id: str
    title: str
    agent: str | None
    messages: list[dict[str, Any]]
    compaction: dict[str, Any] | None
    snapshots: list[Any]

    def add_message(self, role: str, parts: list[dict[str, Any]] | None = None, **meta: Any) -> dict[str, Any]: ...

    def add_part(self, message: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]: ...

    def update_part(self, part: dict[str, Any], **fields: Any) -> dict[str, Any]: ...

    def add_usage(self, usage: dict[str, Any] | None = None, cost_usd: float | None = None) -> None: ...


class SessionSink(Protocol):
    """Where a run keeps its conversation (``session.SessionStore``)."""

    def save(self, session: Any) -> Any:
        """Write the session as it is now; called after every finished part."""
        ...

    def create(self, title: str = "", agent: str | None = None, model: str | None = None, parent_id: str | None = None) -> Any:
        """A new session (a subagent's child session, say), not yet saved."""
        ...
