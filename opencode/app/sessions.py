"""The session operations every face offers: list, show, delete, export, import, diff,
undo, compact (resuming one is an agent task, ``app.run``).

Each returns protocol records, with a ``text`` for people. They read and write files
and run git (undo, diff); none waits on a model but ``compact``, so only it is async.
Secrets (the values of credential-like environment variables) are masked in
everything that leaves the store.
"""

from __future__ import annotations

import json

from .. import protocol
from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from ..session import Session, SessionStore
    from .workspace import Workspace


def pick_session(
    store: SessionStore,
    session_id: str | None = None,
    continue_last: bool = False,
    *,
    missing: str = "no session to continue here",
    hint: str | None = None,
) -> Session | None:
    """The session a command continues: the one named (a unique id prefix), the latest
    one (``-c``), or None for a new one. Asked for and absent is a usage error."""
    if session_id:
        return store.load(session_id)
    if continue_last:
        latest = store.latest()
        if latest is None:
            raise UsageError(missing, hint=hint)
        return latest
    return None


def list_sessions(workspace: Workspace) -> list[dict[str, Any]]:
    """One ``session`` record per session, newest first; unreadable files are warnings."""
    store = workspace.sessions
    summaries = store.redact(store.list())
    for problem in store.problems:
        workspace.warn(f"skipped {problem}")
    return [protocol.record("session", **summary, text=_row(summary)) for summary in summaries]


def _row(summary: dict[str, Any]) -> str:
    from ..session.readable import local_time, money

    who = " ".join(str(summary[k]) for k in ("agent", "model") if summary.get(k))
    parent = f"  (subagent of {summary['parent_id'][:8]})" if summary.get("parent_id") else ""
    return (
        f"{summary['short_id']}  {local_time(summary['created'])}  {summary['messages']:>3} msgs  "
        f"{money(summary['cost_usd'])}  {summary['title'] or '(untitled)'}"
        + (f"  [{who}]" if who else "")
        + parent
        + "\n"
    )


def create(workspace: Workspace, title: str | None = None, agent: str | None = None, model: str | None = None) -> dict[str, Any]:
    """A new, empty session, saved now (a client that names it before its first
    message: the server's ``POST /api/sessions``); its ``session`` record."""
    store = workspace.sessions
    found = store.create(title=title or "", agent=agent, model=model)
    store.save(found)
    summary = store.redact(found.summary())
    return protocol.record("session", **summary, text=_row(summary))


def show(workspace: Workspace, session_id: str) -> dict[str, Any]:
    """The ``session_detail`` record: the whole session, and a readable transcript."""
    from ..session.readable import transcript

    store = workspace.sessions
    found = store.load(session_id)
    return protocol.record("session_detail", **store.redact(found.to_dict()), path=str(found.path), text=store.redact(transcript(found)))


def delete(workspace: Workspace, session_ids: list[str]) -> list[dict[str, Any]]:
    """Delete sessions; nothing is deleted when one of the ids is unknown."""
    found = dict(workspace.sessions.resolve(wanted) for wanted in session_ids)
    records = []
    for session_id, path in found.items():
        path.unlink(missing_ok=True)
        records.append(protocol.record("session_deleted", id=session_id, path=str(path), text=f"deleted {session_id[:8]} ({path})\n"))
    return records


def export(workspace: Workspace, session_id: str) -> tuple[Session, str]:
    """A session and its file as JSON text, secrets masked (what ``import`` reads)."""
    store = workspace.sessions
    found = store.load(session_id)
    return found, json.dumps(store.redact(found.to_dict()), ensure_ascii=False, indent=2) + "\n"


def export_to(workspace: Workspace, session_id: str, target: Path) -> dict[str, Any]:
    """Export a session to a file, atomically."""
    from ..fsutil import atomic_write

    found, payload = export(workspace, session_id)
    atomic_write(target, payload.encode("utf-8"))
    return protocol.record("session_exported", id=found.id, path=str(target), text=f"exported {found.short_id} to {target}\n")


def import_session(workspace: Workspace, raw: bytes | str, source: str, force: bool = False) -> dict[str, Any]:
    """Add an exported session (or a ``session_detail`` record) to this project.

    It keeps its id; an existing session with that id is replaced only with ``force``.
    """
    from ..session import Session, file_name
    from ..session.store import parse_json

    data = parse_json(raw, source)
    if data.get("type") == "session_detail":  # the record 'session show' writes in a pipe
        data = {k: v for k, v in data.items() if k not in ("v", "type", "path", "text")}
    incoming = Session.from_dict(data)
    store = workspace.sessions
    existing = store.exists(incoming.id)
    if existing is not None and not force:
        raise UsageError(f"a session with id {incoming.id} already exists: {existing}", hint="add --force to replace it")
    incoming.path = store.directory / file_name(incoming)
    store.save(incoming, touch=False)
    if existing is not None and existing != incoming.path:
        existing.unlink(missing_ok=True)
    text = f"imported {incoming.short_id}: {incoming.title or '(untitled)'} ({incoming.path})\n"
    return protocol.record("session_imported", id=incoming.id, title=incoming.title, path=str(incoming.path), replaced=existing is not None, text=text)


def diff(workspace: Workspace, session_id: str) -> dict[str, Any]:
    """What a session changed in the project's files since its first undo point."""
    found = workspace.sessions.load(session_id)
    if not found.snapshots:
        return protocol.record("session_diff", session_id=found.id, files=[], diff="", text="")
    snapshots = workspace.snapshots()
    first = found.snapshots[0]["tree"]
    text = snapshots.diff(first)
    return protocol.record("session_diff", session_id=found.id, files=snapshots.changed(first), diff=text, text=text)


def undo_points(workspace: Workspace, session_id: str | None = None) -> list[dict[str, Any]]:
    """One ``undo_point`` record per turn that can be undone, the last first: what was
    asked, when, and the files an undo back to it would change now."""
    store = workspace.sessions
    session = pick_session(store, session_id, continue_last=True, missing="no session here to undo", hint="opencode session list")
    assert session is not None
    snapshots = workspace.snapshots() if session.snapshots else None
    records = []
    for number, point in reversed(list(enumerate(session.snapshots, start=1))):
        files = snapshots.changed(point["tree"]) if snapshots is not None else []
        prompt = point.get("prompt") or "(an earlier turn)"
        when = (point.get("created") or "")[:16].replace("T", " ")
        text = f"{number}. " + (f"{when}  " if when else "") + f"{prompt}  ({len(files)} files differ)\n"
        records.append(protocol.record("undo_point", session_id=session.id, turn=number, prompt=prompt, created=point.get("created"), tree=point["tree"], files=files, text=text))
    return records


def undo(workspace: Workspace, session_id: str | None = None) -> dict[str, Any]:
    """Put the files back as they were before the last turn that changed them (of the
    named session, else the latest); each undo steps one turn further back. A turn is
    one prompt, however many model steps and subagents it took."""
    store = workspace.sessions
    session = pick_session(store, session_id, continue_last=True, missing="no session here to undo", hint="opencode session list")
    assert session is not None
    if not session.snapshots:
        raise UsageError(f"session {session.short_id} has no file changes to undo")
    point = session.snapshots.pop()
    restored = workspace.snapshots().restore(point["tree"])
    store.save(session)
    text = f"restored {len(restored)} files of session {session.short_id}\n" + "".join(f"  {path}\n" for path in restored)
    return protocol.record("undo", session_id=session.id, tree=point["tree"], restored=restored, text=text)


async def compact(workspace: Workspace, session_id: str, model: str | None = None) -> dict[str, Any]:
    """Summarize a session now, so that it continues from the summary. The summary is
    asked of the session's agent's model, with that agent's system prompt."""
    from ..agent.compaction import Compactor

    store = workspace.sessions
    session = store.load(session_id)
    agents = workspace.agents
    agent = agents.get(session.agent if session.agent in agents else workspace.config.get("agent") or agents.default.name)
    compactor = Compactor(workspace.model_client(), workspace.model(model or agent.model))
    completion = await compactor.compact(workspace.system_prompts()(agent), session)
    session.add_usage(completion.usage.to_dict(), completion.cost_usd)
    store.save(session)
    return protocol.record("session_compacted", session_id=session.id, summary=completion.text, text=completion.text + "\n")
