"""The person at the command line's terminal, asked with questionary on stderr
(stdout stays data): ``render.asking.QuestionaryPerson``."""

from __future__ import annotations

from ..render.asking import QuestionaryPerson, stderr_output

__all__ = ["TerminalPerson", "stderr_output"]


class TerminalPerson(QuestionaryPerson):
    def __init__(self) -> None:
        super().__init__(lambda: {"output": stderr_output()})
