"""The pipe protocol: JSON Lines records, each with a ``type``.

Every command that writes data writes these records; every command that takes context
reads them back. The field names are a contract documented in ``docs/protocol.md``;
``"v"`` on each record is the protocol version.

Reading accepts three shapes on stdin: plain text (one text part), one JSON object,
or JSON Lines. A JSON value without a ``type`` is plain text that happens to be JSON.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

VERSION = 1


def record(type_: str, **fields: Any) -> dict[str, Any]:
    """A protocol record: ``{"v": 1, "type": ..., **fields}``."""
    return {"v": VERSION, "type": type_, **fields}


def tool_result(
    tool: str,
    input: dict[str, Any],
    output: str,
    *,
    text: str | None = None,
    metadata: dict[str, Any] | None = None,
    call_id: str | None = None,
    status: str = "completed",
    error: str | None = None,
) -> dict[str, Any]:
    """A ``tool_result`` record. ``status`` is ``completed``, ``error`` or ``denied``;
    ``error`` (the message) is there when it is not ``completed``."""
    rec = record("tool_result", tool=tool, input=input, output=output)
    if text is not None:
        rec["text"] = text
    rec["metadata"] = metadata or {}
    if call_id is not None:
        rec["call_id"] = call_id
    rec["status"] = status
    if error is not None:
        rec["error"] = error
    return rec


def error_record(error: dict[str, Any], *, tool: str | None = None) -> dict[str, Any]:
    rec = record("error", error=error)
    if tool is not None:
        rec["tool"] = tool
    return rec


def done_record(
    reason: str,
    *,
    session_id: str | None = None,
    usage: dict[str, Any] | None = None,
    cost_usd: float | None = None,
    duration_ms: int = 0,
    turns: int = 0,
    denials: Iterable[dict[str, Any]] = (),
    warnings: Iterable[str] = (),
    text: str = "",
) -> dict[str, Any]:
    """The ``done`` record that ends every agent run, however it ended (``reason``)."""
    return record(
        "done",
        reason=reason,
        session_id=session_id,
        usage=usage or {},
        cost_usd=cost_usd,
        duration_ms=duration_ms,
        turns=turns,
        denials=list(denials),
        warnings=list(warnings),
        text=text,
    )


def dumps(rec: dict[str, Any]) -> str:
    """One compact JSON line (no newline). Non-ASCII stays readable."""
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"), default=str)


def record_text(rec: dict[str, Any]) -> str:
    """The *text* of one record: what ``write`` takes from a pipe.

    ``text`` (the raw payload: a file's bytes, a command's output, a message) wins over
    ``output`` (the model-facing form).
    """
    if isinstance(rec.get("text"), str):
        return rec["text"]
    if isinstance(rec.get("output"), str):
        return rec["output"]
    return ""


class PipedInput:
    """What arrived on stdin: raw text, and the records when it was protocol JSON."""

    def __init__(self, raw: str, records: list[dict[str, Any]] | None = None) -> None:
        self.raw = raw
        self.records = records or []

    @property
    def is_empty(self) -> bool:
        return not self.raw.strip()

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == "error"]

    def refuse_errors(self, purpose: str | None = None) -> None:
        """Raise ``ToolError`` when the input carries an upstream ``error`` record.

        A failed command before the pipe must stop the one after it: a ``write`` must
        not store the error's text, an ``ask`` must not explain it as if it were code.
        """
        if not self.errors:
            return
        from .errors import ToolError

        first = self.errors[0].get("error", {})
        what = f"an error, not {purpose}" if purpose else "an error"
        raise ToolError(
            f"the piped input is {what}: {first.get('message', 'unknown error')}",
            hint="the command before the pipe failed; nothing was done",
        )

    @property
    def text(self) -> str:
        """The text of the input: the raw text, or the joined text of its records.

        A stream of ``text_delta`` records followed by the final ``message`` gives the
        message once, not twice.
        """
        if not self.records:
            return self.raw
        return join_record_texts(self.records)

    def context_parts(self, describe: Callable[[str, dict[str, Any]], str] | None = None) -> list[str]:
        """Context for a model: one part per record, using the model-facing ``output``.

        ``describe(tool, input)`` names what a tool acted on ("main.py"), for the label
        of its output; the tool registry knows (``Registry.describe``).
        """
        if not self.records:
            return [self.raw] if not self.is_empty else []
        parts = []
        for rec in self.records:
            kind = rec.get("type")
            if kind == "tool_result":
                subject = describe(str(rec.get("tool")), rec.get("input") or {}) if describe else ""
                label = f"output of `{rec.get('tool')}`" + (f" for {subject}" if subject else "")
                parts.append(f"{label}:\n{rec.get('output', '')}")
            elif kind == "message":
                parts.append(str(rec.get("text", "")))
        deltas = "".join(r.get("text", "") for r in self.records if r.get("type") == "text_delta")
        if deltas and not any(r.get("type") == "message" for r in self.records):
            parts.append(deltas)
        return parts


def join_record_texts(records: Iterable[dict[str, Any]]) -> str:
    records = list(records)
    has_message = any(r.get("type") == "message" for r in records)
    pieces = []
    for rec in records:
        kind = rec.get("type")
        if kind == "text_delta":
            if not has_message:
                pieces.append(rec.get("text", ""))
        elif kind in ("tool_result", "message"):
            pieces.append(record_text(rec))
    return "".join(pieces)


def parse_input(raw: str) -> PipedInput:
    """Classify stdin: protocol records (one JSON object or JSON Lines) or plain text."""
    stripped = raw.strip()
    if not stripped.startswith("{"):
        return PipedInput(raw)
    try:
        one = json.loads(stripped)
    except ValueError:
        one = None
    if isinstance(one, dict):
        return PipedInput(raw, [one]) if _is_record(one) else PipedInput(raw)
    records = []
    for line in stripped.splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            return PipedInput(raw)
        if not (isinstance(rec, dict) and _is_record(rec)):
            return PipedInput(raw)
        records.append(rec)
    return PipedInput(raw, records)


def _is_record(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("type"), str)
