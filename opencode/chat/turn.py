"""One chat turn: an ``AgentTask`` on the chat's session, its records on screen.

The task's records go to the ``ChatView`` as they arrive and to the ``ChatState``
(session, usage). Esc cancels the asyncio task consuming them: ``AgentTask`` then
ends with its ``done`` record and the session keeps what was done, and the prompt is
back as soon as that record is shown.
"""

from __future__ import annotations

import asyncio

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..app.workspace import Workspace
    from ..protocol import PipedInput
    from ..render.chat_view import ChatView
    from .keys import EscWatcher
    from .status import ChatState
    from .terminal import Terminal


def task_options(state: ChatState, prompt: str, workspace: Workspace, agent: str | None = None, model: str | None = None):
    """The turn's options: the chat's session, agent and model. A message starting with
    ``@plan``/``@build`` picks its own agent, so the chat's is not forced on it."""
    from ..agent.agents import pick_agent_from_prompt
    from ..app.run import TaskOptions

    picked, _ = pick_agent_from_prompt(prompt, workspace.agents)
    return TaskOptions(session=state.session_id, agent=agent or (None if picked else state.agent), model=model or state.model)


async def run_turn(
    workspace: Workspace,
    terminal: Terminal,
    view: ChatView,
    state: ChatState,
    prompt: str,
    *,
    piped: PipedInput | None = None,
    agent: str | None = None,
    model: str | None = None,
    watcher: EscWatcher,
) -> list[dict[str, Any]]:
    """Run ``prompt`` as one turn; returns its records (the last is ``done``). The
    ``watcher`` is reading the keyboard; its Esc cancels this turn."""
    from ..app.run import AgentTask
    from .person import ChatPerson

    records: list[dict[str, Any]] = []
    consumer: asyncio.Task | None = None
    cancelled: list[bool] = []

    def cancel() -> None:
        if consumer is not None and not consumer.done() and not cancelled:
            cancelled.append(True)
            consumer.cancel()

    before, watcher.on_cancel = watcher.on_cancel, cancel
    task = AgentTask(workspace, prompt, task_options(state, prompt, workspace, agent, model), piped=piped, person=ChatPerson(terminal, watcher))

    async def consume() -> None:
        async for record in task.records():
            records.append(record)
            state.note(record)
            view.show(record)  # an error's hint is drawn with it

    consumer = asyncio.ensure_future(consume())
    try:
        await consumer
    except asyncio.CancelledError:
        if not cancelled:
            raise
    finally:
        watcher.on_cancel = before
        view.close()
    if cancelled:
        view.console.print("(cancelled)", style="yellow", markup=False)
    return records
