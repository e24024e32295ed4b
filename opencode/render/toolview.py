"""Tool calls and results as chat shows them: one line each, the whole on request.

Nothing here names a tool: what a call acts on comes from a ``describe`` function the
face passes (``ToolSpec.describe`` through the registry) or else from the usual
parameter names, and what a result says comes from the ``metadata`` facts the
protocol documents (``exit_code``, ``lines_shown``, ``added``/``removed``...).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from rich.console import RenderableType
    from rich.text import Text

#: Parameters that usually name what a call acts on, the likeliest first.
SUBJECTS = ("path", "file_path", "command", "pattern", "url", "query", "description", "action", "name")


def subject(input: Any) -> str:
    """What a call acts on, from the usual parameter names; '' when none is there."""
    if not isinstance(input, dict):
        return ""
    for key in SUBJECTS:
        value = input.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def one_line(text: str) -> str:
    """``text`` on one line: a multi-line command shows as its lines joined by ``⏎``."""
    return " ⏎ ".join(part.strip() for part in text.strip().splitlines() if part.strip())


def result_subject(record: dict[str, Any], described: str) -> str:
    """The result's own name for its subject (the path as shown) when it has one."""
    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
    if isinstance(metadata.get("path"), str):
        return metadata["path"]
    files = metadata.get("files")
    if not described and isinstance(files, list):
        paths = [f.get("path") for f in files if isinstance(f, dict) and isinstance(f.get("path"), str)]
        return ", ".join(paths)
    return described


def details(record: dict[str, Any]) -> str:
    """The facts in parentheses after a result: ``exit 2``, ``20 lines``, ``+3 -1``."""
    status = record.get("status")
    if status in ("denied", "error"):
        reason = one_line(str(record.get("error") or record.get("output") or ""))
        return f"denied: {reason}" if status == "denied" else reason
    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
    facts = []
    if metadata.get("timed_out"):
        facts.append("timed out")
    elif isinstance(metadata.get("exit_code"), int) and metadata["exit_code"] != 0:
        facts.append(f"exit {metadata['exit_code']}")
    if metadata.get("created") is True:
        facts.append("new")
    if isinstance(metadata.get("added"), int) and isinstance(metadata.get("removed"), int):
        facts.append(f"+{metadata['added']} -{metadata['removed']}")
    elif isinstance(metadata.get("lines_shown"), int):
        facts.append(_count(metadata["lines_shown"], "line"))
    elif isinstance(metadata.get("matches"), int):
        facts.append(_count(metadata["matches"], "match", "matches"))
    elif isinstance(metadata.get("count"), int):
        facts.append(_count(metadata["count"], "entry", "entries"))
    elif not facts and isinstance(record.get("output"), str) and record["output"].strip():
        facts.append(_count(len(record["output"].splitlines()), "line"))
    return ", ".join(facts)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def summary(number: int, record: dict[str, Any], described: str) -> Text:
    """``[3] ✓ read main.py (20 lines)``; a failed or denied call gets a red ``✗``."""
    from rich.text import Text

    failed = record.get("status") in ("denied", "error") or (record.get("metadata") or {}).get("exit_code") not in (None, 0)
    line = Text()
    line.append(f"[{number}] ", style="dim")
    line.append("✗ " if failed else "✓ ", style="red" if failed else "green")
    line.append(str(record.get("tool", "?")), style="bold")
    name = one_line(result_subject(record, described))
    if name:
        line.append(f" {name}")
    facts = details(record)
    if facts:
        line.append(f" ({facts})", style="red" if failed else "dim")
    return line


def edit_diff(record: dict[str, Any]) -> str:
    """The unified diff a file-changing result carries, or ''."""
    metadata = record.get("metadata")
    diff = metadata.get("diff") if isinstance(metadata, dict) else None
    return diff if isinstance(diff, str) and record.get("status", "completed") == "completed" else ""


def full_output(record: dict[str, Any]) -> RenderableType:
    """A result in full: a file's content highlighted by its name's extension
    (numbered from where it was read), anything else as the plain text it is."""
    from rich.text import Text

    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
    text, path = record.get("text"), metadata.get("path")
    if isinstance(text, str) and isinstance(path, str) and record.get("encoding") is None and text:
        from rich.syntax import Syntax

        start = metadata.get("offset") if isinstance(metadata.get("offset"), int) else 1
        lexer = Syntax.guess_lexer(path, code=text)
        return Syntax(text.rstrip("\n"), lexer, line_numbers=True, start_line=start, theme="ansi_dark", background_color="default", word_wrap=True)
    return Text(str(record.get("output", "")).rstrip("\n"))
