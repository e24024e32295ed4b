"""The chat's keys: those of the input box, and Esc while a turn runs.

In the input box Enter sends, Alt-Enter and Ctrl-J start a new line, Tab on an
empty line switches agent (else it completes), Ctrl+N, Ctrl+L, Ctrl+S and Ctrl+O are
the ``/new``, ``/clear``, ``/save`` and ``/sessions`` commands, Ctrl+P opens the command
palette, Ctrl+H (on an empty line, where it is not Backspace) and F1 toggle the help
panel under the status bar, Ctrl+Q quits (as Ctrl+D on an empty line does). While a turn
runs there is no input box, so ``EscWatcher`` reads the raw keys itself: Esc (or
Ctrl-C) cancels the turn.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

#: What a key's command is, as the line the person could have typed.
QUIT, NEW, CLEAR, SAVE, SESSIONS = "/quit", "/new", "/clear", "/save", "/sessions"
SWITCH, PALETTE = "\x00switch", "\x00palette"
#: Ctrl+Q pressed while busy, kept in the typeahead: quit once the prompt would be back.
QUIT_KEY = "\x11"


def prompt_bindings(toggle_help: Callable[[], None]):
    """Key bindings of the input box; a key that is a command ends the prompt with it."""
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()
    empty = Condition(lambda: _buffer_empty())

    @bindings.add("escape", "enter")
    @bindings.add("c-j")
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    @bindings.add("tab", filter=empty)
    def _switch(event) -> None:
        event.app.exit(result=SWITCH)

    @bindings.add("c-h", filter=empty)
    @bindings.add("f1")
    def _help(event) -> None:
        toggle_help()
        event.app.invalidate()

    keys = (("c-n", NEW), ("c-l", CLEAR), ("c-q", QUIT), ("c-s", SAVE), ("c-o", SESSIONS), ("c-p", PALETTE))
    for key, command in keys:
        bindings.add(key)(_ends_with(command))
    return bindings


def _ends_with(command: str) -> Callable[[Any], None]:
    def handler(event) -> None:
        event.app.exit(result=command)

    return handler


def _buffer_empty() -> bool:
    from prompt_toolkit.application import get_app

    return not get_app().current_buffer.text


class EscWatcher:
    """Reads the keyboard while a turn runs and calls ``on_cancel`` at Esc or Ctrl-C.

    Raw mode is on only while watching; ``paused()`` gives the keyboard back (to a
    permission ask) for a while. What is typed meanwhile is kept in ``typeahead``
    for the next prompt, so typing ahead of the answer loses nothing.
    """

    def __init__(self, terminal_input: Any, on_cancel: Callable[[], None], typeahead: list[str] | None = None) -> None:
        self.input, self.on_cancel = terminal_input, on_cancel
        self.typeahead = typeahead if typeahead is not None else []
        self._stack: ExitStack | None = None

    def start(self) -> None:
        if self._stack is not None:
            return
        stack = ExitStack()
        stack.enter_context(self.input.raw_mode())
        stack.enter_context(self.input.attach(self._keys))
        self._stack = stack

    def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    @contextmanager
    def paused(self) -> Iterator[None]:
        watching = self._stack is not None
        self.stop()
        try:
            yield
        finally:
            if watching:
                self.start()

    def take_pending(self) -> None:
        """Keep what was typed before the keyboard was watched (chat starting, the
        terminal still cooked: Enter came as a newline) for the first prompt."""
        self._keys()

    def _keys(self) -> None:
        from prompt_toolkit.keys import Keys

        for press in [*self.input.read_keys(), *self.input.flush_keys()]:
            if press.key in (Keys.Escape, Keys.ControlC):
                self.on_cancel()
            elif press.key == Keys.ControlQ:
                self.typeahead.append(QUIT_KEY)
            elif press.key in (Keys.ControlM, Keys.ControlJ):
                self.typeahead.append("\r")  # sent once the prompt is back
            elif len(press.data) == 1 and press.data.isprintable():
                self.typeahead.append(press.data)
