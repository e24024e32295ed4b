"""The chat loop: read a line in the input box, run it as a command or a turn, repeat.

``Chat`` holds what the turns share (the workspace, the terminal, the view, the
state) and nothing else: every turn is an ``AgentTask`` on the chat's session, shown
by the same ``ChatView`` the records would reach anywhere.
"""

from __future__ import annotations

import re

from ..errors import OpencodeError
from .commands import STOP, all_names, dispatch
from .keys import PALETTE, QUIT_KEY, SWITCH, EscWatcher, prompt_bindings
from .titling import Retitler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..app.workspace import Workspace
    from ..protocol import PipedInput
    from .status import ChatState
    from .terminal import Terminal

_MENTION = re.compile(r"(?:^|\s)@([^\s@]+)")


class Chat:
    def __init__(self, workspace: Workspace, terminal: Terminal, state: ChatState, piped: PipedInput | None = None) -> None:
        from rich.console import Console

        from ..render.chat_view import ChatView

        self.workspace, self.terminal, self.state, self.piped = workspace, terminal, state, piped
        self.console = Console(file=terminal.stream, highlight=False)
        self.view = ChatView(self.console)
        self._files: list[str] | None = None
        self.typeahead: list[str] = []
        self.watcher = EscWatcher(terminal.input, lambda: None, self.typeahead)
        self.retitler = Retitler(workspace, state, self._redraw)
        self._prompt: Any = None

    # -- what commands use -------------------------------------------------------

    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(text, markup=False, style=style)

    def error(self, error: OpencodeError) -> None:
        self.say(f"Error: {error.message}", style="red")
        if error.hint:
            self.say(f"  hint: {error.hint}", style="dim")

    def person(self):
        from .person import ChatPerson

        return ChatPerson(self.terminal, self.watcher)

    def need_session(self) -> str:
        from ..errors import UsageError

        if self.state.session_id is None:
            raise UsageError("no session yet: send a message first")
        return self.state.session_id

    def resume(self, wanted: str) -> None:
        session = self.workspace.sessions.load(wanted)
        self.state.new_session()
        self.state.session_id, self.state.title = session.id, session.title or ""
        if session.agent in self.workspace.agents:
            self.state.agent = session.agent
        self.say(f"resumed session {session.short_id}: {session.title}")

    def files(self) -> list[str]:
        if self._files is None:
            from .complete import project_files

            self._files = project_files(self.workspace.root)
        return self._files

    async def turn(self, prompt: str, agent: str | None = None, model: str | None = None) -> None:
        from .turn import run_turn

        piped, self.piped = self.piped, None  # the pipe seeds the first message only
        fresh = self.state.session_id is None
        records = await run_turn(self.workspace, self.terminal, self.view, self.state, prompt, piped=piped, agent=agent, model=model, watcher=self.watcher)
        if fresh and self.state.session_id is not None and records[-1].get("reason") == "completed":
            self.retitler.start(self.state.session_id, prompt, records[-1].get("text") or "")

    def _redraw(self) -> None:
        if self._prompt is not None:
            self._prompt.app.invalidate()

    # -- the loop ------------------------------------------------------------------

    async def send(self, line: str) -> Any:
        """A line from the input box: a command, or a message (with its @files)."""
        if line.startswith("/"):
            return await dispatch(self, line)
        await self.turn(line + await self.mentioned_files(line))
        return None

    async def mentioned_files(self, line: str) -> str:
        """The text of each project file the line names as ``@path``, as context."""
        parts = []
        for name in dict.fromkeys(_MENTION.findall(line)):
            if name in self.workspace.agents or not (self.workspace.root / name).is_file():
                continue
            outcome = await self.workspace.call_tool("read", {"path": name})
            if outcome.error is not None:
                raise outcome.error
            parts.append(f'<file path="{name}">\n{outcome.result.output}\n</file>')
        return "".join("\n\n" + part for part in parts)

    def switch_agent(self) -> None:
        """Tab on an empty line: build ↔ plan (through the primary agents)."""
        names = [agent.name for agent in self.workspace.agents.primary()]
        if self.state.agent in names and len(names) > 1:
            self.state.agent = names[(names.index(self.state.agent) + 1) % len(names)]

    async def palette(self) -> str:
        """Ctrl+P: a command picked from all of them; one that wants an argument goes to
        the input box to be finished, the others run at once."""
        from .commands import BUILTINS, NEEDS_ARGUMENT
        from .pickers import palette_choices, pick

        name = await pick(self, "Command? (type to filter, Esc: none)", palette_choices(self))
        if name is None:
            return ""
        if name in NEEDS_ARGUMENT or name not in BUILTINS:
            self.typeahead[:] = list(f"/{name} ")
            return ""
        return f"/{name}"

    async def run(self) -> int:
        """Chat until quit. The terminal stays raw throughout, so keys typed between
        a turn and the next prompt arrive as typed (Enter is not made a Ctrl-J)."""
        with self.terminal.input.raw_mode():
            self.watcher.take_pending()
            try:
                return await self._loop()
            finally:
                self.retitler.cancel()

    async def _loop(self) -> int:
        session = self._prompt = self._prompt_session()
        while True:
            now, sent, later = "".join(self.typeahead).partition("\r")
            self.typeahead[:] = list(later)
            if QUIT_KEY in now:
                return 0
            try:
                line = await session.prompt_async(default=now, accept_default=bool(sent))
            except EOFError:
                return 0
            except KeyboardInterrupt:
                continue
            if line == SWITCH:
                self.switch_agent()
                continue
            if line == PALETTE:
                line = await self.palette()
            line = line.strip()
            if not line:
                continue
            self.view.user(line)  # the prompt erases itself: a key's empty line leaves nothing
            self.watcher.start()  # keys typed while busy wait for the next prompt
            self.retitler.busy = True
            try:
                if await self.send(line) is STOP:
                    return 0
            except OpencodeError as error:
                self.error(error)
            finally:
                self.watcher.stop()
                self.retitler.busy = False
                self.retitler.apply()

    def _prompt_session(self):
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory

        from .complete import make_completer

        history = self.workspace.data_dir / "chat_history"
        history.parent.mkdir(parents=True, exist_ok=True)
        agents = lambda: [agent.name for agent in self.workspace.agents.primary()]  # noqa: E731
        return PromptSession(
            message=lambda: f"{self.state.agent}> ",
            history=FileHistory(str(history)),
            completer=make_completer(lambda: all_names(self), agents, self.files),
            complete_while_typing=False,
            key_bindings=prompt_bindings(self.state.toggle_help),
            bottom_toolbar=self.state.toolbar,
            input=self.terminal.input,
            output=self.terminal.output,
            erase_when_done=True,
        )
