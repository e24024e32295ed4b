"""Messages for people on stderr: errors, warnings, progress, debug.

Stdout carries data; everything a person should read goes here. This is deliberately
not the ``logging`` module, whose import alone costs a noticeable share of a tool
command's start-up; libraries that log (litellm, httpx) are configured by the layers
that use them.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, TextIO

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}

_RESET = "\x1b[0m"
_STYLES = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "hint": "\x1b[2m", "info": "\x1b[36m", "debug": "\x1b[2m"}


class Diagnostics:
    """Writes leveled messages to a stream; colour only for terminals that want it."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        level: str = "WARNING",
        color: bool = False,
        quiet: bool = False,
        mask: Callable[[str], str] | None = None,
    ) -> None:
        """``mask`` hides secrets in every message (a provider's error may quote a key)."""
        self.stream = stream or sys.stderr
        self.level = LEVELS.get(level.upper(), 30)
        self.color = color
        self.quiet = quiet
        self.mask = mask

    def _write(self, kind: str, label: str, message: str) -> None:
        if self.mask is not None:
            message = self.mask(message)
        prefix = f"{_STYLES[kind]}{label}{_RESET}" if self.color else label
        try:
            self.stream.write(f"{prefix}{message}\n")
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            pass

    def error(self, message: str, hint: str | None = None) -> None:
        self._write("error", "Error: ", message)
        if hint:
            self._write("hint", "  ", hint)

    def warning(self, message: str) -> None:
        if not self.quiet and self.level <= 30:
            self._write("warning", "Warning: ", message)

    def info(self, message: str) -> None:
        if not self.quiet and self.level <= 20:
            self._write("info", "", message)

    def debug(self, message: str) -> None:
        if self.level <= 10:
            self._write("debug", "debug: ", message)
