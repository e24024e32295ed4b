"""For a person at a terminal: answers as Markdown (live while they stream), edits
with their diff, listings as aligned tables. rich is imported here and only here,
and one ``Console`` serves the whole command.
"""

from __future__ import annotations

from .. import protocol
from .base import Renderer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from .diag import Diagnostics

#: Record types a listing is made of; they are collected and shown as one table.
TABLES = ("tool", "model")
MODEL_COLUMNS = ("model", "context", "max out", "$ in/Mtok", "$ out/Mtok")


class HumanRenderer(Renderer):
    def __init__(self, out: TextIO, diag: Diagnostics, *, color: bool = True) -> None:
        super().__init__(out, diag)
        self.color = color
        self._console = None
        self._live = None
        self._streamed: list[str] = []
        self._rows: list[dict[str, Any]] = []

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.out, no_color=not self.color, highlight=False)
        return self._console

    def show(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if self._rows and kind != self._rows[0]["type"]:
            self._flush_rows()
        if kind in TABLES:
            self._rows.append(record)
        elif kind == "retry":
            self.retry(record)
        elif kind == "text_delta":
            self._delta(record.get("text", ""))
        elif kind == "message":
            self._message(str(record.get("text", "")))
        elif kind == "tool_result":
            self._tool_result(record)
        else:
            text = record.get("text") or record.get("output")
            self.put(text.rstrip("\n") + "\n" if isinstance(text, str) else protocol.dumps(record) + "\n")

    def empty(self, note: str) -> None:
        self.put(note.rstrip("\n") + "\n")

    def close(self) -> None:
        self._flush_rows()
        self._stop_live()

    # -- answers -----------------------------------------------------------------

    def _delta(self, text: str) -> None:
        from rich.markdown import Markdown

        self._streamed.append(text)
        if self._live is None:
            from rich.live import Live

            self._live = Live(Markdown(""), console=self.console, refresh_per_second=15, vertical_overflow="visible")
            self._live.start()
        self._live.update(Markdown("".join(self._streamed)))

    def _message(self, text: str) -> None:
        if self._live is not None:
            self._stop_live()  # the answer is on the screen already
            return
        from rich.markdown import Markdown

        self.console.print(Markdown(text))

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        self._streamed = []

    # -- tool results and listings ---------------------------------------------------

    def _tool_result(self, record: dict[str, Any]) -> None:
        self.put(str(record.get("output", "")).rstrip("\n") + "\n")
        diff = (record.get("metadata") or {}).get("diff")
        if diff:
            from rich.syntax import Syntax

            self.console.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))

    def _flush_rows(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        if rows[0]["type"] == "tool":
            width = max(len(r["name"]) for r in rows) + 2
            self.put("".join(f"{r['name'].ljust(width)}{r['permission']:<9}{r['summary']}{'' if r['enabled'] else '  (disabled)'}\n" for r in rows))
            return
        from rich.table import Table

        table = Table(*MODEL_COLUMNS, box=None)
        for r in rows:
            table.add_row(r["model"], _number(r["context_window"]), _number(r["max_output"]), _number(r["input_per_mtok"]), _number(r["output_per_mtok"]))
        self.console.print(table)


def _number(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"
