"""How chat shows a conversation's records on a terminal (interface; see the issue).

``ChatView(console)`` takes the records an agent run yields, one at a time:
streamed text as Markdown while it arrives, tool calls as compact lines while they
run, their results collapsed to one numbered line (``expand(n)`` shows one whole),
edits as coloured diffs, errors and the usage of a finished turn.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console


class ChatView:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.results: list[dict[str, Any]] = []

    def show(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if kind == "text_delta":
            self.console.print(record.get("text", ""), end="", markup=False, highlight=False)
        elif kind == "message" and record.get("role") == "assistant":
            self.console.print()
        elif kind == "tool_call":
            self.console.print(f"→ {record['tool']}", markup=False)
        elif kind == "tool_result":
            self.results.append(record)
            self.console.print(f"  [{len(self.results)}] {record['tool']}: {record.get('status')}", markup=False)
        elif kind == "error":
            self.console.print(f"Error: {record['error']['message']}", markup=False, style="red")

    def expand(self, number: int) -> bool:
        """Show result ``number`` (from 1) in full; False when there is no such one."""
        if not 1 <= number <= len(self.results):
            return False
        self.console.print(self.results[number - 1].get("output", ""), markup=False)
        return True

    def close(self) -> None:
        """End a turn: stop anything live."""
