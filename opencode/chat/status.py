"""What the chat is on now, and the status bar that shows it.

``ChatState`` is the chat's only memory between turns: the session it continues,
the agent and model the next message runs as, and the totals of the finished turns
(taken from their ``session``, ``step_finish`` and ``done`` records, so the bar shows
what the session files say).
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
    context_used: int = 0
    context_window: int = 0
    show_help: bool = False

    def note(self, record: dict[str, Any]) -> None:
        """Follow a turn's records: its session, and what it used."""
        kind = record.get("type")
        if kind == "session":
            self.session_id = record.get("session_id") or self.session_id
            self.title = record.get("title") or self.title
            self.shown_model = record.get("model") or self.shown_model
        elif kind == "step_finish":
            # What the last request held plus its answer: about what the next one holds.
            usage = record.get("usage") or {}
            self.context_used = int(usage.get("input_tokens", 0) or 0) + int(usage.get("output_tokens", 0) or 0)
            self.context_window = int(record.get("context_window") or self.context_window)
        elif kind == "done":
            usage = record.get("usage") or {}
            self.tokens += int(usage.get("input_tokens", 0) or 0) + int(usage.get("output_tokens", 0) or 0)
            self.cost += float(record.get("cost_usd") or 0.0)

    def new_session(self) -> None:
        self.session_id, self.title, self.tokens, self.cost = None, "", 0, 0.0
        self.context_used = 0

    def toggle_help(self) -> None:
        self.show_help = not self.show_help

    def toolbar(self) -> str:
        """The status line (project, session title, agent, model, tokens, context left,
        cost), and under it the help panel while it is toggled on."""
        title = self.title or ("new session" if self.session_id is None else self.session_id[:8])
        model = self.model or self.shown_model or "default model"
        line = f" {self.project} │ {title} │ agent {self.agent} │ {model} │ {self.tokens} tokens{self.context_left()} │ ${self.cost:.4f} "
        return line + ("\n" + HELP_PANEL if self.show_help else "")

    def context_left(self) -> str:
        """`` · 87% context left`` once a turn has told the model's window."""
        if not self.context_window:
            return ""
        left = max(0, self.context_window - self.context_used) * 100 // self.context_window
        return f" · {left}% context left"


#: The keys, shown under the status bar by Ctrl+H or F1.
HELP_PANEL = "\n".join(
    (
        " Enter send · Alt-Enter/Ctrl-J new line · Tab switch agent (empty line) or complete · ↑/↓ history",
        " Esc cancel the turn · Ctrl+N new session · Ctrl+S save · Ctrl+O sessions · Ctrl+P command palette",
        " Ctrl+L clear · Ctrl+H/F1 this help · Ctrl+Q quit · @file context · @plan/@build agent for one message",
    )
)
