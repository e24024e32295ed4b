"""``opencode run MESSAGE`` attached to a warm server: the turn runs there
(``POST /api/chat/stream``) and its records are shown here exactly as an in-process
run shows them, with the same exit status.

A permission ask comes as a ``permission_request`` record: at a terminal the person
here is asked (``TerminalPerson``) and the answer posted back; a headless run tells
the server at the start that nobody can be asked, so an ask is the same immediate
denial an in-process headless run gives. The request records are the transport's,
not the run's, and are not shown. Options the server's turns do not take
(``--max-cost``, ``--continue``, ``--answers``) keep the run in-process.

A recipe run goes the same way (``POST /api/recipes/run``), its parameters asked
here first; one that records or replays model exchanges runs here.
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
    body: dict[str, Any] = {"message": prompt, "agent": agent, "ask_person": bool(runtime.interactive)}
    body |= {_SENT[name]: value for name, value in options.items() if name in _SENT and value not in (None, False, ())}
    if "allow" in body:
        body["allow"] = list(body["allow"])
    return _show(server, view, "/api/chat/stream", body, piped)


def run_recipe_attached(runtime: Any, server: Server, view: Any, reference: str, options: Any, piped: Any) -> int:
    """A recipe run on the server (its parameters already asked here)."""
    body = {
        "recipe": reference, "params": options.params, "model": options.model, "max_turns": options.max_turns,
        "max_cost": options.max_cost, "timeout": options.timeout, "yes": options.yes or None, "allow": list(options.allow) or None,
        "answers": options.answers, "cache": options.cache, "refresh": list(options.refresh) or None,
        "dry_run": options.dry_run or None, "ask_person": bool(runtime.interactive),
    }
    code = _show(server, view, "/api/recipes/run", body, piped, to_the_end=True)
    view.close()
    return server.exit_code if server.exit_code is not None else code


def _show(server: Server, view: Any, path: str, body: dict[str, Any], piped: Any, to_the_end: bool = False) -> int:
    """Show the records of a run on the server; its exit status, as in-process."""
    from . import signals
    from .attach import stream_end

    if piped is not None:
        body["input"] = piped.raw
    code = 0
    for record in stream_end(server.records(path, {k: v for k, v in body.items() if v is not None}), "done", to_the_end=to_the_end):
        kind = record.get("type")
        if kind == "permission_request":
            _answer(server, record)
            continue
        if kind in _TRANSPORT:
            continue
        if kind == "error" and "recipe_step" not in record:
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
    path = f"/api/sessions/{record.get('session_id') or '-'}/permissions/{record.get('request_id')}"
    server.post(path, json.dumps({"answer": answer}).encode())
