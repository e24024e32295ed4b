"""Chat's entry: ``run_chat`` opens the terminal, builds the workspace and runs the loop.

The command line starts chat through this module only (``docs/architecture.md``),
with plain values: the working directory, the environment, the config flags, the
chat's options and anything piped in. litellm starts loading in the background at
once, so the prompt takes typing before the model library is ready.
"""

from __future__ import annotations

import asyncio
import errno
import importlib
import threading
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

    from ..app.workspace import Workspace
    from ..protocol import PipedInput
    from .status import ChatState


#: The exit status when the terminal hangs up, as for a SIGHUP.
HUNG_UP = 129


def run_chat(
    cwd: Path,
    env: Mapping[str, str],
    *,
    flags: Mapping[str, Any] | None = None,
    profile: str | None = None,
    agent: str | None = None,
    model: str | None = None,
    continue_last: bool = False,
    session: str | None = None,
    read_piped: Callable[[], PipedInput | None] | None = None,
    stdin: Any = None,
    stdout: Any = None,
) -> int:
    """Chat until the person quits; returns the exit status. No terminal, an unknown
    agent or session: an ``OpencodeError`` before anything is drawn. ``read_piped``
    reads what was piped in; it is called once a terminal is found."""
    from ..app.workspace import Workspace
    from .repl import Chat
    from .terminal import open_terminal

    terminal = open_terminal(stdin, stdout)
    try:
        with terminal.input.raw_mode():  # from here on keys typed ahead are not echoed
            piped = read_piped() if read_piped is not None else None
            threading.Thread(target=importlib.import_module, args=("litellm",), daemon=True).start()
            workspace = Workspace(cwd, env, flags=flags, profile=profile)
            state = initial_state(workspace, agent, model, continue_last, session)
            chat = Chat(workspace, terminal, state, piped)
            for warning in workspace.warnings:
                chat.say(f"warning: {warning}", style="yellow")
            if piped is not None and not piped.is_empty:
                chat.say("(the piped input is context for your first message)", style="dim")
            return asyncio.run(chat.run())
    except OSError as exc:
        if exc.errno not in (errno.EIO, errno.ENXIO):
            raise
        return HUNG_UP  # the terminal went away (window closed, ssh dropped): nobody to tell
    finally:
        terminal.close()


def initial_state(workspace: Workspace, agent: str | None, model: str | None, continue_last: bool, session: str | None) -> ChatState:
    """The state the chat starts in: the session continued (``-c``, ``--session``) or
    none yet, its agent or the one asked for, the model asked for."""
    from ..app.sessions import pick_session
    from .status import ChatState

    agents = workspace.agents
    picked = pick_session(workspace.sessions, session, continue_last, hint="start one with: opencode chat")
    name = agent or (picked.agent if picked is not None and picked.agent in agents else None)
    name = agents.get(name or workspace.config.get("agent") or agents.default.name).name
    state = ChatState(project=workspace.root.name, agent=name, model=workspace.model(model).name if model else None)
    state.shown_model = _default_model(workspace, agents.get(name).model)
    if picked is not None:
        state.session_id, state.title = picked.id, picked.title or ""
    return state


def _default_model(workspace: Workspace, agent_model: str | None) -> str:
    """The model a turn would use, for the status bar ("" when it cannot be told yet)."""
    from ..errors import OpencodeError

    try:
        return workspace.model(agent_model).name
    except OpencodeError:
        return ""
