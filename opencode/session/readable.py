"""A session as text a person reads: a header, then each message and its parts.

Used by ``opencode session show`` on a terminal and with ``--format text``. Tool
outputs are cut to their first lines; the whole session is in the JSON form.
"""

from __future__ import annotations

import json

from .model import Session, parse_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OUTPUT_LINES = 8
STATUS_MARK = {"completed": "ok", "error": "error", "denied": "denied", "running": "running"}


def local_time(stamp: str | None) -> str:
    """``2026-02-23 12:07`` in local time, or the stamp as it is when unreadable."""
    parsed = parse_time(stamp or "")
    return parsed.astimezone().strftime("%Y-%m-%d %H:%M") if parsed else (stamp or "")


def money(cost: float | None) -> str:
    return f"${cost or 0:.4f}"


def header(session: Session) -> str:
    facts = [f"created {local_time(session.created)}"]
    if session.agent:
        facts.append(f"agent {session.agent}")
    if session.model:
        facts.append(f"model {session.model}")
    facts.append(f"{len(session.messages)} messages")
    usage = session.usage
    facts.append(f"{usage.get('input_tokens', 0)} in / {usage.get('output_tokens', 0)} out tokens")
    facts.append(money(session.cost_usd))
    lines = [f"session {session.id}: {session.title or '(untitled)'}", " · ".join(facts)]
    if session.parent_id:
        lines.append(f"subagent session of {session.parent_id}")
    return "\n".join(lines) + "\n"


def render_part(part: dict[str, Any]) -> str:
    kind = part.get("type")
    if kind == "text":
        return str(part.get("text", "")).rstrip("\n") + "\n"
    if kind == "reasoning":
        body = str(part.get("text", "")).rstrip("\n")
        return "".join(f"  | {line}\n" for line in body.splitlines()) if body else ""
    if kind == "tool":
        status = STATUS_MARK.get(part.get("status", ""), part.get("status", ""))
        call = json.dumps(part.get("input", {}), ensure_ascii=False)
        out = [f"[{part.get('tool')}] {call}  ({status})\n"]
        body = str(part.get("error") or part.get("output") or "").rstrip("\n")
        lines = body.splitlines()
        for line in lines[:OUTPUT_LINES]:
            out.append(f"    {line}\n")
        if len(lines) > OUTPUT_LINES:
            out.append(f"    … {len(lines) - OUTPUT_LINES} more lines\n")
        return "".join(out)
    if kind == "compaction":
        return f"[compacted history up to message {part.get('upto')}]\n" + str(part.get("summary", "")).rstrip("\n") + "\n"
    if kind == "snapshot":
        return f"[snapshot {part.get('tree')}]\n"
    return f"[{kind}]\n"


def render_message(message: dict[str, Any]) -> str:
    who = [message.get("role", "?")]
    who += [str(message[key]) for key in ("agent", "model") if message.get(key)]
    title = f"── {who[0]}" + (f" ({', '.join(who[1:])})" if len(who) > 1 else "") + f" · {local_time(message.get('created'))} ──\n"
    return title + "".join(render_part(p) for p in message.get("parts", ()))


def transcript(session: Session) -> str:
    """The whole session as readable text."""
    return header(session) + "".join("\n" + render_message(m) for m in session.messages)
