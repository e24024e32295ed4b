"""What every renderer does: show records, report a failure, finish."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from ..errors import OpencodeError
    from .diag import Diagnostics


class Renderer:
    """Records in, one output mode's bytes out. Data goes to ``out``; what a person
    should read about it (errors, warnings, progress) goes to ``diag`` (stderr)."""

    def __init__(self, out: TextIO, diag: Diagnostics) -> None:
        self.out = out
        self.diag = diag

    def show(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def fail(self, error: OpencodeError, tool: str | None = None) -> None:
        """A command failed: say so on stderr (JSON renderers also write the record)."""
        self.diag.error(error.message, error.hint)

    def empty(self, note: str) -> None:
        """A listing had nothing to list; only people are told so (with ``note``)."""

    def close(self) -> None:
        """Finish whatever is still open (a table being collected, a live view)."""

    def put(self, text: str) -> None:
        """Write data to ``out`` now. A reader that went away raises BrokenPipeError,
        which stops the command (exit 141, quietly), as it stops ``cat``."""
        self.out.write(text)
        self.out.flush()

    def retry(self, record: dict[str, Any]) -> None:
        self.diag.info(f"retrying in {record.get('delay_s')} s ({record.get('reason')})")


def progress_line(stream: TextIO, line: str) -> None:
    """A line of progress for the person or the CI log watching stderr; a closed
    stream is no reason to stop the run."""
    try:
        stream.write(line + "\n")
        stream.flush()
    except (BrokenPipeError, ValueError):
        pass
