"""An agent run for someone who wants its answer, not its event stream.

``opencode run "..." > answer.md`` and a run watched at a terminal both get the final
answer on stdout (through the text or the human renderer) and, on stderr, a progress
line per tool call, each failed call, the run's error and, with ``-v``, a summary of
what it cost. ``--json`` gets every record instead (the JSON Lines renderer).
"""

from __future__ import annotations

from .base import progress_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TextIO

    from ..errors import OpencodeError
    from .base import Renderer


class AnswerView:
    """Shows a run's records through ``renderer``; see the module docstring.

    ``describe(tool, input)`` names what a call acts on, for progress lines;
    ``summary`` says whether to show the cost summary at the end, in the language
    ``language()`` gives (asked only then).
    """

    def __init__(
        self,
        renderer: Renderer,
        stderr: TextIO,
        *,
        describe: Callable[[str, dict[str, Any]], str],
        quiet: bool = False,
        summary: bool = False,
        language: Callable[[], str] = lambda: "en",
    ) -> None:
        self.renderer, self.diag, self.stderr = renderer, renderer.diag, stderr
        self.describe, self.quiet, self.summary, self.language = describe, quiet, summary, language

    def show(self, record: dict[str, Any]) -> None:
        kind = record["type"]
        if kind == "tool_call":
            self._progress(f"→ {record['tool']} {self.describe(record['tool'], record['input'])}".rstrip())
        elif kind == "tool_result" and record.get("status") in ("error", "denied"):
            self.diag.warning(f"{record['tool']}: {record.get('error')}")
        elif kind == "tool_result" and (record.get("metadata") or {}).get("sandbox_warning"):
            self.diag.warning(f"{record['tool']}: {record['metadata']['sandbox_warning']}")
        elif kind == "message":
            self.renderer.show(record)
        elif kind == "retry":
            self.renderer.retry(record)
        elif kind == "error":
            self.diag.error(record["error"]["message"], record["error"].get("hint"))
        elif kind == "done":
            self._done(record)

    def fail(self, error: OpencodeError, tool: str | None = None) -> None:
        self.renderer.fail(error, tool)

    def close(self) -> None:
        self.renderer.close()

    def _progress(self, line: str) -> None:
        """What the agent is doing, for the person or the CI log watching (not a
        warning, so not behind ``-v``; ``-q`` silences it)."""
        if not self.quiet:
            progress_line(self.stderr, line)

    def _done(self, record: dict[str, Any]) -> None:
        for denial in record.get("denials") or ():
            self.diag.warning(f"denied {denial['tool']}: {denial['reason']}")
        if self.quiet or not self.summary:
            return
        from .usage import describe

        line = describe(record["usage"], record["cost_usd"], record["duration_ms"], f"{record['turns']} turns", self.language())
        session = f" · session {record['session_id'][:8]}" if record.get("session_id") else ""
        self.diag.info(f"{record['reason']} · {line}{session}")
