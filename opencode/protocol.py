"""The pipe protocol: JSON Lines records, each with a ``type``.

Every command that writes data writes these records; every command that takes context
reads them back. The field names are a contract documented in ``docs/protocol.md``;
``"v"`` on each record is the protocol version.

Reading accepts three shapes on stdin: plain text (one text part), one JSON object,
or JSON Lines. A JSON value without a ``type`` is plain text that happens to be JSON,
and bytes that are not UTF-8 are plain data, kept as they are. A record's payload
that is not UTF-8 text travels as base64 in ``text``, with ``"encoding": "base64"``.
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
    encoding: str | None = None,
) -> dict[str, Any]:
    """A ``tool_result`` record. ``status`` is ``completed``, ``error`` or ``denied``;
    ``error`` (the message) is there when it is not ``completed``; ``encoding`` is
    ``base64`` when ``text`` holds bytes that are not UTF-8 text."""
    rec = record("tool_result", tool=tool, input=input, output=output)
    if text is not None:
        rec["text"] = text
        if encoding is not None:
            rec["encoding"] = encoding
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
    ``output`` (the model-facing form). A base64 payload is decoded, bytes that are
    not UTF-8 replaced (``record_bytes`` keeps them).
    """
    if rec.get("encoding") == "base64" and isinstance(rec.get("text"), str):
        return record_bytes(rec).decode("utf-8", "replace")
    if isinstance(rec.get("text"), str):
        return rec["text"]
    if isinstance(rec.get("output"), str):
        return rec["output"]
    return ""


def record_bytes(rec: dict[str, Any]) -> bytes:
    """The payload of one record as the exact bytes it stands for."""
    if rec.get("encoding") == "base64" and isinstance(rec.get("text"), str):
        from binascii import Error, a2b_base64

        try:
            return a2b_base64(rec["text"])
        except (Error, ValueError):
            return b""
    return _encode(record_text(rec))


def _encode(text: str) -> bytes:
    """UTF-8, with the bytes a decoder escaped (``surrogateescape``) put back."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape
        return text.encode("utf-8", "replace")


def failure(rec: dict[str, Any]) -> tuple[str, str] | None:
    """Why a record says the command that wrote it failed, as (what, detail), or
    None: an ``error`` record, a failed tool call, a command that exited non-zero."""
    kind = rec.get("type")
    if kind == "error":
        return "is an error", str((rec.get("error") or {}).get("message", "unknown error"))
    if kind != "tool_result":
        return None
    if rec.get("status", "completed") != "completed":
        return f"is a failed `{rec.get('tool')}` call", str(rec.get("error") or "")
    code = (rec.get("metadata") or {}).get("exit_code")
    if isinstance(code, int) and not isinstance(code, bool) and code != 0:
        return f"comes from a command that exited with status {code}", ""
    return None


class PipedInput:
    """What arrived on stdin: raw text, and the records when it was protocol JSON.

    ``data`` is the input's exact bytes (``raw`` is their text, undecodable bytes
    replaced); ``payload`` the bytes a command like ``write`` stores.
    """

    def __init__(self, raw: str, records: list[dict[str, Any]] | None = None, data: bytes | None = None) -> None:
        self.raw = raw
        self.records = records or []
        self.data = data if data is not None else _encode(raw)

    @property
    def is_empty(self) -> bool:
        return not self.raw.strip()

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == "error"]

    def refuse_errors(self, purpose: str | None = None, *, destructive: bool = False) -> None:
        """Raise ``ToolError`` when the input shows that the command before the pipe failed.

        A failed command must stop the one after it: a ``write`` must not store the
        error's text, an ``ask`` must not explain it as if it were code. An ``error``
        record is always refused. When the input is about to replace a file
        (``destructive``), so is a failed tool call, a command that exited non-zero
        (``metadata.exit_code``: ``bash "cat missing"``) and an empty payload (a grep
        without matches): each would wipe the file. (An ``ask`` may well be about a
        failing command's output.)
        """
        reasons = (failure(r) for r in self.records if destructive or r.get("type") == "error")
        reason = next((r for r in reasons if r is not None), None)
        if reason is None and destructive and not self.payload:
            reason = ("is empty", "")
        if reason is None:
            return
        from .errors import ToolError

        what, detail = reason
        message = f"the piped input {what}" + (f", not {purpose}" if purpose else "") + (f": {detail}" if detail else "")
        hint = "the command before the pipe failed; nothing was done"
        if destructive:
            hint = "the command before the pipe failed or wrote nothing; nothing was written (--force writes it anyway)"
        raise ToolError(message, hint=hint)

    @property
    def text(self) -> str:
        """The text of the input: the raw text, or the joined text of its records.

        A stream of ``text_delta`` records followed by the final ``message`` gives the
        message once, not twice.
        """
        if not self.records:
            return self.raw
        return join_record_texts(self.records)

    @property
    def payload(self) -> bytes:
        """The input's bytes exactly: the raw data, or the records' joined payloads."""
        if not self.records:
            return self.data
        return b"".join(_payloads(self.records, record_bytes))

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
    return "".join(_payloads(list(records), record_text))


def _payloads(records: list[dict[str, Any]], of: Callable[[dict[str, Any]], Any]) -> list[Any]:
    """Each record's payload (``of(record)``); ``text_delta``s only without a ``message``."""
    has_message = any(r.get("type") == "message" for r in records)
    pieces = []
    for rec in records:
        kind = rec.get("type")
        if kind == "text_delta":
            if not has_message:
                pieces.append(of(rec))
        elif kind in ("tool_result", "message"):
            pieces.append(of(rec))
    return pieces


def parse_input(raw: str | bytes) -> PipedInput:
    """Classify stdin: protocol records (one JSON object or JSON Lines) or plain text.

    Bytes are records only when they are UTF-8 text; anything else is data, kept as
    it came (``PipedInput.data``).
    """
    data = None
    if isinstance(raw, bytes):
        data = raw
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            return PipedInput(data.decode("utf-8", "replace"), data=data)
    stripped = raw.strip()
    if not stripped.startswith("{"):
        return PipedInput(raw, data=data)
    try:
        one = loads(stripped)
    except ValueError:
        one = None
    if isinstance(one, dict):
        return PipedInput(raw, [one] if _is_record(one) else None, data=data)
    records = []
    for line in stripped.splitlines():
        if not line.strip():
            continue
        try:
            rec = loads(line)
        except ValueError:
            return PipedInput(raw, data=data)
        if not (isinstance(rec, dict) and _is_record(rec)):
            return PipedInput(raw, data=data)
        records.append(rec)
    return PipedInput(raw, records, data=data)


def loads(text: str | bytes) -> Any:
    """``json.loads`` for input from outside (stdin, arguments, a model's tool call): a
    value nested too deeply is a ``ValueError``, like any bad JSON, where json itself
    would overflow the stack and end in a traceback."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def _is_record(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("type"), str)
