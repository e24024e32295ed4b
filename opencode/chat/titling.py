"""The session's title from the small model, asked in the background after a new
session's first exchange (``app.titles``) and written between turns.

The question runs while the person reads the answer or types the next message; a
title that arrives during a turn waits for the turn to end, since the turn is
writing the same session file. The status bar shows the new title once written.
"""

from __future__ import annotations

import asyncio

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from ..app.workspace import Workspace
    from .status import ChatState


class Retitler:
    def __init__(self, workspace: Workspace, state: ChatState, redraw: Callable[[], None]) -> None:
        self.workspace, self.state, self.redraw = workspace, state, redraw
        self.busy = False  # a turn is running: it owns the session file
        self.pending: tuple[str, str] | None = None
        self._tasks: set[asyncio.Task] = set()

    def start(self, session_id: str, prompt: str, answer: str) -> None:
        """Ask for a title for this exchange, when a small model is configured."""
        if not self.workspace.config.get("small_model") or not answer:
            return
        task = asyncio.ensure_future(self._ask(session_id, prompt, answer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ask(self, session_id: str, prompt: str, answer: str) -> None:
        from ..app.titles import suggest_title

        title = await suggest_title(self.workspace, prompt, answer)
        if title:
            self.pending = (session_id, title)
            if not self.busy:
                self.apply()

    def apply(self) -> None:
        """Write the title that arrived, if any (call it when no turn runs)."""
        from ..app.titles import retitle
        from ..errors import OpencodeError

        if self.pending is None:
            return
        (session_id, title), self.pending = self.pending, None
        try:
            retitle(self.workspace, session_id, title)
        except (OpencodeError, OSError):
            return  # the prompt's words stay the title
        if self.state.session_id == session_id:
            self.state.title = title
            self.redraw()

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
