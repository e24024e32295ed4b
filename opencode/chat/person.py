"""The person at the chat's terminal, asked inline with questionary on the chat's own
input and output (``render.asking.QuestionaryPerson``). While a question is on screen
the turn's Esc watcher lets go of the keyboard, so the keys reach the question."""

from __future__ import annotations

from contextlib import nullcontext

from ..render.asking import QuestionaryPerson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .keys import EscWatcher
    from .terminal import Terminal


class ChatPerson(QuestionaryPerson):
    def __init__(self, terminal: Terminal, watcher: EscWatcher | None = None) -> None:
        self.terminal, self.watcher = terminal, watcher
        super().__init__(
            lambda: {"input": terminal.input, "output": terminal.output},
            watcher.paused if watcher is not None else nullcontext,
        )
