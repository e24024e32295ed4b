"""A recipe run as a person at a terminal watches it: one row per step, live, on stderr.

Each row shows the step's status (waiting, running with a spinner, ok, cached,
skipped, failed), its elapsed time, tokens and cost; below the table, the error of
each failed step and a totals line. Everything comes from the records the run yields
(see "Recipe runs" in docs/protocol.md); the view decides nothing about the run.

Records of a step's own work (``recipe_step`` set: its deltas, tool calls, agent
turns, a sub-recipe's records) are not printed; they only keep the row's tokens and
cost current while it runs. The step's ``step_finish`` then gives the real figures.

On a terminal the table is a rich ``Live`` at a modest refresh rate, which neither
takes over stdout (the run's data still goes there) nor stderr. Elsewhere (a CI log,
a file) nothing moves: the final table is printed once, at ``close``.
"""

from __future__ import annotations

import threading
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console, RenderableType

    from ..errors import OpencodeError

REFRESH_PER_SECOND = 8
#: status -> (mark, style) for a finished or waiting row.
MARKS = {
    "waiting": ("·", "dim"), "ok": ("✓", "green"), "cached": ("↺", "cyan"),
    "skipped": ("–", "dim"), "failed": ("✗", "bold red"), "stopped": ("■", "yellow"), "not run": ("·", "dim"),
}


class _Row:
    """What the records said of one step so far."""

    def __init__(self, key: str, kind: str = "") -> None:
        self.key, self.kind, self.status = key, kind, "waiting"
        self.started: float | None = None
        self.duration_ms: int | None = None
        self.usage: dict[str, Any] = {}
        self.cost_usd: float | None = 0.0
        self.attempts = 1
        self.error: str | None = None
        self.heard = False  # a record named this very step (not only its foreach items)
        # While running: the best lower bounds of its tokens and cost, from its turns,
        # from a sub-recipe's steps, and from the largest running total it reported.
        self.turns, self.children, self.seen = [0, 0.0], [0, 0.0], [0, 0.0]

    def start(self, kind: str, now: float) -> None:
        self.kind, self.status, self.started, self.heard = kind or self.kind, "running", now, True

    def finish(self, record: dict[str, Any]) -> None:
        self.heard = True
        self.kind = record.get("kind") or self.kind
        self.status = str(record.get("status") or "ok")
        if record.get("cached") and self.status == "ok":
            self.status = "cached"
        self.duration_ms = int(record.get("duration_ms") or 0)
        self.usage = dict(record.get("usage") or {})
        self.cost_usd = record.get("cost_usd")
        self.attempts = int(record.get("attempts") or 1)
        error = record.get("error")
        self.error = str(error.get("message")) if isinstance(error, dict) else None

    def hear(self, record: dict[str, Any]) -> None:
        """A record of the step's own work: only its usage counts here."""
        usage, kind = record.get("usage"), record.get("type")
        if not isinstance(usage, dict):
            return
        amount = [_tokens(usage), record.get("cost_usd") or 0.0]
        if kind == "step_finish" and isinstance(record.get("step"), int):
            self.turns = [self.turns[0] + amount[0], self.turns[1] + amount[1]]
        elif kind == "step_finish":
            self.children = [self.children[0] + amount[0], self.children[1] + amount[1]]
        elif kind in ("message", "done"):
            self.seen = [max(self.seen[0], amount[0]), max(self.seen[1], amount[1])]

    def tokens(self) -> int:
        if self.duration_ms is not None:
            return _tokens(self.usage)
        return max(self.turns[0], self.children[0], self.seen[0])

    def cost(self) -> float | None:
        if self.duration_ms is not None:
            return self.cost_usd
        return max(self.turns[1], self.children[1], self.seen[1])

    def elapsed_ms(self, now: float) -> int | None:
        if self.duration_ms is not None:
            return self.duration_ms
        return int((now - self.started) * 1000) if self.started is not None else None


class RecipeProgress:
    """The live view of one recipe run on ``console`` (stderr's); see the module
    docstring. ``show(record)`` for each record, ``close()`` at the end."""

    def __init__(self, console: Console, *, refresh_per_second: float = REFRESH_PER_SECOND, language: str = "en") -> None:
        self.console, self.refresh_per_second, self.language = console, refresh_per_second, language
        self.recipe = ""
        self.rows: dict[str, _Row] = {}
        self.errors: list[str] = []
        self.done: dict[str, Any] | None = None
        self.started = time.monotonic()
        self.closed = False
        self._lock = threading.Lock()
        self._live = None

    def show(self, record: dict[str, Any]) -> None:
        with self._lock:
            if record.get("recipe_step") is not None:
                self._row(str(record["recipe_step"])).hear(record)
            else:
                self._top(record)
        if self._live is None and not self.closed and self.console.is_terminal:
            self._start()

    def fail(self, error: OpencodeError, tool: str | None = None) -> None:
        """The run failed outside any record (the face caught the error)."""
        with self._lock:
            self.errors.append(error.message)

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
        if self._live is not None:
            self._live.stop()  # its last refresh draws the final table
            self._live = None
        else:
            self.console.print(self)

    def _start(self) -> None:
        from rich.live import Live

        self._live = Live(
            self, console=self.console, refresh_per_second=self.refresh_per_second,
            redirect_stdout=False, redirect_stderr=False, transient=False,
        )
        self._live.start()

    # -- the records ---------------------------------------------------------

    def _top(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if kind == "recipe_start":
            self.recipe = str(record.get("recipe") or record.get("file") or "")
            for step in record.get("steps") or ():
                self._row(str(step))
        elif kind == "step_start" and isinstance(record.get("step"), str):
            self._row(record["step"]).start(str(record.get("kind") or ""), time.monotonic())
        elif kind == "step_finish" and isinstance(record.get("step"), str):
            self._row(record["step"]).finish(record)
        elif kind == "error" and isinstance(record.get("error"), dict):
            self.errors.append(str(record["error"].get("message")))
        elif kind == "done":
            self.done = record

    def _row(self, key: str) -> _Row:
        """The row of step ``key``, made when first heard of; a foreach item
        (``fix[2]``) goes after its step's other rows."""
        if key in self.rows:
            return self.rows[key]
        row = _Row(key)
        base = key.split("[", 1)[0]
        keys = list(self.rows)
        after = [i for i, k in enumerate(keys) if k == base or k.startswith(base + "[")]
        if base != key and after:
            keys.insert(after[-1] + 1, key)
            self.rows[key] = row
            self.rows = {k: self.rows[k] for k in keys}
        else:
            self.rows[key] = row
        return row

    # -- drawing -------------------------------------------------------------

    def __rich__(self) -> RenderableType:
        from rich.console import Group
        from rich.text import Text

        with self._lock:
            now = time.monotonic()
            parts: list[Any] = [self._table(now)]
            for row in self.rows.values():
                if row.status == "failed" and row.error:
                    parts.append(Text(f"✗ {row.key}: {row.error}", style="red"))
            parts += [Text(f"Error: {message}", style="red") for message in self.errors]
            parts.append(Text(self._totals(now), style="bold" if self.done else "dim"))
            return Group(*parts)

    def _table(self, now: float):
        from rich import box
        from rich.table import Table

        table = Table(title=self.recipe or None, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        for name, justify in (("step", "left"), ("kind", "left"), ("status", "left"), ("time", "right"), ("tokens", "right"), ("cost", "right")):
            table.add_column(name, justify=justify, no_wrap=name != "step")
        headers = self._headers()
        for row in self.rows.values():
            name = f"  {row.key}" if "[" in row.key and row.key.split("[", 1)[0] in self.rows else row.key
            if row.key in headers:
                table.add_row(name, row.kind, "", "", "", "")
                continue
            elapsed, tokens, cost = row.elapsed_ms(now), row.tokens(), row.cost()
            table.add_row(
                name, row.kind, self._status(row),
                _seconds(elapsed) if elapsed is not None and row.status != "skipped" else "",
                f"{tokens:,}" if tokens else "",
                _dollars(cost) if tokens or cost != 0 else "",
            )
        return table

    def _headers(self) -> set[str]:
        """Rows that only group foreach items (``fix`` above ``fix[0]``...): no record
        named the step itself, so there is nothing to say of it but its name."""
        grouped = {k.split("[", 1)[0] for k in self.rows if "[" in k}
        return {k for k in grouped if k in self.rows and not self.rows[k].heard}

    def _status(self, row: _Row):
        from rich.spinner import Spinner
        from rich.text import Text

        status = row.status
        if self.closed and status == "running":
            status = "stopped"
        elif self.closed and status == "waiting":
            status = "not run"
        if status == "running":
            return Spinner("dots", text=Text("running", style="yellow"), style="yellow")
        mark, style = MARKS.get(status, ("?", ""))
        tries = f" ×{row.attempts}" if row.attempts > 1 else ""
        return Text(f"{mark} {status}{tries}", style=style)

    def _totals(self, now: float) -> str:
        from .usage import describe

        steps = [r for k, r in self.rows.items() if k not in self._headers()]
        finished = [r for r in steps if r.duration_ms is not None]
        counted = f"{len(finished)}/{len(steps)} steps"
        if self.done is not None:
            done = self.done
            line = describe(done.get("usage") or {}, done.get("cost_usd"), int(done.get("duration_ms") or 0), counted, self.language)
            return f"{done.get('reason', 'done')} · {line}"
        usage = {"input_tokens": sum(int(r.usage.get("input_tokens") or 0) for r in finished),
                 "output_tokens": sum(int(r.usage.get("output_tokens") or 0) for r in finished)}
        costs = [r.cost_usd for r in finished]
        cost = None if None in costs else sum(c or 0.0 for c in costs)
        state = "stopped" if self.closed else "running"
        return f"{state} · " + describe(usage, cost, int((now - self.started) * 1000), counted, self.language)


def _tokens(usage: dict[str, Any]) -> int:
    return int(usage.get("input_tokens") or 0) + int(usage.get("output_tokens") or 0)


def _seconds(ms: int) -> str:
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def _dollars(cost: float | None) -> str:
    return "?" if cost is None else f"${cost:.4f}"
