"""How a recipe run is shown when stdout wants its result, not its records.

The recipe's output (the ``done`` record's text) goes to stdout through the renderer
of the output mode: Markdown on a terminal, exact text for ``--format text``. Progress
goes to stderr: the live table of ``recipe_progress`` when stderr is a terminal, one
line per finished step otherwise (a CI log). A dry run's plan is printed step by step.
"""

from __future__ import annotations

from .base import progress_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from .base import Renderer


class RecipeView:
    """``records``: every record goes to the renderer (JSON Lines in a pipe), and
    stderr still says what stopped the run, for the person reading the CI log."""

    def __init__(self, renderer: Renderer, stderr: TextIO, *, progress: Any = None, quiet: bool = False, records: bool = False) -> None:
        self.renderer, self.diag, self.stderr = renderer, renderer.diag, stderr
        self.progress, self.quiet, self.records = progress, quiet, records

    def show(self, record: dict[str, Any]) -> None:
        kind = record["type"]
        if self.records:
            self.renderer.show(record)
            if kind == "error" and not record.get("recipe_step"):
                self.diag.error(record["error"]["message"], record["error"].get("hint"))
            return
        if self.progress is not None:
            self.progress.show(record)
        elif kind == "step_finish" and not record.get("recipe_step") and isinstance(record.get("step"), str):
            self._line(_finished(record))
        if kind == "step_plan":
            self._plan(record)
        elif kind == "error" and not record.get("recipe_step"):
            self.diag.error(record["error"]["message"], record["error"].get("hint"))
        elif kind == "tool_result" and record.get("status") == "denied":
            self.diag.warning(f"{record['tool']}: {record.get('error')}")
        elif kind == "done":
            self._done(record)

    def fail(self, error: Any, tool: str | None = None) -> None:
        self.renderer.fail(error, tool)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.close()
        self.renderer.close()

    def _plan(self, record: dict[str, Any]) -> None:
        rendered = record.get("rendered") or {}
        body = rendered.get("prompt") or rendered.get("command") or rendered.get("task")
        if body is None:
            body = " ".join(f"{k}={v!r}" for k, v in rendered.items())
        head = f"{record['step']} ({record['kind']}" + (f", after {', '.join(record['needs'])}" if record.get("needs") else "") + ")"
        indented = "\n".join("    " + line for line in str(body).splitlines())
        self.renderer.put(f"{head}\n{indented}\n")

    def _done(self, record: dict[str, Any]) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        text = record.get("text") or ""
        if text:
            self.renderer.show({"type": "message", "role": "assistant", "text": text})
        for warning in record.get("warnings") or ():
            self.diag.warning(warning)

    def _line(self, line: str) -> None:
        if not self.quiet:
            progress_line(self.stderr, line)


def _finished(record: dict[str, Any]) -> str:
    mark = {"ok": "✓", "cached": "✓", "skipped": "-", "failed": "✗"}.get(record.get("status", ""), "·")
    extra = " (cached)" if record.get("cached") else ""
    seconds = record.get("duration_ms", 0) / 1000
    error = f": {record['error']['message']}" if record.get("error") else ""
    return f"{mark} {record['step']} {record.get('status')}{extra} {seconds:.1f}s{error}"
