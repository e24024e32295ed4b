"""How chat shows a conversation's records on a terminal.

``ChatView(console)`` takes the records an agent run yields, one at a time:
streamed text as Markdown while it arrives, tool calls as compact lines while they
run, their results collapsed to one numbered line (``expand(n)`` shows one whole),
edits as coloured diffs, errors and the usage of a finished turn.

At most one live region runs at a time (rich allows one per console): the answer
being streamed, or the spinners of the calls still running. Anything printed goes
above the spinners, and every other record first ends the streamed text, which
stays on the screen as it was last drawn, so ``close()`` (Esc mid-stream) keeps
what had arrived. Unknown records and missing fields are ignored: a view must not
be what stops a conversation.
"""

from __future__ import annotations

from . import toolview
from .diffview import cap, diff_view

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from rich.console import Console, RenderableType

HANDLERS = {
    "text_delta": "_delta",
    "message": "_message",
    "tool_call": "_call",
    "tool_result": "_result",
    "error": "_error",
    "retry": "_retry",
    "done": "_done",
}


class ChatView:
    """Shows one session's records on ``console``; see the module docstring.

    ``describe(tool, input)`` names what a call acts on (a face passes
    ``ToolSpec.describe`` through its registry; it must not raise); by default the
    usual parameter names are tried. ``language()`` is asked for the usage line's
    number format. An edit's diff is cut after ``diff_lines`` lines (``expand``
    shows all of it).
    """

    def __init__(
        self,
        console: Console,
        *,
        describe: Callable[[str, dict[str, Any]], str] | None = None,
        language: Callable[[], str] = lambda: "en",
        diff_lines: int = 40,
        refresh_per_second: float = 12,
    ) -> None:
        self.console = console
        self.results: list[dict[str, Any]] = []
        self.describe = describe or (lambda tool, input: toolview.subject(input))
        self.language, self.diff_lines, self.refresh_per_second = language, diff_lines, refresh_per_second
        self._live: Any = None
        self._kind = ""  # what the live region shows: "text", "tools" or nothing
        self._text: list[str] = []
        self._running: dict[str, tuple[str, str]] = {}  # call key -> (tool, label)

    def show(self, record: dict[str, Any]) -> None:
        """One record of a run, in order."""
        name = HANDLERS.get(record.get("type")) if isinstance(record, dict) else None
        if name is None:
            return
        if name not in ("_delta", "_message"):
            self._end_text()
        getattr(self, name)(record)

    def user(self, text: str) -> None:
        """Echo what the person said, so the scrollback reads as a conversation."""
        from rich.text import Text

        self._end_text()
        self.console.print(Text(f"› {text}", style="bold"))

    def notice(self, text: str) -> None:
        """A dim line from chat itself (a command's answer, a hint)."""
        from rich.text import Text

        self._end_text()
        self.console.print(Text(text, style="dim"))

    def expand(self, number: int) -> bool:
        """Show result ``number`` (from 1, across the session) in full; False when
        there is no such one."""
        if not isinstance(number, int) or not 1 <= number <= len(self.results):
            return False
        self._end_text()
        record = self.results[number - 1]
        self.console.print(toolview.summary(number, record, self._described(record)))
        self.console.print(toolview.full_output(record))
        diff = toolview.edit_diff(record)
        if diff:
            self.console.print(diff_view(diff, self.console.width))
        return True

    def close(self) -> None:
        """End a turn or a cancel: the streamed text stays, spinners go, nothing stays live."""
        self._end_text()
        self._running.clear()
        self._stop()

    # -- the live region -------------------------------------------------------

    def _start(self, kind: str, renderable: RenderableType) -> None:
        from rich.live import Live

        self._stop()
        self._live = Live(
            renderable,
            console=self.console,
            refresh_per_second=self.refresh_per_second,
            transient=kind == "tools",
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._kind = kind
        self._live.start()

    def _stop(self) -> None:
        live, kind, self._live, self._kind = self._live, self._kind, None, ""
        if live is not None:
            live.stop()
            if kind == "text" and not self.console.is_terminal:
                self.console.line()  # rich ends the last line only on a terminal

    # -- streamed text ---------------------------------------------------------

    def _delta(self, record: dict[str, Any]) -> None:
        text = record.get("text")
        if not isinstance(text, str) or not text:
            return
        self._text.append(text)
        shown = _Tail(_markdown("".join(self._text)))
        if self._kind != "text":
            self._start("text", shown)
        self._live.update(shown, refresh=True)

    def _end_text(self, final: str | None = None) -> bool:
        """Draw the streamed text (or ``final`` in its place) whole, once, and stop
        its live region; whether there was any."""
        streaming = self._kind == "text"
        if streaming:
            self._live.update(_markdown(final if final is not None else "".join(self._text)))
            self._stop()
        self._text = []
        return streaming

    def _message(self, record: dict[str, Any]) -> None:
        """The answer whole: it replaces the streamed text in place (drawn once); a
        message that was not streamed (a cached answer) is drawn here."""
        text = record.get("text")
        if record.get("role", "assistant") != "assistant" or not isinstance(text, str):
            self._end_text()
        elif not self._end_text(final=text) and text.strip():
            self.console.print(_markdown(text))

    # -- tool calls --------------------------------------------------------------

    def _described(self, record: dict[str, Any]) -> str:
        input = record.get("input") if isinstance(record.get("input"), dict) else {}
        return toolview.one_line(self.describe(str(record.get("tool", "")), input) or "")

    def _call(self, record: dict[str, Any]) -> None:
        tool = str(record.get("tool", "?"))
        key = record.get("call_id") or f"{tool}#{len(self.results)}.{len(self._running)}"
        self._running[str(key)] = (tool, f"{tool} {self._described(record)}".rstrip())
        self._draw_running()

    def _draw_running(self) -> None:
        if not self._running:
            self._stop()
            return
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.text import Text

        width = max(self.console.width - 3, 10)
        spinners = []
        for _, label in self._running.values():
            line = Text(label, no_wrap=True)
            line.truncate(width, overflow="ellipsis")
            spinners.append(Spinner("dots", line, style="cyan"))
        if self._kind != "tools":
            self._start("tools", Group(*spinners))
        self._live.update(Group(*spinners), refresh=True)

    def _finished(self, record: dict[str, Any]) -> None:
        """Take the call this result answers off the running ones."""
        key = record.get("call_id")
        if key in self._running:
            del self._running[key]
            return
        for other, (tool, _) in self._running.items():
            if tool == record.get("tool") and (key is None or other.startswith(f"{tool}#")):
                del self._running[other]
                return

    def _result(self, record: dict[str, Any]) -> None:
        self.results.append(record)
        self._finished(record)
        if not self._running:
            self._stop()
        line = toolview.summary(len(self.results), record, self._described(record))
        line.truncate(self.console.width, overflow="ellipsis")
        self.console.print(line, no_wrap=True, overflow="ellipsis")
        diff = toolview.edit_diff(record)
        if diff:
            shown, rest = cap(diff, self.diff_lines)
            self.console.print(diff_view(shown, self.console.width))
            if rest:
                self._dim(f"… {rest:,} more lines of diff: /expand {len(self.results)}")
        self._draw_running()

    # -- the rest --------------------------------------------------------------

    def _dim(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(text, style="dim"))

    def _error(self, record: dict[str, Any]) -> None:
        from rich.text import Text

        error = record.get("error")
        error = error if isinstance(error, dict) else {"message": error}
        line = Text()
        line.append(f"✗ {error.get('message') or 'error'}", style="red")
        if error.get("hint"):
            line.append(f"  {error['hint']}", style="dim")
        self.console.print(line)

    def _retry(self, record: dict[str, Any]) -> None:
        attempt = f", attempt {record['attempt']}" if record.get("attempt") is not None else ""
        self._dim(f"retrying in {record.get('delay_s', '?')} s ({record.get('reason', 'error')}{attempt})")

    def _done(self, record: dict[str, Any]) -> None:
        from .usage import describe

        self.close()
        for denial in record.get("denials") or ():
            if isinstance(denial, dict):
                self._dim(f"denied {denial.get('tool', '?')}: {denial.get('reason', '')}")
        usage = record.get("usage")
        if not isinstance(usage, dict):
            return
        turns = record.get("turns")
        turns = f"{turns} turn{'' if turns == 1 else 's'}" if isinstance(turns, int) else ""
        cost = record.get("cost_usd") if isinstance(record.get("cost_usd"), (int, float)) else None
        duration = record.get("duration_ms") if isinstance(record.get("duration_ms"), (int, float)) else 0
        line = describe(usage, cost, duration, turns, self.language()).rstrip(" ·")
        reason = record.get("reason")
        self._dim(line if reason in (None, "completed", "done") else f"{reason} · {line}")


def _markdown(text: str) -> RenderableType:
    from rich.markdown import Markdown

    return Markdown(text, code_theme="ansi_dark")


class _Tail:
    """A renderable's last lines, as many as fit the screen: the live answer shows
    its newest text instead of its top cut off with an ellipsis."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: Any):
        from rich.segment import Segment

        lines = console.render_lines(self.renderable, options, pad=False)
        for line in lines[-max(console.size.height - 1, 1) :]:
            yield from line
            yield Segment.line()
