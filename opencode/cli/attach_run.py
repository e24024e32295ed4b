"""``opencode run MESSAGE`` attached to a warm server: the turn runs there
(``POST /api/chat/stream``) and its records are shown here exactly as an in-process
run shows them, with the same exit status.

A permission ask comes as a ``permission_request`` record: at a terminal the person
here is asked (``TerminalPerson``) and the answer posted back; a headless run tells
the server at the start that nobody can be asked, so an ask is the same immediate
denial an in-process headless run gives. The request records are the transport's,
not the run's, and are not shown. Options the server's turns do not take
(``--max-cost``, ``--continue``, ``--answers``) keep the run in-process.
"""

from __future__ import annotations

import json

from ..errors import from_dict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .attach import Server

#: TaskOptions the server's chat turns take, and their names there.
_SENT = {"model": "model", "max_turns": "max_turns", "timeout": "timeout", "yes": "yes", "allow": "allow", "session": "session_id"}
#: What the server streams for its clients that an in-process run has no record for.
_TRANSPORT = ("permission_request", "permission_answered", "question_request", "question_answered")


def attachable(options: dict[str, Any], answers: str | None) -> bool:
    return answers is None and not any(options.get(name) for name in options if name not in _SENT)


def run_attached(runtime: Any, server: Server, view: Any, prompt: str, agent: str | None, options: dict[str, Any], piped: Any) -> int:
    from . import signals

    body: dict[str, Any] = {"message": prompt, "agent": agent, "ask_person": bool(runtime.interactive)}
    body |= {_SENT[name]: value for name, value in options.items() if name in _SENT and value not in (None, False, ())}
    if "allow" in body:
        body["allow"] = list(body["allow"])
    if piped is not None:
        body["input"] = piped.raw
    code = 0
    from .attach import stream_end

    for record in stream_end(server.records("/api/chat/stream", {k: v for k, v in body.items() if v is not None}), "done"):
        kind = record.get("type")
        if kind == "permission_request":
            _answer(server, record)
            continue
        if kind in _TRANSPORT:
            continue
        if kind == "error":
            code = from_dict(record.get("error") or {}).exit_code
        view.show(record)
    return signals.exit_status(code) if code == 130 else code


def _answer(server: Server, record: dict[str, Any]) -> None:
    """Ask the person here, and post the answer where the server waits for it."""
    import asyncio

    from ..agent.seams import PermissionAsk
    from .terminal_person import TerminalPerson

    ask = PermissionAsk(
        record.get("kind", "tool"), record.get("tool", ""), record.get("input") or {}, record.get("question", ""),
        subject=record.get("subject") or "", path=record.get("path"), patterns=record.get("patterns") or None,
        can_always="always" in (record.get("answers") or ()),
    )
    answer = asyncio.run(TerminalPerson().approve(ask)) or "deny"
    path = f"/api/sessions/{record.get('session_id')}/permissions/{record.get('request_id')}"
    server.post(path, json.dumps({"answer": answer}).encode())
