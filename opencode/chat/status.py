"""What the chat is on now, and the status bar that shows it.

``ChatState`` is the chat's only memory between turns: the session it continues,
the agent and model the next message runs as, and the totals of the finished turns
(taken from their ``session`` and ``done`` records, so the bar shows what the
session files say).
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass
class ChatState:
    project: str
    agent: str
    model: str | None = None
    shown_model: str = ""
    session_id: str | None = None
    title: str = ""
    tokens: int = 0
    cost: float = 0.0

    def note(self, record: dict[str, Any]) -> None:
        """Follow a turn's records: its session, and what it used."""
        kind = record.get("type")
        if kind == "session":
            self.session_id = record.get("session_id") or self.session_id
            self.title = record.get("title") or self.title
            self.shown_model = record.get("model") or self.shown_model
        elif kind == "done":
            usage = record.get("usage") or {}
            self.tokens += int(usage.get("input_tokens", 0) or 0) + int(usage.get("output_tokens", 0) or 0)
            self.cost += float(record.get("cost_usd") or 0.0)

    def new_session(self) -> None:
        self.session_id, self.title, self.tokens, self.cost = None, "", 0, 0.0

    def toolbar(self) -> str:
        """One line: project, session title, agent, model, tokens, cost."""
        title = self.title or ("new session" if self.session_id is None else self.session_id[:8])
        model = self.model or self.shown_model or "default model"
        return f" {self.project} │ {title} │ agent {self.agent} │ {model} │ {self.tokens} tokens │ ${self.cost:.4f} "
