"""Where chat talks to the person: the terminal, even when stdin or stdout is a pipe.

``git diff | opencode chat`` has its stdin taken by the pipe, so the keys come from
``/dev/tty``; with stdout redirected the screen is ``/dev/tty`` too. Without any
terminal there is nobody to chat with: a usage error (exit 2), never a hang.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

NO_TERMINAL = "opencode chat needs a terminal; for a headless run use: opencode run \"...\""


@dataclass
class Terminal:
    """The prompt_toolkit input and output, and the stream rich writes to."""

    input: Any
    output: Any
    stream: TextIO
    opened: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for handle in self.opened:
            try:
                handle.close()
            except OSError:
                pass


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _open_tty(mode: str) -> Any:
    try:
        return open("/dev/tty", mode, encoding="utf-8")  # noqa: SIM115 (closed by Terminal.close)
    except OSError:
        raise UsageError(NO_TERMINAL) from None


def open_terminal(stdin: Any = None, stdout: Any = None) -> Terminal:
    """The person's terminal: stdin/stdout where they are terminals, else ``/dev/tty``."""
    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    opened: list[Any] = []
    if not _isatty(stdin) and not _isatty(stdout) and not os.path.exists("/dev/tty"):
        raise UsageError(NO_TERMINAL)
    keys = stdin if _isatty(stdin) else _open_tty("r")
    screen = stdout if _isatty(stdout) else _open_tty("w")
    opened += [f for f in (keys, screen) if f not in (stdin, stdout)]
    return Terminal(create_input(stdin=keys), create_output(stdout=screen), screen, opened)
